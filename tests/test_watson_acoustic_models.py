"""The Watson façade's custom-acoustic-model methods against §3 of the
service contract, each response checked by the real ``ibm_watson`` classes:
models, audio resources of every type and archive kind, hostile archives,
the training rules, training (unsupervised and lightly supervised) and
recognition with ``acoustic_customization_id``."""
from __future__ import annotations

import csv
import io
import tarfile
import uuid
import zipfile

import numpy as np
import pytest
import soundfile as sf
from ibm_watson import speech_to_text_v1 as sdk

from asr_engine import AsrError
from asr_engine.audio import load_audio
from asr_engine.customization import Store, verify_store
from asr_engine.watson import SpeechToText
from conftest import DATA, DEV
from watson_helpers import sdk_check

BASE = "en-US_BroadbandModel"
NARROW = "en-US_NarrowbandModel"
KATHLEEN = DATA / "adapt" / "kathleen"
ADAPT_ROWS = list(csv.DictReader(open(KATHLEEN / "refs.tsv", encoding="utf-8"), delimiter="\t"))[:6]
WAV = KATHLEEN / f"{ADAPT_ROWS[0]['id']}.wav"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("store"), min_acoustic_minutes=0.2, max_resource_bytes=4 * 1024 * 1024)
    yield s
    s.close()


@pytest.fixture
def stt(store):
    return SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}")


def new_model(stt, base=BASE) -> str:
    return stt.create_acoustic_model("am", base, description="test model")["customization_id"]


def error_of(call, *args, **kwargs) -> AsrError:
    with pytest.raises(AsrError) as info:
        call(*args, **kwargs)
    return info.value


def settled(stt, cid: str) -> dict:
    assert stt.store.wait_idle(900)
    return sdk_check(sdk.AcousticModel, stt.get_acoustic_model(cid))


def samples(path=WAV, rate=16000):
    return load_audio(str(path), sample_rate=rate).samples


def encoded(fmt: str, subtype: str, rate: int = 16000) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, samples(rate=rate), rate, format=fmt, subtype=subtype)
    return buf.getvalue()


def zip_of(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def targz_of(members: dict, links: dict = {}) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        for name, target in links.items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            t.addfile(info)
    return buf.getvalue()


# -- models ---------------------------------------------------------------------


def test_create_get_list_delete(stt):
    created = stt.create_acoustic_model("Example model", BASE, description="Example custom acoustic model")
    assert list(created) == ["customization_id"]
    cid = created["customization_id"]
    model = sdk_check(sdk.AcousticModel, stt.get_acoustic_model(cid))
    assert model["status"] == "pending" and model["progress"] == 0 and model["owner"] == stt.owner
    assert model["language"] == "en-US" and model["versions"][0].startswith(BASE + ".v")
    nb = new_model(stt, NARROW)
    listed = sdk_check(sdk.AcousticModels, stt.list_acoustic_models())
    assert [m["customization_id"] for m in listed["customizations"]] == [cid, nb]
    assert stt.list_acoustic_models(language="en-US") == listed
    assert stt.list_acoustic_models(language="fr-FR") == {"customizations": []}
    other = SpeechToText(stt.store, owner="someone-else")
    assert error_of(other.get_acoustic_model, cid).code == 404
    assert stt.list_language_models() == {"customizations": []}  # kinds stay apart
    assert error_of(stt.get_language_model, cid).code == 404
    assert stt.delete_acoustic_model(cid) == {}
    assert error_of(stt.get_acoustic_model, cid).code == 404
    assert error_of(stt.create_acoustic_model, "x", "xx-XX_Model").code == 404
    assert error_of(stt.get_acoustic_model, "not-a-guid").message == "Malformed GUID: 'not-a-guid'"


# -- audio resources ------------------------------------------------------------


AUDIO_TYPES = [
    ("audio/wav", lambda: WAV.read_bytes(), "pcm_s16le", 16000),
    ("audio/flac", lambda: encoded("FLAC", "PCM_16"), "flac", 16000),
    ("audio/ogg;codecs=vorbis", lambda: encoded("OGG", "VORBIS"), "vorbis", 16000),
    ("audio/mp3", lambda: encoded("MP3", "MPEG_LAYER_III"), "mp3", 16000),
    ("audio/l16;rate=16000;endianness=big-endian",
     lambda: (samples() * 32767).astype(">i2").tobytes(), "pcm_s16be", 16000),
    ("audio/mulaw;rate=16000", lambda: encoded("RAW", "ULAW"), "pcm_mulaw", 16000),
    ("audio/alaw;rate=22050", lambda: encoded("RAW", "ALAW", 22050), "pcm_alaw", 22050),
]


def test_audio_types(stt):
    cid = new_model(stt)
    for i, (ctype, make, codec, rate) in enumerate(AUDIO_TYPES):
        assert stt.add_audio(cid, f"a{i}", make(), content_type=ctype) == {}
        stt.store.wait_idle(900)
        got = sdk_check(sdk.AudioListing, stt.get_audio(cid, f"a{i}"))
        assert got["status"] == "ok", (ctype, got)
        assert got["details"] == {"codec": codec, "type": "audio", "frequency": rate}, ctype
        assert got["duration"] == round(len(samples()) / 16000)
    listing = sdk_check(sdk.AudioResources, stt.list_audio(cid))
    assert [a["name"] for a in listing["audio"]] == [f"a{i}" for i in range(len(AUDIO_TYPES))]
    assert listing["total_minutes_of_audio"] == pytest.approx(len(AUDIO_TYPES) * len(samples()) / 16000 / 60, 0.02)
    assert settled(stt, cid)["status"] == "ready"
    e = error_of(stt.add_audio, cid, "a0", WAV.read_bytes(), content_type="audio/wav")
    assert e.code == 409 and "allow_overwrite" in e.message
    stt.add_audio(cid, "a0", encoded("FLAC", "PCM_16"), content_type="audio/flac", allow_overwrite=True)
    stt.store.wait_idle(900)
    assert stt.get_audio(cid, "a0")["details"]["codec"] == "flac"
    assert stt.delete_audio(cid, "a0") == {}
    assert error_of(stt.get_audio, cid, "a0").code == 404
    assert verify_store(stt.store) == []


def test_bad_audio_requests(stt):
    cid = new_model(stt)
    for ctype in (None, "application/octet-stream"):
        e = error_of(stt.add_audio, cid, "x", WAV.read_bytes(), content_type=ctype)
        assert e.code == 415 and "application/octet-stream" in e.message
    assert error_of(stt.add_audio, cid, "x", WAV.read_bytes(), content_type="video/mp4").code == 415
    e = error_of(stt.add_audio, cid, "x", WAV.read_bytes(), content_type="audio/wav",
                 contained_content_type="audio/wav")
    assert e.code == 400 and "Contained-Content-Type" in e.message
    assert error_of(stt.add_audio, cid, "bad/name", WAV.read_bytes(), content_type="audio/wav").code == 400
    e = error_of(stt.add_audio, cid, "big", b"RIFF" + bytes(5 * 1024 * 1024), content_type="audio/wav")
    assert e.code == 413
    # Corrupt audio and 8 kHz audio for the broadband model are accepted, then invalid.
    stt.add_audio(cid, "corrupt", b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk" * 10, content_type="audio/wav")
    stt.store.wait_idle(900)
    assert stt.get_audio(cid, "corrupt") == {"duration": 0, "name": "corrupt", "details": {"type": "undetermined"},
                                              "status": "invalid"}
    narrow = encoded("WAV", "PCM_16", 8000)
    stt.add_audio(cid, "eight", narrow, content_type="audio/wav")
    stt.store.wait_idle(900)
    got = stt.get_audio(cid, "eight")
    assert got["status"] == "invalid" and got["details"]["frequency"] == 8000
    assert sdk_check(sdk.AudioResources, stt.list_audio(cid))["total_minutes_of_audio"] == 0
    assert settled(stt, cid)["status"] == "pending"
    nb = new_model(stt, NARROW)
    stt.add_audio(nb, "eight", narrow, content_type="audio/wav")
    stt.store.wait_idle(900)
    assert stt.get_audio(nb, "eight")["status"] == "ok"
    assert settled(stt, nb)["status"] == "ready"


def test_archives(stt):
    cid = new_model(stt)
    wav, flac = WAV.read_bytes(), encoded("FLAC", "PCM_16")
    stt.add_audio(cid, "z", zip_of({"dir/one.wav": wav, "two.flac": flac}), content_type="application/zip")
    stt.store.wait_idle(900)  # one analysis at a time: another add_audio meanwhile is 409
    raw = (samples() * 32767).astype("<i2").tobytes()
    stt.add_audio(cid, "t", targz_of({"a.raw": raw, "b.raw": raw}), content_type="application/gzip",
                  contained_content_type="audio/l16;rate=16000;endianness=little-endian")
    stt.store.wait_idle(900)
    z = sdk_check(sdk.AudioListing, stt.get_audio(cid, "z"))
    assert z["container"]["details"] == {"type": "archive", "compression": "zip"} and z["container"]["status"] == "ok"
    assert [(m["name"], m["details"]["codec"], m["status"]) for m in z["audio"]] == [
        ("dir/one.wav", "pcm_s16le", "ok"), ("two.flac", "flac", "ok")]
    t = sdk_check(sdk.AudioListing, stt.get_audio(cid, "t"))
    assert t["container"]["details"]["compression"] == "gzip"
    assert [m["details"]["codec"] for m in t["audio"]] == ["pcm_s16le", "pcm_s16le"]
    assert t["container"]["duration"] == pytest.approx(2 * len(samples()) / 16000, abs=1)
    # A member that is not audio, or is at 8 kHz, makes the whole archive invalid.
    stt.add_audio(cid, "mixed", zip_of({"ok.wav": wav, "readme.txt": b"not audio at all" * 20,
                                        "low.wav": encoded("WAV", "PCM_16", 8000)}),
                  content_type="application/zip")
    stt.store.wait_idle(900)
    mixed = sdk_check(sdk.AudioListing, stt.get_audio(cid, "mixed"))
    assert mixed["container"]["status"] == "invalid"
    assert [m["status"] for m in mixed["audio"]] == ["ok", "invalid", "invalid"]


def test_hostile_archives_leave_nothing(stt):
    cid = new_model(stt)
    wav = WAV.read_bytes()
    before = sorted(stt.store.blobs.names())
    bomb = zip_of({"bomb.wav": bytes(40 * 1024 * 1024)})  # 40 MB of zeros in ~40 KB
    assert len(bomb) < 200_000
    cases = {
        "traversal": (zip_of({"../../etc/evil.wav": wav}), "application/zip", 400, "unsafe path"),
        "absolute": (targz_of({"/tmp/evil.wav": wav}), "application/gzip", 400, "unsafe path"),
        "link": (targz_of({"a.wav": wav}, links={"b.wav": "/etc/passwd"}), "application/gzip", 400, "link"),
        "bomb": (bomb, "application/zip", 413, "expands to more than"),
        "nested": (zip_of({"inner.zip": zip_of({"a.wav": wav})}), "application/zip", 400, "nested"),
        "nested_tgz": (targz_of({"inner.tar.gz": targz_of({"a.wav": wav})}), "application/gzip", 400, "nested"),
        "long": (zip_of({"d/" * 70 + "a.wav": wav}), "application/zip", 400, "128 characters"),
        "empty": (zip_of({}), "application/zip", 400, "no files"),
        "garbage": (b"PK\x03\x04" + bytes(300), "application/zip", 400, "not a valid zip"),
        "notgzip": (wav, "application/gzip", 400, "not a valid gzip"),
    }
    for name, (data, ctype, code, text) in cases.items():
        e = error_of(stt.add_audio, cid, name, data, content_type=ctype)
        assert (e.code, text in e.message) == (code, True), (name, e.message)
    assert stt.list_audio(cid) == {"total_minutes_of_audio": 0, "audio": []}
    assert sorted(stt.store.blobs.names()) == before
    assert verify_store(stt.store) == []


def test_customer_data_and_reset(stt):
    cid = new_model(stt)
    stt.add_audio(cid, "mine", WAV.read_bytes(), content_type="audio/wav",
                  headers={"X-Watson-Metadata": "customer_id=cust-1"})
    stt.store.wait_idle(900)
    stt.add_audio(cid, "kept", WAV.read_bytes(), content_type="audio/wav")
    stt.store.wait_idle(900)
    assert stt.delete_user_data("cust-1") == {}
    assert [a["name"] for a in stt.list_audio(cid)["audio"]] == ["kept"]
    assert stt.reset_acoustic_model(cid) == {}
    assert stt.list_audio(cid)["audio"] == [] and settled(stt, cid)["status"] == "pending"
    assert verify_store(stt.store) == []


# -- training rules ---------------------------------------------------------------


def test_the_minimum_counts_speech_not_audio(stt):
    """A resource of 23 s whose speech lasts 3 s: list_audio counts its
    duration, but training counts the speech (the speech detector's, found
    when the audio was analysed) and refuses it with the service's text."""
    x = samples()
    padded = np.concatenate([x, np.zeros(20 * 16000, np.float32)])  # the utterance, then 20 s of silence
    buf = io.BytesIO()
    sf.write(buf, padded, 16000, format="WAV", subtype="PCM_16")
    cid = new_model(stt)
    stt.add_audio(cid, "mostly-silence", buf.getvalue(), content_type="audio/wav")
    stt.store.wait_idle(900)
    assert stt.list_audio(cid)["total_minutes_of_audio"] == pytest.approx(padded.size / 16000 / 60, abs=0.01)
    assert padded.size / 16000 > 0.2 * 60  # the audio alone is enough ...
    speech = stt.acoustic_models._resources(stt.owner, cid, "audio")[0].details["speech"]
    assert len(x) / 16000 - 0.5 < speech < len(x) / 16000 + 1.0  # ... its speech is not
    e = error_of(stt.train_acoustic_model, cid)
    assert e.code == 400 and "less than 0.2 minutes of audio that includes speech, not silence" in e.message
    assert f"it has {speech / 60:.2f} minutes of speech" in e.message
    assert settled(stt, cid)["status"] == "failed"


def test_training_failures(stt):
    cid = new_model(stt)
    stt.add_audio(cid, "short", WAV.read_bytes(), content_type="audio/wav")
    stt.store.wait_idle(900)
    e = error_of(stt.train_acoustic_model, cid)
    assert e.code == 400 and "less than 0.2 minutes of audio that includes speech" in e.message
    model = settled(stt, cid)
    assert model["status"] == "failed" and "less than" in model["warnings"]
    # Enough audio, plus one invalid resource: strict refuses, strict=false warns.
    members = {f"{r['id']}.wav": (KATHLEEN / f"{r['id']}.wav").read_bytes() for r in ADAPT_ROWS[1:5]}
    stt.add_audio(cid, "more", zip_of(members), content_type="application/zip")
    stt.store.wait_idle(900)
    stt.add_audio(cid, "eight", encoded("WAV", "PCM_16", 8000), content_type="audio/wav")
    stt.store.wait_idle(900)
    assert settled(stt, cid)["status"] == "ready"
    e = error_of(stt.train_acoustic_model, cid)
    assert e.code == 400 and "[eight]" in e.message and settled(stt, cid)["status"] == "failed"
    # A custom language model that is not available, or on another base model.
    lm = stt.create_language_model("lm", BASE)["customization_id"]
    e = error_of(stt.train_acoustic_model, cid, custom_language_model_id=lm, strict=False)
    assert e.code == 400 and "is not available" in e.message
    nb_lm = stt.create_language_model("nb", NARROW)["customization_id"]
    stt.add_corpus(nb_lm, "c", b"the boy was there when the sun rose\n")
    assert stt.store.wait_idle(900)
    stt.train_language_model(nb_lm)
    assert stt.store.wait_idle(900) and stt.get_language_model(nb_lm)["status"] == "available"
    e = error_of(stt.train_acoustic_model, cid, custom_language_model_id=nb_lm, strict=False)
    assert e.code == 400 and "same version of the same base model" in e.message
    assert error_of(stt.train_acoustic_model, cid, custom_language_model_id=str(uuid.uuid4()), strict=False).code == 404
    assert error_of(stt.upgrade_acoustic_model, cid).code == 400  # failed: neither ready nor available


@pytest.fixture(scope="module")
def trained(store):
    """One model trained unsupervised, one lightly supervised (the adapt set's
    first utterances, with a custom LM of their transcripts)."""
    stt = SpeechToText(store, owner="trainer")
    members = {f"{r['id']}.wav": (KATHLEEN / f"{r['id']}.wav").read_bytes() for r in ADAPT_ROWS}
    lm = stt.create_language_model("transcripts", BASE)["customization_id"]
    stt.add_corpus(lm, "refs", "\n".join(r["transcript"] for r in ADAPT_ROWS).encode())
    assert store.wait_idle(900)
    stt.train_language_model(lm)
    assert store.wait_idle(900)
    ids = {}
    for kind in ("unsupervised", "light"):
        cid = ids[kind] = new_model(stt)
        stt.add_audio(cid, "set", zip_of(members), content_type="application/zip")
        assert store.wait_idle(900)
        assert stt.train_acoustic_model(cid, custom_language_model_id=lm if kind == "light" else None) == {}
        model = sdk_check(sdk.AcousticModel, stt.get_acoustic_model(cid))
        assert model["status"] == "training" and model["progress"] == 0
        # A model in training refuses changes with 409.
        for call, args in ((stt.add_audio, (cid, "x", WAV.read_bytes())), (stt.delete_audio, (cid, "set")),
                           (stt.reset_acoustic_model, (cid,)), (stt.delete_acoustic_model, (cid,)),
                           (stt.train_acoustic_model, (cid,))):
            kwargs = {"content_type": "audio/wav"} if call == stt.add_audio else {}
            assert error_of(call, *args, **kwargs).code == 409, call.__name__
    assert store.wait_idle(1800)
    return stt, ids, lm


def test_trained_models(trained):
    stt, ids, lm = trained
    for cid in ids.values():
        model = sdk_check(sdk.AcousticModel, stt.get_acoustic_model(cid))
        assert (model["status"], model["progress"]) == ("available", 100), model
    adapted = stt.acoustic_models.adapted_model(stt.owner, ids["light"])
    assert adapted.info["custom_language_model_id"] == lm and adapted.info["supervised_utterances"] == 0
    assert adapted.info["frames_used"] > 500
    assert stt.acoustic_models.adapted_model(stt.owner, ids["light"]) is adapted  # cached
    base = stt.acoustic_models.base_models[BASE].recognizer().acoustic_model
    assert adapted.model.native is not base.native
    assert verify_store(stt.store) == []


def test_recognize_with_acoustic_customization(trained):
    stt, ids, lm = trained
    dev = sorted(DEV.glob("cathy_*.wav"))[0]
    plain = stt.recognize(str(dev), "audio/wav")
    for cid in ids.values():
        out = sdk_check(sdk.SpeechRecognitionResults, stt.recognize(str(dev), "audio/wav",
                                                                    acoustic_customization_id=cid))
        assert out["results"][0]["alternatives"][0]["transcript"].strip()
        both = stt.recognize(str(dev), "audio/wav", acoustic_customization_id=cid, language_customization_id=lm)
        assert both["results"][0]["alternatives"][0]["transcript"].strip()
    version = stt.get_acoustic_model(ids["light"])["versions"][0]
    same = stt.recognize(str(dev), "audio/wav", acoustic_customization_id=ids["light"], base_model_version=version)
    assert same == stt.recognize(str(dev), "audio/wav", acoustic_customization_id=ids["light"])
    assert plain["results"]
    e = error_of(stt.recognize, str(dev), "audio/wav", acoustic_customization_id=ids["light"],
                 base_model_version="en-US_BroadbandModel.v000000000000")
    assert e.code == 400
    e = error_of(stt.recognize, str(dev), "audio/wav", model=NARROW, acoustic_customization_id=ids["light"])
    assert e.code == 400 and "is based on en-US_BroadbandModel" in e.message
    other = SpeechToText(stt.store, owner="another")
    assert error_of(other.recognize, str(dev), "audio/wav", acoustic_customization_id=ids["light"]).code == 404
    untrained = new_model(stt)
    e = error_of(stt.recognize, str(dev), "audio/wav", acoustic_customization_id=untrained)
    assert e.code == 400 and "not trained" in e.message


def test_eight_khz_needs_the_narrowband_model(trained):
    stt, _ids, _lm = trained
    narrow = encoded("WAV", "PCM_16", 8000)
    e = error_of(stt.recognize, narrow, "audio/wav")
    assert (e.code, e.message) == (400, "This 8000hz audio input requires a narrow band model.")
    assert stt.recognize(narrow, "audio/wav", model=NARROW)["results"]


def test_upgrade(trained):
    stt, ids, lm = trained
    e = error_of(stt.upgrade_acoustic_model, ids["unsupervised"])
    assert (e.code, e.message) == (400, "No input data modified since last training")
    e = error_of(stt.upgrade_acoustic_model, ids["light"], force=True)
    assert e.code == 400 and lm in e.message  # trained with a custom LM: it must be named
    assert stt.upgrade_acoustic_model(ids["unsupervised"], force=True) == {}
    assert stt.get_acoustic_model(ids["unsupervised"])["status"] == "upgrading"
    assert settled(stt, ids["unsupervised"])["status"] == "available"


def test_sigkill_leaves_a_consistent_store():
    """A short run of benchmarks/acoustic_reliability.py (the 30-run one is in the report)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, str(root / "benchmarks" / "acoustic_reliability.py"), "--kill-runs", "2",
                          "--max-delay", "4"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["kill_runs"] == 2
