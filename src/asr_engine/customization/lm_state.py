"""Status and JSON of custom language models: the rules of the IBM service.

The model's ``status`` is stored, and re-derived from its data whenever a
job ends or data changes (:func:`settle`): ``failed`` after a failed
training until something changes, ``available`` when a trained artifact
matches the data, ``ready`` when there is valid data to train on, else
``pending``. ``training`` and ``upgrading`` are set while those jobs run;
resource analysis and word processing show ``pending``, as the service does.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import select, update

from . import schema

KIND = "language"

STATUSES = ("pending", "ready", "training", "available", "upgrading", "failed")


def iso_time(t: float) -> str:
    """``2016-06-01T14:21:26.894Z``, as the service writes times."""
    d = datetime.fromtimestamp(t, tz=timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def has_artifact(conn, model_id: str) -> bool:
    b = schema.blobs
    return conn.execute(select(b.c.name).where(b.c.model_id == model_id, b.c.role == "lexicon")).first() is not None


def has_valid_data(conn, model_id: str) -> bool:
    r, w = schema.resources, schema.words
    if conn.execute(select(r.c.id).where(r.c.model_id == model_id, r.c.status == "analyzed")
                    .limit(1)).first() is not None:
        return True
    return conn.execute(select(w.c.word).where(w.c.model_id == model_id, w.c.error.is_(None))
                        .limit(1)).first() is not None


def derived_status(conn, row) -> str:
    if row.failed:
        return "failed"
    if has_artifact(conn, row.id) and not row.dirty:
        return "available"
    return "ready" if has_valid_data(conn, row.id) else "pending"


def settle_with(derive, tx, model_id: str, **values) -> None:
    """Apply ``values`` to the model, then, if no job holds it, set the
    status ``derive(conn, row)`` gives (progress 100 when ``available``)."""
    m = schema.models
    if values:
        tx.execute(update(m).where(m.c.id == model_id).values(updated=tx.now, **values))
    row = tx.execute(select(m).where(m.c.id == model_id)).first()
    if row is None or row.job is not None:
        return
    status = derive(tx.conn, row)
    tx.execute(update(m).where(m.c.id == model_id).values(
        status=status, progress=100 if status == "available" else 0))


def settle(tx, model_id: str, **values) -> None:
    """Apply ``values`` to the (idle) model, then re-derive its status."""
    settle_with(derived_status, tx, model_id, **values)


def mark_changed(tx, model_id: str) -> None:
    """Data of the model changed: it needs training again."""
    settle(tx, model_id, dirty=True, failed=False)


def model_json(row) -> dict:
    """The ``LanguageModel`` object of §2.2."""
    out = {
        "customization_id": row.id,
        "created": iso_time(row.created),
        "updated": iso_time(row.updated),
        "language": row.language,
        "dialect": row.dialect,
        "versions": list(row.versions),
        "owner": row.owner,
        "name": row.name,
        "description": row.description,
        "base_model_name": row.base_model_name,
        "status": row.status,
        "progress": int(row.progress),
    }
    if row.error:
        out["error"] = row.error
    return out


def corpus_json(row) -> dict:
    out = {"name": row.name, "total_words": int(row.total_words),
           "out_of_vocabulary_words": int(row.oov_words), "status": row.status}
    if row.error:
        out["error"] = row.error
    return out


def grammar_json(row) -> dict:
    out = {"name": row.name, "out_of_vocabulary_words": int(row.oov_words), "status": row.status}
    if row.error:
        out["error"] = row.error
    return out


def word_sources(conn, model_id: str, word: Optional[str] = None) -> dict[str, list[tuple[str, str, int]]]:
    """``{word: [(resource name, resource kind, count), ...]}`` in resource order."""
    s, r = schema.word_sources, schema.resources
    q = (select(s.c.word, r.c.name, r.c.kind, s.c.count)
         .select_from(s.join(r, r.c.id == s.c.resource_id))
         .where(s.c.model_id == model_id)
         .order_by(r.c.created, r.c.name))
    if word is not None:
        q = q.where(s.c.word == word)
    out: dict[str, list] = {}
    for w, name, kind, count in conn.execute(q):
        out.setdefault(w, []).append((name, kind, int(count)))
    return out


def word_json(row, sources: list[tuple[str, str, int]]) -> dict:
    """The ``Word`` object of §2.4."""
    names = [name for name, _k, _c in sources]
    count = sum(c for _n, _k, c in sources)
    if row.user:
        names.append("user")
    out = {"word": row.word, "sounds_like": list(row.sounds_like), "display_as": row.display_as,
           "count": count if count > 0 else 1, "source": names}
    if row.mapping_only:
        out["mapping_only"] = list(row.mapping_only)
    if row.error:
        out["error"] = [dict(e) for e in row.error]
    return out


__all__ = ["KIND", "STATUSES", "iso_time", "settle", "settle_with", "mark_changed", "derived_status", "model_json",
           "corpus_json", "grammar_json", "word_json", "word_sources", "has_artifact", "has_valid_data"]
