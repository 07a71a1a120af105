"""Asynchronous jobs kept in the store's database: they survive a restart,
a manager killed during a job leaves it to another manager (rerun, never
lost), an expired lease of another host is taken over and a live one is not,
two managers on one store run each job exactly once, and
``delete_user_data`` reaches jobs no running manager knows about."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import select, update

from asr_engine import InvalidArgumentError
from asr_engine.customization import Store, schema
from asr_engine.watson import SpeechToText
from asr_engine.watson.jobs import JobManager
from conftest import DEV
from server_process import PACKAGE_ROOT
from test_watson_jobs import Listener

T = schema.recognition_jobs
SHORT = [DEV / f"{name}.wav" for name in ("fsdd_1_nicolas_11", "fsdd_2_lucas_33", "fsdd_7_nicolas_10",
                                          "fsdd_8_theo_16")]
LONG = sorted(DEV.glob("arctic_*.wav"))[0]


def wait_done(manager, owner, job_id, timeout=240):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = manager.get(owner, job_id)
        if job["status"] in ("completed", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job['status']}")


def row(store, job_id):
    with store.reading() as conn:
        return conn.execute(select(T).where(T.c.id == job_id)).first()


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "store")
    yield s
    s.close()


def test_malformed_manager_options(store):
    for bad in (dict(workers=-1), dict(workers="2"), dict(workers=True), dict(max_attempts=0),
                dict(max_attempts=1.5), dict(lease_seconds=0), dict(poll_seconds=-1)):
        with pytest.raises(InvalidArgumentError):
            JobManager(store, **bad)


def test_jobs_survive_a_restart(store):
    """Recorded by a manager that runs nothing, then closed; a new manager
    (a restarted server) finds them waiting and runs them."""
    recorder = JobManager(store, workers=0)
    stt = SpeechToText(store, owner="restart", jobs=recorder)
    audio = SHORT[0].read_bytes()
    ids = [stt.create_job(audio, "audio/wav", user_token=None)["id"] for _ in range(3)]
    recorder.close()
    assert {row(store, j).status for j in ids} == {"waiting"}
    assert all(store.blob_path(row(store, j).audio_blob).exists() for j in ids)

    runner = JobManager(store, workers=1)
    try:
        again = SpeechToText(store, owner="restart", jobs=runner)
        expected = again.recognize(audio, "audio/wav")
        for j in ids:
            job = wait_done(runner, "restart", j)
            assert job["status"] == "completed" and job["results"] == [expected]
            assert row(store, j).audio_blob is None  # the audio file goes with the job's end
        assert {r["id"] for r in again.check_jobs()["recognitions"]} == set(ids)
    finally:
        runner.close()


def test_killed_manager_process_job_is_rerun(store, tmp_path):
    """A whole process running a job is SIGKILLed: the job stays
    ``processing`` under a dead holder, and the next manager reruns it."""
    recorder = JobManager(store, workers=0)
    job_id = recorder.create("killed", LONG.read_bytes(), "audio/wav", {})["id"]
    recorder.close()
    script = (
        "import sys, time\n"
        "from asr_engine.customization import Store\n"
        "from asr_engine.watson.jobs import JobManager\n"
        "m = JobManager(Store(sys.argv[1]), workers=1)\n"
        "while not m.running(): time.sleep(0.01)\n"
        "print(list(m.running().values())[0], flush=True)\n"
        "time.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(store.path)], stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": PACKAGE_ROOT})
    try:
        worker_pid = int(proc.stdout.readline())
        assert row(store, job_id).status == "processing"
        os.kill(worker_pid, signal.SIGKILL)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    dead = row(store, job_id)
    assert dead.status == "processing" and dead.lease_holder.split(":")[1] == str(proc.pid)

    survivor = JobManager(store, workers=1)
    try:
        job = wait_done(survivor, "killed", job_id)
        assert job["status"] == "completed" and job["results"][0]["results"]
        done = row(store, job_id)
        assert done.attempts == 2 and done.lease_holder == survivor.holder
    finally:
        survivor.close()


def test_leases_of_other_hosts(store):
    """Another host's job is taken over only once its lease expired; one
    with no attempts left is failed with the reason, not lost."""
    recorder = JobManager(store, workers=0)
    live = recorder.create("hosts", SHORT[1].read_bytes(), "audio/wav", {})["id"]
    expired = recorder.create("hosts", SHORT[2].read_bytes(), "audio/wav", {})["id"]
    spent = recorder.create("hosts", SHORT[3].read_bytes(), "audio/wav", {})["id"]
    recorder.close()
    now = time.time()
    with store.transaction() as tx:
        for job_id, lease, attempts in ((live, now + 3600, 1), (expired, now - 1, 1), (spent, now - 1, 2)):
            tx.execute(update(T).where(T.c.id == job_id).values(
                status="processing", lease_holder="elsewhere-host:4242:abcd", lease_expires=lease,
                attempts=attempts))
    survivor = JobManager(store, workers=1, max_attempts=2)
    try:
        assert wait_done(survivor, "hosts", expired)["status"] == "completed"
        failed = wait_done(survivor, "hosts", spent)
        assert failed["status"] == "failed" and "process running it stopped" in failed["warnings"][-1]
        assert survivor.get("hosts", live)["status"] == "processing"  # its holder may still be working
    finally:
        survivor.close()


def test_two_managers_run_each_job_once(store):
    """Two managers (as two replicas) on one store: jobs recorded by one
    are run by either, each exactly once, and both answer for all."""
    listener = Listener()
    a = JobManager(store, workers=1, poll_seconds=0.1)
    b = JobManager(store, workers=1, poll_seconds=0.1)
    try:
        sa = SpeechToText(store, owner="replicas", jobs=a)
        sb = SpeechToText(store, owner="replicas", jobs=b)
        url = listener.url + "/ok-replicas"
        sa.register_callback(url)
        assert sb.register_callback(url)["status"] == "already created"  # one allowlist for both
        ids = [(sa if i % 2 else sb).create_job(SHORT[i % 4].read_bytes(), "audio/wav", callback_url=url)["id"]
               for i in range(12)]
        for j in ids:
            assert wait_done(b if ids.index(j) % 2 else a, "replicas", j)["status"] == "completed"
        holders = {row(store, j).lease_holder for j in ids}
        assert holders <= {a.holder, b.holder}
        a.callbacks.flush()
        b.callbacks.flush()
        started: dict[str, int] = {}
        for _h, body in listener.posts("/ok-replicas"):
            event = json.loads(body)
            if event["event"] == "recognitions.started":
                started[event["id"]] = started.get(event["id"], 0) + 1
        assert started == {j: 1 for j in ids}
        assert {r["id"] for r in sb.check_jobs()["recognitions"]} == set(ids)
    finally:
        a.close()
        b.close()
        listener.server.shutdown()


def test_delete_user_data_without_a_running_manager(store):
    recorder = JobManager(store, workers=0)
    stt = SpeechToText(store, owner="purge", jobs=recorder)
    labelled = stt.create_job(SHORT[0].read_bytes(), "audio/wav", customer_id="cust-1")["id"]
    kept = stt.create_job(SHORT[0].read_bytes(), "audio/wav", customer_id="cust-2")["id"]
    audio_file = store.blob_path(row(store, labelled).audio_blob)
    recorder.close()
    fresh = SpeechToText(store, owner="purge")  # no job manager started
    assert fresh.delete_user_data("cust-1") == {}
    assert row(store, labelled) is None and not audio_file.exists()
    assert row(store, kept) is not None
    other = SpeechToText(store, owner="someone-else")
    other.delete_user_data("cust-2")  # another owner's label: nothing of ours goes
    assert row(store, kept) is not None


def test_unknown_job_ids(store):
    manager = JobManager(store, workers=0)
    try:
        for bad in (str(uuid.uuid4()), "", "../x", 7, None):
            with pytest.raises(Exception) as info:
                manager.get("o", bad)
            assert getattr(info.value, "code", None) == 404
            with pytest.raises(Exception) as info:
                manager.delete("o", bad)
            assert getattr(info.value, "code", None) == 404
    finally:
        manager.close()
