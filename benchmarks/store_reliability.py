"""Reliability of the customization store under crashes and contention.

Two measurements, one run:

1. **Kill runs.** A worker process loops over ``add_corpus`` / ``add_words`` /
   ``train_language_model`` on a few custom models of one store; the driver
   SIGKILLs it at a random moment, then opens the store (recovery + sweep)
   and checks :func:`asr_engine.customization.verify_store` (no stuck model,
   no orphan blob, no half-written record) and that every model accepts work
   again. Repeated ``--kill-runs`` times on the same store.
2. **Storm.** ``--threads`` threads for ``--storm-seconds`` on ``--models``
   models (add corpus, add word, train, list, delete); the only errors allowed
   are the documented 409s (busy model, name taken) and 404 for a model a
   thread itself deleted. At the end the store must verify clean and each
   thread's corpora and words must be exactly those it believes it added.

Usage::

    python benchmarks/store_reliability.py --kill-runs 50 --storm-seconds 60
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import importlib.util
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("asr_engine") is None:  # not installed: the source tree (built in place)
    sys.path.insert(0, str(HERE.parent / "src"))

import asr_engine  # noqa: E402
from asr_engine import AsrError  # noqa: E402
from asr_engine.customization import Store, verify_store  # noqa: E402
from asr_engine.watson import SpeechToText  # noqa: E402

SHARED = Path(os.environ.get("ASR_ENGINE_SHARED", HERE.parents[1] / "shared"))
ARCTIC = SHARED / "data" / "corpora" / "arctic" / "prompts.txt"
SONNETS = SHARED / "data" / "corpora" / "sonnets" / "sonnets_4-154.txt"
OWNER = "reliability"
BASE = "en-US_BroadbandModel"


def corpus_lines() -> list[str]:
    lines = [ln for p in (ARCTIC, SONNETS) for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return lines


def wait_idle(stt: SpeechToText, cid: str, timeout: float = 120.0) -> dict:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        m = stt.get_language_model(cid)
        if m["status"] not in ("training", "upgrading") and stt.store.wait_idle(0):
            return m
        time.sleep(0.02)
    raise RuntimeError(f"model {cid} still busy")


# -- 1. kill runs ---------------------------------------------------------------


def worker(path: str, seed: int) -> None:
    """The process that gets killed: loops over corpus, words and training."""
    rng = random.Random(seed)
    lines = corpus_lines()
    store = Store(path, lease_seconds=30)
    stt = SpeechToText(store, OWNER)
    models = stt.list_language_models()["customizations"]
    while len(models) < 3:
        stt.create_language_model(f"model{len(models)}", BASE)
        models = stt.list_language_models()["customizations"]
    ids = [m["customization_id"] for m in models]
    print("ready", flush=True)
    while True:
        cid = rng.choice(ids)
        try:
            wait_idle(stt, cid)
            op = rng.random()
            if op < 0.5:
                start = rng.randrange(len(lines))
                text = "\n".join(lines[start:start + rng.randint(50, 2000)])
                stt.add_corpus(cid, f"c{rng.randint(0, 3)}", text.encode(), allow_overwrite=True)
            elif op < 0.6:
                stt.add_words(cid, [{"word": f"w{rng.randint(0, 20)}x", "sounds_like": ["double you ex"]}])
            else:
                stt.train_language_model(cid, strict=False, force=True)
            wait_idle(stt, cid)
        except AsrError as e:
            if e.code not in (400, 409):
                raise


def kill_runs(path: str, runs: int, seed: int) -> dict:
    rng = random.Random(seed)
    recovered = swept = 0
    phases: dict[str, int] = {}
    for run in range(runs):
        proc = subprocess.Popen([sys.executable, __file__, "worker", path, str(seed * 1000 + run)],
                                stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(Path(asr_engine.__file__).resolve().parent.parent)})
        assert proc.stdout.readline().strip() == "ready", "worker did not start"
        time.sleep(rng.uniform(0.05, 3.0))
        with Store(path) as peek:  # what was the worker doing when it died?
            from sqlalchemy import select

            from asr_engine.customization import schema
            with peek.reading() as conn:
                jobs = [r.job for r in conn.execute(select(schema.models.c.job).where(schema.models.c.job.is_not(None)))]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for j in jobs or ["idle"]:
            phases[j] = phases.get(j, 0) + 1
        store = Store(path)  # recovery and sweep happen on open
        recovered += store.recovered_on_open
        swept += store.swept_on_open
        try:
            problems = verify_store(store)
            if problems:
                raise AssertionError(f"run {run}: " + "; ".join(problems))
            stt = SpeechToText(store, OWNER)
            for m in stt.list_language_models()["customizations"]:
                if m["status"] in ("training", "upgrading"):
                    raise AssertionError(f"run {run}: model {m['customization_id']} stuck in {m['status']}")
                for c in stt.list_corpora(m["customization_id"])["corpora"]:
                    if c["status"] == "being_processed":
                        raise AssertionError(f"run {run}: corpus {c['name']} stuck being_processed")
                # The model takes work again (no 409 from a dead job).
                stt.add_word(m["customization_id"], "IEEE", sounds_like=["I. triple E."])
        finally:
            store.close()
    return {"kill_runs": runs, "killed_during": phases, "jobs_recovered_on_open": recovered,
            "orphan_files_swept_on_open": swept}


# -- 2. storm ---------------------------------------------------------------------


def storm(path: str, seconds: float, threads: int, n_models: int, seed: int) -> dict:
    store = Store(path)
    stt = SpeechToText(store, OWNER + "-storm")
    lines = corpus_lines()
    ids = []
    for i in range(n_models):
        cid = stt.create_language_model(f"storm{i}", BASE)["customization_id"]
        stt.add_word(cid, "IEEE", sounds_like=["I. triple E."])  # valid data that nobody removes
        ids.append(cid)
    ids_lock = threading.Lock()
    deleted: set[str] = set()
    counts: dict[str, int] = {}
    errors: list[str] = []
    # What each thread believes it added: {(model, name)}; only it touches its names.
    mine: list[dict[str, set]] = [{"corpora": set(), "words": set()} for _ in range(threads)]
    stop = time.monotonic() + seconds

    def count(key: str) -> None:
        with ids_lock:
            counts[key] = counts.get(key, 0) + 1

    def run(t: int) -> None:
        rng = random.Random(seed * 100 + t)
        while time.monotonic() < stop:
            with ids_lock:
                slot = rng.randrange(n_models)
                cid = ids[slot]
            op = rng.choice(["corpus", "corpus", "word", "word", "train", "list", "list", "delete_corpus",
                             "delete_word", "delete_model"])
            try:
                if op == "corpus":
                    name = f"t{t}c{rng.randint(0, 2)}"
                    start = rng.randrange(len(lines))
                    text = "\n".join(lines[start:start + rng.randint(5, 300)])
                    stt.add_corpus(cid, name, text.encode(), allow_overwrite=True)
                    mine[t]["corpora"].add((cid, name))
                elif op == "word":
                    name = f"t{t}w{rng.randint(0, 4)}"
                    stt.add_word(cid, name, sounds_like=["tee double you"])
                    mine[t]["words"].add((cid, name))
                elif op == "train":
                    stt.train_language_model(cid, strict=False, force=True)
                elif op == "list":
                    stt.list_language_models()
                    stt.list_words(cid, sort="-count")
                    stt.list_corpora(cid)
                elif op in ("delete_corpus", "delete_word"):
                    kind, delete = (("corpora", stt.delete_corpus) if op == "delete_corpus"
                                    else ("words", stt.delete_word))
                    owned = sorted(n for (c, n) in mine[t][kind] if c == cid)
                    if not owned:
                        continue
                    name = rng.choice(owned)
                    delete(cid, name)
                    mine[t][kind].discard((cid, name))
                elif op == "delete_model":
                    if t != slot or rng.random() > 0.1:  # thread i owns model i's life
                        continue
                    # Marked before the delete: another thread that picked this id
                    # may get its 404 before this thread's delete call returns.
                    with ids_lock:
                        deleted.add(cid)
                    stt.delete_language_model(cid)
                    new = stt.create_language_model(f"storm{slot}", BASE)["customization_id"]
                    stt.add_word(new, "IEEE", sounds_like=["I. triple E."])
                    with ids_lock:
                        ids[slot] = new
                count(op)
            except AsrError as e:
                if e.code == 409:
                    count(f"409 {op}")
                elif e.code == 404 and cid in deleted:
                    count(f"404 deleted model {op}")
                else:
                    errors.append(f"thread {t} {op}: {e.code} {e.message}")
            except Exception as e:  # noqa: BLE001
                errors.append(f"thread {t} {op}: {type(e).__name__}: {e}")

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    store.wait_idle(120)
    for cid in ids:
        wait_idle(stt, cid)
    problems = verify_store(store)
    # Each thread's corpora and words on the live models are exactly what it believes.
    for cid in ids:
        corpora = {c["name"] for c in stt.list_corpora(cid)["corpora"]}
        words = {w["word"] for w in stt.list_words(cid, word_type="user")["words"]}
        for t in range(threads):
            want_c = {n for (c, n) in mine[t]["corpora"] if c == cid}
            want_w = {n for (c, n) in mine[t]["words"] if c == cid}
            got_c = {n for n in corpora if n.startswith(f"t{t}c")}
            got_w = {n for n in words if n.startswith(f"t{t}w")}
            if want_c != got_c or want_w != got_w:
                problems.append(f"model {cid} thread {t}: corpora {got_c} != {want_c} or words {got_w} != {want_w}")
        for c in stt.list_corpora(cid)["corpora"]:
            if c["status"] != "analyzed":
                problems.append(f"corpus {c['name']} of {cid} is {c['status']}")
        status = stt.get_language_model(cid)["status"]
        if status in ("training", "upgrading", "pending"):
            problems.append(f"model {cid} ended {status}")
    store.close()
    return {"storm_seconds": seconds, "threads": threads, "models": n_models, "operations": counts,
            "unexpected_errors": errors, "problems": problems}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker(sys.argv[2], int(sys.argv[3]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kill-runs", type=int, default=50)
    ap.add_argument("--storm-seconds", type=float, default=60.0)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--models", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--store", help="store directory (default: a new temporary one)")
    args = ap.parse_args()
    path = args.store or tempfile.mkdtemp(prefix="asr-store-reliability-")
    out: dict = {"store": path}
    t0 = time.time()
    if args.kill_runs:
        out.update(kill_runs(path, args.kill_runs, args.seed))
    if args.storm_seconds > 0:
        out.update(storm(path, args.storm_seconds, args.threads, args.models, args.seed))
    out["wall_seconds"] = round(time.time() - t0, 1)
    print(json.dumps(out, indent=2))
    return 0 if not out.get("unexpected_errors") and not out.get("problems") else 1


if __name__ == "__main__":
    sys.exit(main())
