"""Consistency check of a store (what a crash must never leave behind).

:func:`verify_store` lists every violation of the store's invariants:

* a ``blobs`` row whose file is missing or has another size (half-written);
* a blob file that no row references (an orphan) and that the sweep would
  not keep (only files of live writers are kept);
* a model held by a job whose holder is gone (stuck), or a resource still
  ``being_processed`` on a model that no job holds;
* a word source naming a missing resource, a non-user word with no source,
  a row of a missing model;
* an ``available`` acoustic model without its trained artifact, scratch
  directories of a dead training.
"""
from __future__ import annotations

import time

from sqlalchemy import select

from . import schema
from .store import Store


def verify_store(store: Store) -> list[str]:
    """Problems found (an empty list: the store is consistent)."""
    problems: list[str] = []
    m, r, b, w, s = schema.models, schema.resources, schema.blobs, schema.words, schema.word_sources
    with store.reading() as conn:
        models = {x.id: x for x in conn.execute(select(m))}
        resources = {x.id: x for x in conn.execute(select(r))}
        blob_rows = list(conn.execute(select(b)))
        words = list(conn.execute(select(w)))
        sources = list(conn.execute(select(s)))
    referenced = set()
    for row in blob_rows:
        referenced.add(row.name)
        path = store.blobs.file(row.name)
        if not path.is_file():
            problems.append(f"blob {row.name} ({row.role}) is recorded but its file is missing")
        elif path.stat().st_size != row.size:
            problems.append(f"blob {row.name} has {path.stat().st_size} bytes; its row says {row.size}")
        if row.model_id not in models:
            problems.append(f"blob {row.name} belongs to missing model {row.model_id}")
        if row.resource_id is not None and row.resource_id not in resources:
            problems.append(f"blob {row.name} belongs to missing resource {row.resource_id}")
    for name in store.blobs.names():
        if name not in referenced and store.blobs._writer_gone(name):
            problems.append(f"orphan blob file {name} (its writer is gone)")
    for tmp in store.blobs.path.glob(".*.tmp"):
        if store.blobs._writer_gone(tmp.name[1:-4]):
            problems.append(f"temporary file {tmp.name} of a dead writer")
    now = time.time()
    for model in models.values():
        if model.job is not None and store._abandoned(model, now):
            problems.append(f"model {model.id} is stuck in job {model.job} (status {model.status})")
        if model.job is None and model.status in ("training", "upgrading"):
            problems.append(f"model {model.id} is '{model.status}' with no job running")
    for res in resources.values():
        owner = models.get(res.model_id)
        if owner is None:
            problems.append(f"resource {res.name} belongs to missing model {res.model_id}")
        elif res.status == "being_processed" and owner.job_resource != res.id:
            problems.append(f"resource {res.name} of {res.model_id} is being_processed but no job analyses it")
    sourced = set()
    for src in sources:
        sourced.add((src.model_id, src.word))
        if src.resource_id not in resources:
            problems.append(f"word {src.word} of {src.model_id} has a source in missing resource {src.resource_id}")
    for word in words:
        if word.model_id not in models:
            problems.append(f"word {word.word} belongs to missing model {word.model_id}")
        if not word.user and (word.model_id, word.word) not in sourced:
            problems.append(f"word {word.word} of {word.model_id} has no source")
    from .acoustic_training import dead_work_dirs
    from .am_state import ARTIFACT_ROLE, KIND as ACOUSTIC

    trained = {row.model_id for row in blob_rows if row.role == ARTIFACT_ROLE}
    for model in models.values():
        if model.kind == ACOUSTIC and model.status == "available" and model.id not in trained:
            problems.append(f"acoustic model {model.id} is available but has no trained artifact")
    for entry in dead_work_dirs(store):
        problems.append(f"scratch directory {entry.name} of a dead writer")
    return problems


__all__ = ["verify_store"]
