"""Reliability of custom acoustic models under SIGKILL.

A worker process loops over ``add_audio`` (single files and zip archives,
replacing resources), ``train_acoustic_model``, ``delete_audio`` and
``reset_acoustic_model`` on two custom acoustic models of one store; the
driver SIGKILLs it at a random moment (noting which job was running), then
opens the store (recovery of the abandoned job, sweep of orphan blobs and
scratch directories) and checks :func:`asr_engine.customization.verify_store`,
that no model is left ``training``/``upgrading`` and no audio
``being_processed``, that a model that was ``available`` still loads, and that
every model accepts work again (no 409 from a dead job). Repeated
``--kill-runs`` times on the same store; prints a JSON report.

    python benchmarks/acoustic_reliability.py --kill-runs 30
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if importlib.util.find_spec("asr_engine") is None:  # not installed: the source tree (built in place)
    sys.path.insert(0, str(HERE.parent / "src"))

import asr_engine  # noqa: E402
from asr_engine import AsrError  # noqa: E402
from asr_engine.customization import Store, verify_store  # noqa: E402
from asr_engine.watson import SpeechToText  # noqa: E402

SHARED = Path(os.environ.get("ASR_ENGINE_SHARED", HERE.parents[1] / "shared"))
KATHLEEN = SHARED / "data" / "adapt" / "kathleen"
OWNER = "reliability"
BASE = "en-US_BroadbandModel"
MIN_MINUTES = 0.2


def open_store(path: str) -> Store:
    return Store(path, lease_seconds=30, min_acoustic_minutes=MIN_MINUTES)


def wavs() -> list[Path]:
    rows = list(csv.DictReader(open(KATHLEEN / "refs.tsv", encoding="utf-8"), delimiter="\t"))
    return [KATHLEEN / f"{r['id']}.wav" for r in rows[:24]]


def zip_of(files: list[Path]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for f in files:
            z.write(f, f.name)
    return buf.getvalue()


def worker(path: str, seed: int) -> None:
    """The process that gets killed."""
    rng = random.Random(seed)
    files = wavs()
    stt = SpeechToText(open_store(path), OWNER)
    models = stt.list_acoustic_models()["customizations"]
    while len(models) < 2:
        stt.create_acoustic_model(f"model{len(models)}", BASE)
        models = stt.list_acoustic_models()["customizations"]
    ids = [m["customization_id"] for m in models]
    print("ready", flush=True)
    while True:
        cid = rng.choice(ids)
        try:
            stt.store.wait_idle()
            op = rng.random()
            if op < 0.45:
                part = rng.sample(files, rng.randint(4, len(files)))
                stt.add_audio(cid, f"set{rng.randint(0, 2)}", zip_of(part), content_type="application/zip",
                              allow_overwrite=True)
            elif op < 0.55:
                stt.add_audio(cid, f"one{rng.randint(0, 2)}", rng.choice(files).read_bytes(),
                              content_type="audio/wav", allow_overwrite=True)
            elif op < 0.6:
                audio = stt.list_audio(cid)["audio"]
                if audio:
                    stt.delete_audio(cid, rng.choice(audio)["name"])
            elif op < 0.63:
                stt.reset_acoustic_model(cid)
            else:
                stt.train_acoustic_model(cid, strict=False)
            stt.store.wait_idle()
        except AsrError as e:
            if e.code not in (400, 409):
                raise


def running_jobs(path: str) -> list[str]:
    from sqlalchemy import select

    from asr_engine.customization import schema

    with Store(path) as peek:
        with peek.reading() as conn:
            return [r.job for r in conn.execute(select(schema.models.c.job).where(schema.models.c.job.is_not(None)))]


def check(path: str, run: int) -> tuple[int, int]:
    store = open_store(path)  # recovery and sweep happen on open
    try:
        problems = verify_store(store)
        if problems:
            raise AssertionError(f"run {run}: " + "; ".join(problems))
        stt = SpeechToText(store, OWNER)
        for m in stt.list_acoustic_models()["customizations"]:
            cid = m["customization_id"]
            if m["status"] in ("training", "upgrading"):
                raise AssertionError(f"run {run}: model {cid} stuck in {m['status']}")
            for a in stt.list_audio(cid)["audio"]:
                if a["status"] == "being_processed":
                    raise AssertionError(f"run {run}: audio {a['name']} stuck being_processed")
            if m["status"] == "available":
                stt.acoustic_models.adapted_model(OWNER, cid)  # the artifact is whole
            # The model takes work again (no 409 from a dead job).
            stt.add_audio(cid, "probe", wavs()[0].read_bytes(), content_type="audio/wav", allow_overwrite=True)
            store.wait_idle(60)
            stt.delete_audio(cid, "probe")
        return store.recovered_on_open, store.swept_on_open
    finally:
        store.close()


def kill_runs(path: str, runs: int, seed: int, max_delay: float) -> dict:
    rng = random.Random(seed)
    recovered = swept = 0
    phases: dict[str, int] = {}
    env = {**os.environ, "PYTHONPATH": str(Path(asr_engine.__file__).resolve().parent.parent)}
    for run in range(runs):
        proc = subprocess.Popen([sys.executable, __file__, "worker", path, str(seed * 1000 + run)],
                                stdout=subprocess.PIPE, text=True, env=env)
        assert proc.stdout.readline().strip() == "ready", "worker did not start"
        time.sleep(rng.uniform(0.2, max_delay))
        jobs = running_jobs(path)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for j in jobs or ["idle"]:
            phases[j] = phases.get(j, 0) + 1
        r, s = check(path, run)
        recovered += r
        swept += s
    return {"kill_runs": runs, "killed_during": phases, "jobs_recovered_on_open": recovered,
            "orphan_files_swept_on_open": swept}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker(sys.argv[2], int(sys.argv[3]))
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--kill-runs", type=int, default=30)
    ap.add_argument("--max-delay", type=float, default=15.0, help="longest wait before a kill, in seconds")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as path:
        t = time.perf_counter()
        report = kill_runs(path, args.kill_runs, args.seed, args.max_delay)
        report["seconds"] = round(time.perf_counter() - t, 1)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
