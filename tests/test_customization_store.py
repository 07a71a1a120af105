"""The customization Store: location, database set-up, atomic blobs and the
sweep, compare-and-set jobs, leases and recovery after a killed process."""
from __future__ import annotations

import asr_engine  # children import the package this test runs against (installed or in place)

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from asr_engine import AsrError
from asr_engine.customization import Store, schema, verify_store
from asr_engine.customization.blobs import BlobDirectory
from asr_engine.watson import SpeechToText

ROOT = Path(__file__).resolve().parents[1]


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_default_home_and_wal(tmp_path, monkeypatch):
    monkeypatch.setenv("ASR_ENGINE_HOME", str(tmp_path / "home"))
    with Store() as store:
        assert store.path == tmp_path / "home" and (store.path / "store.db").is_file()
        with store.reading() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    with Store(tmp_path / "blobs-here", database_url=url) as store:
        stt = SpeechToText(store, "o")
        stt.create_language_model("m", "en-US_BroadbandModel")
    assert (tmp_path / "elsewhere.db").is_file() and not (tmp_path / "blobs-here" / "store.db").exists()


def test_blob_writes_are_atomic_and_swept(tmp_path):
    blobs = BlobDirectory(tmp_path / "b", grace_seconds=3600)
    name, size = blobs.write(b"x" * 1000)
    assert blobs.read(name) == b"x" * 1000 and size == 1000
    assert not list(blobs.path.glob(".*"))  # no temporary file left behind
    # An unreferenced file of a dead writer, its temporary file, and a fresh
    # unreferenced file of a live writer (this process): only the first two go.
    orphan = f"{'0' * 32}.{name.split('.')[1]}.{dead_pid()}"
    (blobs.path / orphan).write_bytes(b"half")
    (blobs.path / f".{orphan}.tmp").write_bytes(b"half")
    live, _ = blobs.write(b"mine, not yet recorded")
    removed = blobs.sweep({name})
    assert sorted(removed) == sorted([orphan, f".{orphan}.tmp"])
    assert set(blobs.names()) == {name, live}
    assert blobs.sweep({name}, now=time.time() + 7200) == [live]  # past the grace period


def test_claim_is_compare_and_set(tmp_path):
    with Store(tmp_path) as store:
        stt = SpeechToText(store, "o")
        cid = stt.create_language_model("m", "en-US_BroadbandModel")["customization_id"]
        with store.transaction() as tx:
            job = store.claim(tx, cid, "o", "language", "training", status="training")
        with pytest.raises(AsrError) as e, store.transaction() as tx:
            store.claim(tx, cid, "o", "language", "training")
        assert e.value.code == 409
        with pytest.raises(AsrError) as e, store.transaction() as tx:
            store.claim(tx, cid, "intruder", "language", "training")
        assert e.value.code == 404
        # A held lease is not recovered while its holder lives ...
        assert store.recover() == 0
        # ... but is once it expires (a holder on another host, or a hung one).
        store._release(job)
        with store.transaction() as tx:
            tx.execute(update(schema.models).where(schema.models.c.id == cid).values(
                lease_holder="elsewhere:1:x", lease_expires=time.time() - 1))
        model = stt.get_language_model(cid)  # polling recovers it
        assert model["status"] == "pending" and "interrupted" in model["error"]
        assert verify_store(store) == []


WORKER = textwrap.dedent("""
    import sys, time
    from asr_engine.customization import Store
    from asr_engine.watson import SpeechToText
    store = Store(sys.argv[1])
    stt = SpeechToText(store, "o")
    cid = sys.argv[2]
    with store.transaction() as tx:  # hold the model as a long analysis would
        store.claim(tx, cid, "o", "language", "corpus", status="pending")
    name, size = store.write_blob(b"written but never recorded")
    print(name, flush=True)
    time.sleep(60)
""")


def test_killed_process_is_recovered_on_open(tmp_path):
    with Store(tmp_path) as store:
        stt = SpeechToText(store, "o")
        cid = stt.create_language_model("m", "en-US_BroadbandModel")["customization_id"]
        stt.add_word(cid, "IEEE", sounds_like=["I. triple E."])
    proc = subprocess.Popen([sys.executable, "-c", WORKER, str(tmp_path), cid], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(asr_engine.__file__).resolve().parent.parent)})
    orphan = proc.stdout.readline().strip()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (tmp_path / "blobs" / orphan).is_file()
    with Store(tmp_path) as store:
        assert not (tmp_path / "blobs" / orphan).exists()  # swept on open
        stt = SpeechToText(store, "o")
        model = stt.get_language_model(cid)
        assert model["status"] == "ready"
        assert model["error"].startswith("Analysis of a corpus was interrupted")
        stt.add_word(cid, "tomato", sounds_like=["toe may toe"])  # usable again
        assert verify_store(store) == []


def test_kill_runs_and_storm_short():
    """A short run of benchmarks/store_reliability.py (the long one is in the report)."""
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "store_reliability.py"), "--kill-runs", "3",
                          "--storm-seconds", "3", "--seed", "7"], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(Path(asr_engine.__file__).resolve().parent.parent)})
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["kill_runs"] == 3 and report["problems"] == [] and report["unexpected_errors"] == []
    assert sum(v for k, v in report["operations"].items() if not k.startswith("4")) > 0
