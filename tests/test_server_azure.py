"""The Azure short-audio route over a real server: the documented chunked
upload (1024-byte chunks, WAV header only in the first), subscription keys
and issueToken bearer tokens with §5.2's 401/403, and a malformed
Pronunciation-Assessment header."""
from __future__ import annotations

import base64
import json

import httpx
import pytest

pytest.importorskip("starlette")

from conftest import DEV  # noqa: E402
from server_process import ServerProcess  # noqa: E402

KEY = "azure-key-0123456789"
PATH = "/speech/recognition/conversation/cognitiveservices/v1"
CTYPE = "audio/wav; codecs=audio/pcm; samplerate=16000"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    proc = ServerProcess(tmp_path_factory.mktemp("azure") / "store", keys=f"{KEY}=az")
    yield proc
    proc.stop()


def audio() -> bytes:
    return (DEV / "arctic_aew_a0003.wav").read_bytes()


def test_documented_chunked_upload_with_subscription_key(server):
    data = audio()

    def chunks():  # the documented sample: 1024-byte chunks, the header only in the first
        for i in range(0, len(data), 1024):
            yield data[i:i + 1024]

    r = httpx.post(server.url + PATH + "?language=en-US&format=detailed", content=chunks(), timeout=300,
                   headers={"Ocp-Apim-Subscription-Key": KEY, "Content-Type": CTYPE,
                            "Accept": "application/json;text/xml", "Expect": "100-continue"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["RecognitionStatus"] == "Success"
    assert {"Confidence", "Lexical", "ITN", "MaskedITN", "Display"} <= set(body["NBest"][0])
    assert isinstance(body["Offset"], int) and isinstance(body["Duration"], int)


def test_issue_token_then_bearer_and_pronunciation_assessment(server):
    token = httpx.post(server.url + "/sts/v1.0/issueToken", headers={"Ocp-Apim-Subscription-Key": KEY}).text
    header = base64.b64encode(json.dumps({"ReferenceText": "for the twentieth time that evening the two men "
                                          "shook hands", "GradingSystem": "HundredMark",
                                          "Granularity": "Phoneme", "Dimension": "Comprehensive"}).encode()).decode()
    r = httpx.post(server.url + PATH + "?language=en-US&format=detailed", content=audio(), timeout=300,
                   headers={"Authorization": f"Bearer {token}", "Content-Type": CTYPE,
                            "Pronunciation-Assessment": header})
    assert r.status_code == 200, r.text
    best = r.json()["NBest"][0]
    assert 0 <= best["PronScore"] <= 100 and best["Words"]
    bad = httpx.post(server.url + PATH + "?language=en-US&format=detailed", content=audio(), timeout=300,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": CTYPE,
                              "Pronunciation-Assessment": "%%%not-base64"})
    assert bad.status_code == 400


def test_missing_and_wrong_credentials(server):
    missing = httpx.post(server.url + PATH + "?language=en-US", content=audio(), headers={"Content-Type": CTYPE})
    assert missing.status_code == 403
    wrong = httpx.post(server.url + PATH + "?language=en-US", content=audio(),
                       headers={"Content-Type": CTYPE, "Ocp-Apim-Subscription-Key": "wrong-key-0000000"})
    assert wrong.status_code == 401
    forged = httpx.post(server.url + PATH + "?language=en-US", content=audio(),
                        headers={"Content-Type": CTYPE, "Authorization": "Bearer a.b.c"})
    assert forged.status_code == 401
    no_language = httpx.post(server.url + PATH, content=audio(),
                             headers={"Content-Type": CTYPE, "Ocp-Apim-Subscription-Key": KEY})
    assert no_language.status_code == 400
