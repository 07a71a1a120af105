"""Two server processes on one PostgreSQL database and one blob directory,
as a multi-replica deployment runs them: a model made through one is listed,
used and deleted through the other, and training claimed by a replica that
dies is recovered by the survivor."""
from __future__ import annotations

import os
import signal
import time

import pytest

pytest.importorskip("starlette")
pytest.importorskip("psycopg")

from ibm_cloud_sdk_core import ApiException  # noqa: E402
from ibm_cloud_sdk_core.authenticators import BasicAuthenticator  # noqa: E402
from ibm_watson import SpeechToTextV1  # noqa: E402
from ibm_watson.speech_to_text_v1 import SpeechRecognitionResults  # noqa: E402

from conftest import DATA, DEV  # noqa: E402
from postgres_cluster import PostgresCluster, pg_bin  # noqa: E402
from server_process import ServerProcess  # noqa: E402

KEY = "replica-key-0123456789"


@pytest.fixture(scope="module")
def postgres():
    if pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: .ci/run must install the postgresql package")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    cluster = PostgresCluster()
    yield cluster
    cluster.stop()


def client(server) -> SpeechToTextV1:
    stt = SpeechToTextV1(authenticator=BasicAuthenticator("apikey", KEY))
    stt.set_service_url(server.url)
    return stt


def wait_status(stt, cid, wanted, timeout=180.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        model = stt.get_language_model(cid).get_result()
        if model["status"] in wanted:
            return model
        assert time.monotonic() < deadline, model
        time.sleep(0.3)


def test_two_replicas_share_models_and_recover_training(postgres, tmp_path):
    url = postgres.create_database("replicas")
    store = tmp_path / "shared-store"
    a = ServerProcess(store, keys=f"{KEY}=tenant", database_url=url)
    b = ServerProcess(store, keys=f"{KEY}=tenant", database_url=url)
    try:
        sa, sb = client(a), client(b)
        cid = sa.create_language_model("replicated", "en-US_BroadbandModel").get_result()["customization_id"]
        assert cid in [m["customization_id"] for m in sb.list_language_models().get_result()["customizations"]]
        with open(DATA / "corpora" / "sonnets" / "sonnets_4-154.txt", "rb") as f:
            sa.add_corpus(cid, "sonnets", f.read())
        wait_status(sb, cid, {"ready"})
        assert sb.get_corpus(cid, "sonnets").get_result()["status"] == "analyzed"

        # Training claimed by A; A dies mid-way; B sees the model released.
        sa.train_language_model(cid)
        assert sb.get_language_model(cid).get_result()["status"] == "training"
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait(30)
        recovered = wait_status(sb, cid, {"ready", "available"}, timeout=300)
        if recovered["status"] == "ready":  # interrupted, as the error says
            assert "interrupted" in recovered.get("error", "").lower() or recovered.get("error")
            sb.train_language_model(cid)
            wait_status(sb, cid, {"available"})

        with open(DEV / "arctic_aew_a0003.wav", "rb") as f:
            res = sb.recognize(f.read(), content_type="audio/wav", language_customization_id=cid).get_result()
        assert SpeechRecognitionResults.from_dict(res).to_dict() == res
        sb.delete_language_model(cid)
        c = ServerProcess(store, keys=f"{KEY}=tenant", database_url=url)
        try:
            with pytest.raises(ApiException) as err:
                client(c).get_language_model(cid)
            assert err.value.status_code == 404
        finally:
            c.stop()
    finally:
        a.stop()
        b.stop()


def test_two_replicas_share_jobs_and_recover_a_dead_replicas_job(postgres, tmp_path):
    """Jobs live in the shared database: a job created through one replica is
    listed and answered by the other, its callback URL registered once serves
    both, each job runs once, and when a replica dies during jobs the
    survivor reruns them (never lost)."""
    from test_watson_jobs import Listener

    url = postgres.create_database("replica_jobs")
    store = tmp_path / "shared-store"
    a = ServerProcess(store, keys=f"{KEY}=tenant", database_url=url)
    b = ServerProcess(store, keys=f"{KEY}=tenant", database_url=url)
    listener = Listener()
    try:
        sa, sb = client(a), client(b)
        hook = listener.url + "/ok/replicas"
        assert sa.register_callback(hook).get_result()["status"] == "created"
        assert sb.register_callback(hook).get_result()["status"] == "already created"
        audio = (DEV / "arctic_aew_a0003.wav").read_bytes()
        ids = [(sa if i % 2 == 0 else sb).create_job(audio, content_type="audio/wav", callback_url=hook,
                                                    user_token=f"r{i}").get_result()["id"] for i in range(4)]
        assert {j["id"] for j in sb.check_jobs().get_result()["recognitions"]} == set(ids)

        deadline = time.monotonic() + 180
        while not any(sb.check_job(j).get_result()["status"] == "processing" for j in ids):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait(30)

        done = {}
        deadline = time.monotonic() + 400
        while len(done) < len(ids):
            assert time.monotonic() < deadline, done
            for j in ids:
                job = sb.check_job(j).get_result()
                if job["status"] in ("completed", "failed"):
                    done[j] = job
            time.sleep(0.3)
        assert all(job["status"] == "completed" for job in done.values()), done
        for job in done.values():
            assert SpeechRecognitionResults.from_dict(job["results"][0]).to_dict() == job["results"][0]
    finally:
        a.stop()
        b.stop()
        listener.server.shutdown()


def test_two_job_managers_on_postgresql_run_each_job_once(postgres, tmp_path):
    """The claim is a compare-and-set on PostgreSQL too: two managers (each
    with its own Store, as two replicas have) run every job exactly once."""
    import json

    from asr_engine.customization import Store, schema
    from asr_engine.watson.jobs import JobManager
    from sqlalchemy import select
    from test_watson_jobs import Listener

    url = postgres.create_database("replica_managers")
    stores = [Store(tmp_path / "shared", database_url=url) for _ in range(2)]
    managers = [JobManager(s, workers=1, poll_seconds=0.1) for s in stores]
    listener = Listener()
    try:
        hook = listener.url + "/ok/managers"
        managers[0].callbacks.register("tenant", hook)
        audio = (DEV / "fsdd_1_nicolas_11.wav").read_bytes()
        ids = [managers[i % 2].create("tenant", audio, "audio/wav", {}, callback_url=hook)["id"] for i in range(10)]
        assert managers[0].wait_idle(300)
        assert all(managers[1].get("tenant", j)["status"] == "completed" for j in ids)
        with stores[1].reading() as conn:
            T = schema.recognition_jobs
            rows = list(conn.execute(select(T.c.attempts, T.c.lease_holder).where(T.c.id.in_(ids))))
        assert [r.attempts for r in rows] == [1] * 10
        assert {r.lease_holder for r in rows} <= {m.holder for m in managers}
        for m in managers:
            m.callbacks.flush()
        started = [json.loads(b)["id"] for _h, b in listener.posts("/ok/managers")
                   if json.loads(b)["event"] == "recognitions.started"]
        assert sorted(started) == sorted(ids)
    finally:
        for m in managers:
            m.close()
        for s in stores:
            s.close()
        listener.server.shutdown()
