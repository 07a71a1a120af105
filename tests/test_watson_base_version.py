"""``base_model_version`` (§1.2, §2.7): the rules of
asr_engine.watson.versions on their own, then through the façade with a
custom language model trained on one version of the base model and used
after the installed base model changed, before and after its upgrade;
responses checked by the real ``ibm_watson`` classes."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from ibm_watson import speech_to_text_v1 as sdk

from asr_engine import AsrError
from asr_engine.customization import BaseModel, Store
from asr_engine.errors import InvalidArgumentError
from asr_engine.model import default_dictionary_path
from asr_engine.watson import SpeechToText
from asr_engine.watson.versions import resolve_base_version
from conftest import DEV
from watson_helpers import sdk_check, wait_model

BASE = "en-US_BroadbandModel"
A, B, C = (f"{BASE}.v{x * 12}" for x in "abc")


def fake_base(version: str):
    return SimpleNamespace(name=BASE, version=version)


def test_rules_without_custom_models():
    assert resolve_base_version(fake_base(B), None) == (B, [])
    assert resolve_base_version(fake_base(B), B) == (B, [])
    for bad in (A, "", 12, ["x"]):
        with pytest.raises(InvalidArgumentError):
            resolve_base_version(fake_base(B), bad)


def test_rules_with_custom_models():
    lm = ("lm-id", [A, B])
    am = ("am-id", [A])
    assert resolve_base_version(fake_base(B), None, language=lm, trained_version=B) == (B, [])
    assert resolve_base_version(fake_base(B), B, language=lm, trained_version=B) == (B, [])
    # The installed files are B: A is listed but cannot be recognized with.
    with pytest.raises(InvalidArgumentError, match="is not installed"):
        resolve_base_version(fake_base(B), A, language=lm, trained_version=B)
    with pytest.raises(InvalidArgumentError, match="custom language model 'lm-id' cannot be used"):
        resolve_base_version(fake_base(B), C, language=lm)
    # LM and AM disagree: their common (older) version A, which is not installed: a warning each.
    version, warnings = resolve_base_version(fake_base(B), None, language=lm, acoustic=am, trained_version=B)
    assert version == A and len(warnings) == 1 and "custom acoustic model 'am-id'" in warnings[0]
    with pytest.raises(InvalidArgumentError, match="custom acoustic model 'am-id' cannot be used"):
        resolve_base_version(fake_base(B), B, language=lm, acoustic=am)
    with pytest.raises(InvalidArgumentError, match="no base model version in common"):
        resolve_base_version(fake_base(B), None, language=("lm-id", [B]), acoustic=("am-id", [A]))
    # A model trained on A, used on installed B without an upgrade: used, with a warning.
    version, warnings = resolve_base_version(fake_base(B), None, language=("lm-id", [A]), trained_version=A)
    assert version == A and len(warnings) == 1
    assert f"built on base model version '{A}'" in warnings[0] and "upgrade_language_model" in warnings[0]


def error_of(call, *args, **kwargs) -> AsrError:
    with pytest.raises(AsrError) as info:
        call(*args, **kwargs)
    return info.value


def transcript(body: dict) -> str:
    return " ".join(r["alternatives"][0]["transcript"].strip() for r in body["results"])


def test_through_the_facade_before_and_after_an_upgrade(tmp_path):
    wav = (DEV / "arctic_aew_a0003.wav").read_bytes()
    changed = tmp_path / "cmudict-changed.dict"
    changed.write_bytes(open(default_dictionary_path(), "rb").read() + b"zorblax Z AO R B L AE K S\n")
    with Store(tmp_path / "store") as store:
        stt = SpeechToText(store, "owner")
        old = stt.language_models.base_models[BASE].version
        cid = stt.create_language_model("versions", BASE)["customization_id"]
        stt.add_corpus(cid, "c", b"of the three men who were walking together\n")
        wait_model(stt, cid)
        stt.train_language_model(cid)
        model = sdk_check(sdk.LanguageModel, wait_model(stt, cid))
        assert model["status"] == "available" and model["versions"] == [old]

        plain = sdk_check(sdk.SpeechRecognitionResults, stt.recognize(wav, "audio/wav", language_customization_id=cid))
        assert "warnings" not in plain
        assert stt.recognize(wav, "audio/wav", language_customization_id=cid, base_model_version=old) == plain
        for bad in (f"{BASE}.v000000000000", "", 7):
            assert error_of(stt.recognize, wav, "audio/wav", language_customization_id=cid,
                            base_model_version=bad).code == 400

        # The installed base model changes: a new version.
        newer = SpeechToText(store, "owner", base_models={BASE: BaseModel(BASE, "en-US", 16000,
                                                                          dictionary=str(changed))})
        new = newer.language_models.base_models[BASE].version
        assert new != old
        stale = sdk_check(sdk.SpeechRecognitionResults,
                          newer.recognize(wav, "audio/wav", language_customization_id=cid))
        assert transcript(stale) and len(stale["warnings"]) == 1
        assert f"built on base model version '{old}'" in stale["warnings"][0]
        e = error_of(newer.recognize, wav, "audio/wav", language_customization_id=cid, base_model_version=old)
        assert e.code == 400 and "is not installed" in e.message
        e = error_of(newer.recognize, wav, "audio/wav", language_customization_id=cid, base_model_version=new)
        assert e.code == 400 and "cannot be used with base model version" in e.message
        assert newer.recognize(wav, "audio/wav", base_model_version=new)["results"]  # no custom model
        assert error_of(newer.recognize, wav, "audio/wav", base_model_version=old).code == 400

        newer.upgrade_language_model(cid)
        model = sdk_check(sdk.LanguageModel, wait_model(newer, cid))
        assert model["versions"] == [old, new] and model["status"] == "available"
        upgraded = sdk_check(sdk.SpeechRecognitionResults,
                             newer.recognize(wav, "audio/wav", language_customization_id=cid))
        assert "warnings" not in upgraded
        assert newer.recognize(wav, "audio/wav", language_customization_id=cid,
                               base_model_version=new) == upgraded
        e = error_of(newer.recognize, wav, "audio/wav", language_customization_id=cid, base_model_version=old)
        assert e.code == 400 and "is not installed" in e.message
