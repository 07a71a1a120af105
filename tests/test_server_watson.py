"""The Watson routes, driven by the real ``ibm_watson`` SDK against a real
server process (uvicorn), as a user of the service would run them."""
from __future__ import annotations

import base64
import json
import socket
import time

import httpx
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from ibm_cloud_sdk_core import ApiException  # noqa: E402
from ibm_cloud_sdk_core.authenticators import BasicAuthenticator, IAMAuthenticator  # noqa: E402
from ibm_watson import SpeechToTextV1  # noqa: E402
from ibm_watson.speech_to_text_v1 import (  # noqa: E402
    Corpora, Corpus, Grammar, Grammars, LanguageModel, LanguageModels, SpeechRecognitionResults, TrainingResponse,
    Word, Words,
)

from conftest import DEV  # noqa: E402
from server_process import ServerProcess  # noqa: E402

KEY_A, KEY_B = "key-alpha-0123456789", "key-beta-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("server") / "store"
    proc = ServerProcess(store, keys=f"{KEY_A}=alpha,{KEY_B}=beta")
    yield proc
    proc.stop()


def client(server, key=KEY_A) -> SpeechToTextV1:
    stt = SpeechToTextV1(authenticator=BasicAuthenticator("apikey", key))
    stt.set_service_url(server.url)
    return stt


def test_language_model_lifecycle_through_the_sdk(server):
    stt = client(server)
    created = stt.create_language_model("server test", "en-US_BroadbandModel", description="d").get_result()
    cid = created["customization_id"]
    assert set(created) == {"customization_id"}
    model = LanguageModel.from_dict(stt.get_language_model(cid).get_result())
    assert model.customization_id == cid and model.name == "server test"
    listed = LanguageModels.from_dict(stt.list_language_models(language="en-US").get_result())
    assert cid in [m.customization_id for m in listed.customizations]

    corpus = b"the sonnets of shakespeare are read aloud\nshall i compare thee to a summer's day\n" * 5
    assert stt.add_corpus(cid, "sonnets", corpus).get_status_code() == 201
    assert stt.add_word(cid, "zorblax", sounds_like=["zor blacks"], display_as="Zorblax").get_status_code() == 201
    assert stt.add_words(cid, [{"word": "quux", "sounds_like": ["kwucks"]}]).get_status_code() == 201
    abnf = "#ABNF 1.0;\nlanguage en-US;\nroot $yn;\n$yn = yes | no;\n"
    assert stt.add_grammar(cid, "yesno", abnf, "application/srgs").get_status_code() == 201
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = stt.get_language_model(cid).get_result()["status"]
        if status == "ready":
            break
        time.sleep(0.3)
    assert status == "ready"
    Corpora.from_dict(stt.list_corpora(cid).get_result())
    assert Corpus.from_dict(stt.get_corpus(cid, "sonnets").get_result()).status == "analyzed"
    words = Words.from_dict(stt.list_words(cid, word_type="user", sort="alphabetical").get_result())
    assert [w.word for w in words.words] == ["quux", "zorblax"]
    assert Word.from_dict(stt.get_word(cid, "zorblax").get_result()).display_as == "Zorblax"
    Grammars.from_dict(stt.list_grammars(cid).get_result())
    Grammar.from_dict(stt.get_grammar(cid, "yesno").get_result())

    TrainingResponse.from_dict(stt.train_language_model(cid).get_result() or {})
    deadline = time.monotonic() + 180
    while stt.get_language_model(cid).get_result()["status"] != "available":
        assert time.monotonic() < deadline
        time.sleep(0.5)
    with open(DEV / "arctic_aew_a0003.wav", "rb") as f:
        audio = f.read()
    res = stt.recognize(audio, content_type="audio/wav", language_customization_id=cid,
                        customization_weight=0.3).get_result()
    assert SpeechRecognitionResults.from_dict(res).to_dict() == res
    assert res["results"][0]["alternatives"][0]["transcript"].strip()

    assert stt.delete_word(cid, "quux").get_status_code() == 200
    assert stt.delete_corpus(cid, "sonnets").get_status_code() == 200
    assert stt.delete_grammar(cid, "yesno").get_status_code() == 200
    assert stt.reset_language_model(cid).get_status_code() == 200
    assert stt.delete_language_model(cid).get_status_code() == 200
    with pytest.raises(ApiException) as err:
        stt.get_language_model(cid)
    assert err.value.status_code == 404


def test_instances_do_not_see_each_other(server):
    a, b = client(server, KEY_A), client(server, KEY_B)
    cid = a.create_language_model("private", "en-US_BroadbandModel").get_result()["customization_id"]
    assert cid not in [m["customization_id"] for m in b.list_language_models().get_result()["customizations"]]
    for call in (lambda: b.get_language_model(cid), lambda: b.delete_language_model(cid),
                 lambda: b.add_word(cid, "x", sounds_like=["ex"])):
        with pytest.raises(ApiException) as err:
            call()
        assert err.value.status_code == 404
    assert a.get_language_model(cid).get_status_code() == 200


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Basic " + base64.b64encode(b"apikey:wrong-key-000000").decode()},
    {"Authorization": "Basic " + base64.b64encode(b"user:" + KEY_A.encode()).decode()},
    {"Authorization": "Basic !!!notbase64"},
    {"Authorization": "Bearer not.a.token"},
    {"Authorization": "Digest abc"},
])
def test_bad_credentials_are_401_with_the_service_body(server, headers):
    r = httpx.get(server.url + "/v1/customizations", headers=headers)
    assert r.status_code == 401
    body = r.json()
    assert body["code"] == 401 and body["code_description"] == "Unauthorized" and body["error"]
    assert r.headers.get("x-global-transaction-id")


def test_iam_tokens_from_the_server_work_with_the_sdk(server):
    stt = SpeechToTextV1(authenticator=IAMAuthenticator(KEY_B, url=server.url))
    stt.set_service_url(server.url)
    assert stt.list_language_models().get_status_code() == 200
    bad = httpx.post(server.url + "/identity/token",
                     data={"grant_type": "urn:ibm:params:oauth:grant-type:apikey", "apikey": "nope-nope-nope"})
    assert bad.status_code == 400


@pytest.mark.parametrize("name", ["..%2F..%2Fetc", "a%2Fb", "%00x", "..", "x" * 300])
def test_path_traversal_in_names_is_refused(server, name):
    stt = client(server)
    cid = stt.create_language_model("names", "en-US_BroadbandModel").get_result()["customization_id"]
    auth = {"Authorization": "Basic " + base64.b64encode(f"apikey:{KEY_A}".encode()).decode()}
    for path, ctype in ((f"/v1/customizations/{cid}/corpora/{name}", "text/plain"),
                        (f"/v1/customizations/{cid}/grammars/{name}", "application/srgs"),
                        (f"/v1/customizations/{cid}/words/{name}", "application/json")):
        body = b'{"sounds_like": ["x"]}' if ctype == "application/json" else b"#ABNF 1.0;\nroot $a;\n$a = a;\n"
        r = httpx.request("PUT" if "/words/" in path else "POST", server.url + path, content=body,
                          headers={**auth, "Content-Type": ctype})
        assert r.status_code in (400, 404, 405), (path, r.status_code, r.text)  # 405: ".." normalized away
    r = httpx.get(server.url + f"/v1/customizations/{name}", headers=auth)
    assert r.status_code in (400, 404)


def test_malformed_bodies_and_parameters(server):
    auth = {"Authorization": "Basic " + base64.b64encode(f"apikey:{KEY_A}".encode()).decode()}
    r = httpx.post(server.url + "/v1/customizations", content=b"{not json", headers={**auth,
                   "Content-Type": "application/json"})
    assert r.status_code == 400 and "JSON" in r.json()["error"]
    r = httpx.post(server.url + "/v1/customizations", json={"name": "x", "base_model_name": "en-US_BroadbandModel",
                   "bogus": 1}, headers=auth)
    assert r.status_code == 400
    cid = httpx.post(server.url + "/v1/customizations", json={"name": "p", "base_model_name":
                     "en-US_BroadbandModel"}, headers=auth).json()["customization_id"]
    r = httpx.post(server.url + f"/v1/customizations/{cid}/train?customization_weight=abc", headers=auth)
    assert r.status_code == 400 and "customization_weight" in r.json()["error"]
    r = httpx.post(server.url + f"/v1/customizations/{cid}/train?strict=maybe", headers=auth)
    assert r.status_code == 400
    r = httpx.post(server.url + "/v1/recognize", content=b"RIFF", headers={**auth, "Content-Type": "audio/wav"})
    assert r.status_code == 400 and r.json()["error"] == "Stream was 4 bytes but needs to be at least 100 bytes."
    r = httpx.get(server.url + "/v1/nope", headers=auth)
    assert r.status_code == 404 and r.json()["code"] == 404


def test_oversized_body_is_413(server):
    auth = base64.b64encode(f"apikey:{KEY_A}".encode()).decode()
    # Declared too large: refused from the header, before any byte is read.
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(f"POST /v1/recognize HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {auth}\r\n"
                  f"Content-Type: audio/wav\r\nContent-Length: {101 * 1024 * 1024}\r\n\r\n".encode())
        head = ""
        while "}" not in head:  # the head and the body may come in separate packets
            data = s.recv(65536)
            if not data:
                break
            head += data.decode("latin-1")
    assert head.startswith("HTTP/1.1 413")
    assert "Request failed because the input stream is larger than 100 MB" in head
    # Chunked without a length: cut off once the cap is passed.
    big = b"\0" * (1024 * 1024)

    def chunks():
        for _ in range(101):
            yield big

    r = httpx.post(server.url + "/v1/recognize", content=chunks(), timeout=120,
                   headers={"Authorization": f"Basic {auth}", "Content-Type": "audio/l16;rate=16000"})
    assert r.status_code == 413


def test_recognize_one_shot_chunked_and_multipart(server):
    stt = client(server)
    with open(DEV / "arctic_aew_a0003.wav", "rb") as f:
        audio = f.read()
    one = stt.recognize(audio, content_type="audio/wav").get_result()
    assert SpeechRecognitionResults.from_dict(one).to_dict() == one
    auth = {"Authorization": "Basic " + base64.b64encode(f"apikey:{KEY_A}".encode()).decode()}

    def chunks():
        for i in range(0, len(audio), 4096):
            yield audio[i:i + 4096]

    chunked = httpx.post(server.url + "/v1/recognize", content=chunks(),
                         headers={**auth, "Content-Type": "audio/wav"}, timeout=120)
    assert chunked.status_code == 200 and chunked.json()["results"] == one["results"]
    multi = httpx.post(server.url + "/v1/recognize", headers=auth, timeout=120,
                       files={"metadata": (None, '{"part_content_type": "audio/wav"}', "application/json"),
                              "upload": ("a.wav", audio, "audio/wav")})
    assert multi.status_code == 200, multi.text
    assert multi.json()["results"] == one["results"]
    r = httpx.post(server.url + "/v1/recognize?bogus_param=1", content=audio,
                   headers={**auth, "Content-Type": "audio/wav"}, timeout=120)
    assert r.status_code == 200 and "Unknown url query arguments: bogus_param." in r.json()["warnings"]


def test_async_jobs_with_a_callback_and_user_data_through_the_sdk(server):
    from ibm_watson.speech_to_text_v1 import RecognitionJob, RecognitionJobs, RegisterStatus

    from test_watson_jobs import Listener

    listener = Listener()
    try:
        stt = client(server)
        url = listener.url + "/ok/server"
        reg = RegisterStatus.from_dict(stt.register_callback(url, user_secret="s3cret").get_result())
        assert reg.status in ("created", "already created") and reg.url == url
        with open(DEV / "arctic_aew_a0003.wav", "rb") as f:
            job = stt.create_job(f.read(), content_type="audio/wav", callback_url=url, user_token="tok-1",
                                 events="recognitions.completed_with_results",
                                 headers={"X-Watson-Metadata": "customer_id=job-owner"}).get_result()
        assert RecognitionJob.from_dict(job).status == "waiting"
        deadline = time.monotonic() + 180
        while stt.check_job(job["id"]).get_result()["status"] not in ("completed", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.3)
        done = stt.check_job(job["id"]).get_result()
        assert done["status"] == "completed", done
        assert SpeechRecognitionResults.from_dict(done["results"][0]).to_dict() == done["results"][0]
        assert job["id"] in [j.id for j in RecognitionJobs.from_dict(stt.check_jobs().get_result()).recognitions]
        deadline = time.monotonic() + 60
        while not listener.posts("/ok/server"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        headers, body = listener.posts("/ok/server")[-1]
        assert json.loads(body)["user_token"] == "tok-1"
        assert any(k.lower() == "x-callback-signature" for k in headers)
        assert stt.delete_user_data("job-owner").get_status_code() == 200
        with pytest.raises(ApiException) as err:
            stt.check_job(job["id"])
        assert err.value.status_code == 404
        stt.unregister_callback(url)
    finally:
        listener.server.shutdown()
