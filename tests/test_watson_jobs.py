"""Asynchronous jobs (§1.9) on the local worker pool, with callbacks to a
local HTTP listener: the registration check, signed notifications, statuses,
``results_ttl``, and a worker killed during a job (retried or failed, never lost)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import signal
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ibm_watson import speech_to_text_v1 as sdk

from asr_engine import AsrError
from asr_engine.customization import Store
from asr_engine.watson import SpeechToText
from asr_engine.watson.jobs import JobManager
from conftest import DEV
from watson_helpers import sdk_check

SECRET = "s3cret"
WAVS = sorted(DEV.glob("arctic_*.wav"))[:2]
#: Short utterances for the 20-job run (digits, 0.4 s each).
SHORT = [DEV / f"{name}.wav" for name in ("fsdd_1_nicolas_11", "fsdd_2_lucas_33", "fsdd_7_nicolas_10",
                                          "fsdd_8_theo_16")]


def sign(payload: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), payload, hashlib.sha256).digest()).decode()


class Listener:
    """A callback server: answers the challenge on ``/ok...`` paths, a wrong
    string on ``/bad``; records every request."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                challenge = urllib.parse.parse_qs(url.query).get("challenge_string", [""])[0]
                with listener.lock:
                    listener.requests.append(("GET", url.path, dict(self.headers), challenge))
                answer = challenge if url.path.startswith("/ok") else "wrong"
                body = answer.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with listener.lock:
                    listener.requests.append(("POST", self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def posts(self, path):
        with self.lock:
            return [(h, b) for m, p, h, b in self.requests if m == "POST" and p == path]


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.server.shutdown()


@pytest.fixture(scope="module")
def manager(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("store"))
    jobs = JobManager(str(store.path), workers=2)
    yield store, jobs
    jobs.close()
    store.close()


@pytest.fixture
def stt(manager):
    store, jobs = manager
    return SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}", jobs=jobs, service_url="http://svc")


def error_of(call, *args, **kwargs) -> AsrError:
    with pytest.raises(AsrError) as info:
        call(*args, **kwargs)
    return info.value


def wait_job(stt, job_id, timeout=240):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        job = stt.check_job(job_id)
        if job["status"] in ("completed", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job['status']}")


def test_register_callback(stt, listener):
    url = listener.url + "/ok-register"
    assert sdk_check(sdk.RegisterStatus, stt.register_callback(url, user_secret=SECRET)) == {
        "status": "created", "url": url}
    (_m, _p, headers, challenge), = [r for r in listener.requests if r[1] == "/ok-register"]
    assert headers["Accept"] == "text/plain" and headers["X-Callback-Signature"] == sign(challenge.encode())
    assert stt.register_callback(url)["status"] == "already created"
    e = error_of(stt.register_callback, listener.url + "/bad")
    assert e.code == 400 and "challenge_string" in e.message
    assert error_of(stt.register_callback, "http://127.0.0.1:1/none").code == 400
    assert error_of(stt.register_callback, "ftp://x/y").code == 400
    assert stt.unregister_callback(url) is None
    assert error_of(stt.unregister_callback, url).code == 404


def test_create_job_checks(stt, listener):
    wav = WAVS[0].read_bytes()
    assert error_of(stt.create_job, wav, "audio/wav", callback_url=listener.url + "/ok-none").code == 400
    assert error_of(stt.create_job, wav, "audio/wav", user_token="t").code == 400
    stt.register_callback(listener.url + "/ok-checks")
    e = error_of(stt.create_job, wav, "audio/wav", callback_url=listener.url + "/ok-checks",
                 events="recognitions.completed,recognitions.completed_with_results")
    assert e.code == 400 and "mutually exclusive" in e.message
    assert error_of(stt.create_job, wav, "audio/wav", callback_url=listener.url + "/ok-checks",
                    events="recognitions.done").code == 400
    assert error_of(stt.create_job, wav, "audio/wav", results_ttl=0).code == 400
    assert error_of(stt.create_job, wav, "audio/wav", keywords_threshold=2, keywords=["a"]).code == 400
    assert error_of(stt.create_job, wav, "audio/wav", model="xx").message == "Model xx not found"
    assert error_of(stt.create_job, b"short", "audio/wav").code == 400
    e = error_of(stt.check_job, str(uuid.uuid4()))
    assert (e.code, e.message) == (404, "The specified job ID was not found.")


def test_job_with_results_and_signed_callbacks(stt, listener):
    url = listener.url + "/ok-results"
    stt.register_callback(url, user_secret=SECRET)
    wav = WAVS[1].read_bytes()
    created = sdk_check(sdk.RecognitionJob, stt.create_job(
        wav, "audio/wav", callback_url=url, user_token="job25", timestamps=True, low_latency=True,
        events="recognitions.started,recognitions.completed_with_results"))
    assert created["status"] in ("waiting", "processing") and created["url"].startswith("http://svc/v1/recognitions/")
    assert created["warnings"] == ["Unknown arguments: low_latency."]
    job = sdk_check(sdk.RecognitionJob, wait_job(stt, created["id"]))
    assert job["status"] == "completed" and job["user_token"] == "job25"
    assert job["results"] == [stt.recognize(wav, "audio/wav", timestamps=True, low_latency=True)]
    stt.jobs.callbacks.flush()
    posts = listener.posts("/ok-results")
    bodies = [json.loads(b) for _h, b in posts]
    assert [b["event"] for b in bodies] == ["recognitions.started", "recognitions.completed_with_results"]
    assert all(b["id"] == created["id"] and b["user_token"] == "job25" for b in bodies)
    assert bodies[1]["results"] == job["results"]
    assert all(h["X-Callback-Signature"] == sign(b) for h, b in posts)
    listed = sdk_check(sdk.RecognitionJobs, stt.check_jobs())
    assert [j["id"] for j in listed["recognitions"]] == [created["id"]]
    assert listed["recognitions"][0]["user_token"] == "job25"
    assert stt.delete_job(created["id"]) is None
    assert error_of(stt.check_job, created["id"]).code == 404


def test_failed_job_and_results_ttl(stt, manager):
    _store, jobs = manager
    created = stt.create_job(b"\x01" * 500, "audio/flac")
    job = sdk_check(sdk.RecognitionJob, wait_job(stt, created["id"]))
    assert job["status"] == "failed" and "results" not in job
    assert job["warnings"][0].startswith("unable to transcode data stream audio/flac")
    other = SpeechToText(_store, owner="someone-else", jobs=jobs)
    assert error_of(other.check_job, created["id"]).code == 404
    ttl = stt.create_job(b"\x01" * 500, "audio/flac", results_ttl=1)
    wait_job(stt, ttl["id"])
    real = jobs.clock
    try:
        jobs.clock = lambda: real() + 61
        assert error_of(stt.check_job, ttl["id"]).code == 404
        assert stt.check_job(created["id"])["status"] == "failed"  # one week
    finally:
        jobs.clock = real


def test_delete_user_data_forgets_labelled_jobs(stt):
    labelled = stt.create_job(b"\x01" * 500, "audio/flac", customer_id="cust-9")
    wait_job(stt, labelled["id"])
    assert stt.delete_user_data("cust-9") == {}
    assert error_of(stt.check_job, labelled["id"]).code == 404


def test_twenty_jobs_with_a_worker_killed(stt, listener, manager):
    _store, jobs = manager
    url = listener.url + "/ok-twenty"
    stt.register_callback(url)
    ids = [stt.create_job(SHORT[i % len(SHORT)].read_bytes(), "audio/wav", callback_url=url,
                          user_token=f"t{i}")["id"] for i in range(20)]
    victim = None
    end = time.monotonic() + 120
    while victim is None and time.monotonic() < end:
        running = {j: pid for j, pid in jobs.running().items() if j in ids}
        if running:
            victim, pid = next(iter(running.items()))
            os.kill(pid, signal.SIGKILL)
        else:
            time.sleep(0.01)
    assert victim is not None, "no job was ever seen processing"
    assert jobs.wait_idle(300)
    statuses = {j: stt.check_job(j)["status"] for j in ids}
    assert set(statuses.values()) <= {"completed", "failed"} and len(statuses) == 20
    assert statuses[victim] in ("completed", "failed")
    assert sum(s == "completed" for s in statuses.values()) >= 19
    jobs.callbacks.flush()
    events: dict[str, list[str]] = {}
    for _h, body in listener.posts("/ok-twenty"):
        b = json.loads(body)
        events.setdefault(b["id"], []).append(b["event"])
    for j in ids:  # every job told its end, the killed one after one or two starts
        final = "recognitions.completed" if statuses[j] == "completed" else "recognitions.failed"
        assert events[j][-1] == final and events[j].count(final) == 1
    assert events[victim].count("recognitions.started") in (1, 2)
    listed = {j["id"]: j for j in stt.check_jobs()["recognitions"]}
    assert set(ids) <= set(listed)
