"""The Watson façade's custom-language-model methods against §2 of the
service contract, each response checked by the real ``ibm_watson`` classes."""
from __future__ import annotations

import io
import uuid

import pytest
from ibm_watson import speech_to_text_v1 as sdk

from asr_engine import AsrError
from asr_engine.customization import Store, verify_store
from asr_engine.watson import SpeechToText
from watson_helpers import sdk_check, sdk_check_word, wait_model

BASE = "en-US_BroadbandModel"
ABNF = "#ABNF 1.0;\nlanguage en-US;\nroot $cmd;\n$cmd = (call | dial) $who;\n$who = mother | zorblax;\n"
CORPUS = "The quick brown fox jumps over the lazy dog.\nI paid $100 for 2 zorblaxes (not counted) today.\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("store"))
    yield s
    s.close()


@pytest.fixture
def stt(store):
    return SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}")


def new_model(stt, name="model") -> str:
    return stt.create_language_model(name, BASE, description="test model")["customization_id"]


def error_of(call, *args, **kwargs) -> AsrError:
    with pytest.raises(AsrError) as info:
        call(*args, **kwargs)
    return info.value


# -- models ---------------------------------------------------------------------


def test_create_get_list(stt):
    created = stt.create_language_model("Example model", BASE, description="Example custom language model")
    assert list(created) == ["customization_id"] and uuid.UUID(created["customization_id"])
    model = sdk_check(sdk.LanguageModel, stt.get_language_model(created["customization_id"]))
    assert model["status"] == "pending" and model["progress"] == 0
    assert model["language"] == model["dialect"] == "en-US" and model["base_model_name"] == BASE
    assert model["owner"] == stt.owner and model["name"] == "Example model"
    assert len(model["versions"]) == 1 and model["versions"][0].startswith(BASE + ".v")
    assert model["created"].endswith("Z") and "T" in model["created"]
    listed = sdk_check(sdk.LanguageModels, stt.list_language_models())
    assert [m["customization_id"] for m in listed["customizations"]] == [created["customization_id"]]
    assert stt.list_language_models(language="en-US") == listed
    assert stt.list_language_models(language="fr-FR") == {"customizations": []}


def test_narrowband_base_model(stt):
    cid = stt.create_language_model("nb", "en-US_NarrowbandModel")["customization_id"]
    model = stt.get_language_model(cid)
    assert model["base_model_name"] == "en-US_NarrowbandModel"
    assert model["versions"][0].startswith("en-US_NarrowbandModel.v")


@pytest.mark.parametrize("name", ["a/b", "a\\b", "a:b", "a=b", "a&b", "a?b", "../up", "x..y", ""])
def test_model_name_rules(stt, name):
    e = error_of(stt.create_language_model, name, BASE)
    assert e.code == 400 and ("not valid" in e.message or "required" in e.message)


def test_create_errors(stt):
    assert error_of(stt.create_language_model, "x" * 257, BASE).code == 400
    assert error_of(stt.create_language_model, "m", BASE, description="d" * 129).code == 400
    e = error_of(stt.create_language_model, "m", "fr-FR_BroadbandModel")
    assert (e.code, e.message) == (404, "Model fr-FR_BroadbandModel not found")
    assert error_of(stt.create_language_model, "m", BASE, dialect="en-GB").code == 400


def test_ids_unknown_malformed_and_other_owner(store, stt):
    cid = new_model(stt)
    e = error_of(stt.get_language_model, "d83aa3c0-xyz")
    assert (e.code, e.message) == (400, "Malformed GUID: 'd83aa3c0-xyz'")
    unknown = str(uuid.uuid4())
    for call in (stt.get_language_model, stt.delete_language_model, stt.list_corpora, stt.list_words,
                 stt.train_language_model, stt.reset_language_model, stt.upgrade_language_model):
        assert error_of(call, unknown).code == 404
    other = SpeechToText(store, owner="somebody-else")
    for call in (other.get_language_model, other.delete_language_model, other.list_corpora, other.list_words,
                 other.list_grammars, other.train_language_model, other.reset_language_model):
        e = error_of(call, cid)
        assert e.code == 404 and cid in e.message
    assert error_of(other.add_corpus, cid, "c", b"hello world").code == 404
    assert error_of(other.add_word, cid, "IEEE", sounds_like=["I. triple E."]).code == 404
    assert other.list_language_models() == {"customizations": []}
    stt.get_language_model(cid)  # still there for its owner


def test_busy_model_is_409(store, stt):
    cid = new_model(stt)
    stt.add_word(cid, "tomato", sounds_like=["toe may toe"])
    # Another process holds the model (as during its corpus analysis).
    with store.transaction() as tx:
        job = store.claim(tx, cid, stt.owner, "language", "corpus", status="pending")
    try:
        for call, args in [(stt.add_corpus, (cid, "c1", b"hello there")),
                           (stt.add_grammar, (cid, "g1", ABNF.encode(), "application/srgs")),
                           (stt.add_word, (cid, "potato")), (stt.add_words, (cid, [{"word": "potato"}])),
                           (stt.delete_word, (cid, "tomato")), (stt.train_language_model, (cid,)),
                           (stt.reset_language_model, (cid,)), (stt.upgrade_language_model, (cid,)),
                           (stt.delete_language_model, (cid,))]:
            assert error_of(call, *args).code == 409, call.__name__
    finally:
        store._release(job)
        with store.transaction() as tx:
            from asr_engine.customization import schema
            from sqlalchemy import update
            tx.execute(update(schema.models).where(schema.models.c.id == cid).values(job=None, job_id=None))
    stt.delete_word(cid, "tomato")


# -- corpora ----------------------------------------------------------------------


def test_corpus_analysis_and_oov_words(stt):
    cid = new_model(stt)
    assert stt.add_corpus(cid, "corpus1", io.BytesIO(CORPUS.encode())) == {}
    first = stt.get_corpus(cid, "corpus1")
    assert first["status"] in ("being_processed", "analyzed")
    wait_model(stt, cid)
    corpus = sdk_check(sdk.Corpus, stt.get_corpus(cid, "corpus1"))
    assert corpus["status"] == "analyzed" and "error" not in corpus
    # "$100" -> "one hundred dollars", "2" -> "two"; "(not counted)" ignored.
    assert corpus["total_words"] == 9 + 9
    assert corpus["out_of_vocabulary_words"] == 1
    sdk_check(sdk.Corpora, stt.list_corpora(cid))
    words = sdk_check(sdk.Words, stt.list_words(cid))["words"]
    assert words == [{"word": "zorblaxes", "sounds_like": [], "display_as": "zorblaxes", "count": 1,
                      "source": ["corpus1"]}]
    assert stt.list_words(cid, word_type="corpora")["words"] == words
    assert stt.list_words(cid, word_type="user")["words"] == []
    assert stt.get_language_model(cid)["status"] == "ready"


def test_corpus_errors(stt):
    cid = new_model(stt)
    e = error_of(stt.add_corpus, cid, "latin1", "caf\u00e9".encode("latin-1") + b" ordinary words")
    assert e.code == 400 and "not valid UTF-8" in e.message
    for name in ("user", "base_lm", "default_lm", "a/b", "../x", "a b", "a?b", "x" * 129):
        assert error_of(stt.add_corpus, cid, name, b"hello world").code == 400, name
    stt.add_corpus(cid, "c1", b"hello world")
    wait_model(stt, cid)
    e = error_of(stt.add_corpus, cid, "c1", b"goodbye world")
    assert e.code == 409 and "allow_overwrite" in e.message
    stt.add_corpus(cid, "c1", b"goodbye cruel world", allow_overwrite=True)
    wait_model(stt, cid)
    assert stt.get_corpus(cid, "c1")["total_words"] == 3
    stt.add_grammar(cid, "g1", ABNF.encode(), "application/srgs")
    wait_model(stt, cid)
    assert error_of(stt.add_corpus, cid, "g1", b"hello", allow_overwrite=True).code == 409
    assert error_of(stt.get_corpus, cid, "nope").code == 404
    assert error_of(stt.delete_corpus, cid, "nope").code == 404


def test_oversized_corpus_is_413(tmp_path):
    with Store(tmp_path, max_resource_bytes=1000) as small:
        stt = SpeechToText(small, owner="o")
        cid = new_model(stt)
        e = error_of(stt.add_corpus, cid, "big", io.BytesIO(b"word " * 1000))
        assert e.code == 413 and "larger than" in e.message
        assert stt.list_corpora(cid) == {"corpora": []}
        assert small.blobs.names() == []


def test_delete_corpus_keeps_user_modified_words(stt):
    cid = new_model(stt)
    stt.add_corpus(cid, "c1", b"the zorblax met the quuxling\n")
    wait_model(stt, cid)
    assert {w["word"] for w in stt.list_words(cid)["words"]} == {"zorblax", "quuxling"}
    stt.add_word(cid, "zorblax", sounds_like=["zoo blacks"], display_as="Zorblax")
    assert stt.get_word(cid, "zorblax")["source"] == ["c1", "user"]
    stt.delete_corpus(cid, "c1")
    assert stt.list_corpora(cid) == {"corpora": []}
    assert [w["word"] for w in stt.list_words(cid)["words"]] == ["zorblax"]
    assert stt.get_word(cid, "zorblax")["source"] == ["user"]


# -- words -------------------------------------------------------------------------


def test_add_word_and_get(stt):
    cid = new_model(stt)
    assert stt.add_word(cid, "IEEE", sounds_like=["I. triple E."], display_as="IEEE") == {}
    word = sdk_check_word(stt.get_word(cid, "IEEE"))
    assert word == {"word": "IEEE", "sounds_like": ["I. triple E."], "display_as": "IEEE", "count": 1,
                    "source": ["user"]}
    assert stt.get_language_model(cid)["status"] == "ready"
    e = error_of(stt.get_word, cid, "absent")
    assert e.code == 404


def test_sounds_like_rules(stt):
    cid = new_model(stt)
    e = error_of(stt.add_word, cid, "many", sounds_like=["a", "b", "c", "d", "e", "f"])
    assert e.code == 400 and "at most 5" in e.message
    stt.add_word(cid, "75.00", sounds_like=["75 dollars"])
    word = sdk_check_word(stt.get_word(cid, "75.00"))
    assert word["error"] == [{"75 dollars": "Numbers are not allowed in sounds_like. You can try for example "
                                            "'seventy five dollars'."}]
    stt.add_word(cid, "odd", sounds_like=["odd@thing", "x" * 41, "fine"])
    errors = stt.get_word(cid, "odd")["error"]
    assert [list(e)[0] for e in errors] == ["odd@thing", "x" * 41]
    for bad in ("a b", "a/b", "a?b", "..", ""):
        assert error_of(stt.add_word, cid, bad).code == 400


def test_add_words_is_all_or_nothing(stt):
    cid = new_model(stt)
    e = error_of(stt.add_words, cid, [{"word": "tomato", "sounds_like": ["tomayto"]}, {"word": "bad/word"}])
    assert e.code == 400
    e = error_of(stt.add_words, cid, [{"word": "tomato"}, {"word": "six", "sounds_like": ["a"] * 6}])
    assert e.code == 400
    assert stt.list_words(cid) == {"words": []}
    assert stt.add_words(cid, [sdk.CustomWord(word="tomato", sounds_like=["toe may toe", "toe ma toe"]),
                               {"word": "HHonors", "sounds_like": ["hilton honors", "H. honors"]}]) == {}
    wait_model(stt, cid)
    words = sdk_check(sdk.Words, stt.list_words(cid))["words"]
    assert [w["word"] for w in words] == ["HHonors", "tomato"]
    assert stt.get_language_model(cid)["status"] == "ready"


def test_list_words_sorting_and_types(stt):
    cid = new_model(stt)
    stt.add_corpus(cid, "c1", b"blorf blorf blorf zint zint quux\n")
    wait_model(stt, cid)
    stt.add_word(cid, "Apple", sounds_like=["apple"])
    stt.add_grammar(cid, "g", ABNF.encode(), "application/srgs")
    wait_model(stt, cid)
    names = lambda **kw: [w["word"] for w in stt.list_words(cid, **kw)["words"]]  # noqa: E731
    assert names() == ["Apple", "blorf", "quux", "zint", "zorblax"]
    assert names(sort="-alphabetical") == ["zorblax", "zint", "quux", "blorf", "Apple"]
    assert names(sort="count")[:2] == ["blorf", "zint"]
    assert names(sort="+count")[-2:] == ["zint", "blorf"]
    assert names(word_type="user") == ["Apple"]
    assert names(word_type="grammars") == ["zorblax"]
    assert names(word_type="corpora") == ["blorf", "quux", "zint"]
    assert [w["count"] for w in stt.list_words(cid, sort="count")["words"]][:2] == [3, 2]
    assert error_of(stt.list_words, cid, word_type="nope").code == 400
    assert error_of(stt.list_words, cid, sort="size").code == 400
    stt.delete_word(cid, "Apple")
    assert names(word_type="user") == []


# -- grammars -----------------------------------------------------------------------


def test_grammar_analysis(stt):
    cid = new_model(stt)
    assert stt.add_grammar(cid, "calls", io.BytesIO(ABNF.encode()), "application/srgs") == {}
    wait_model(stt, cid)
    grammar = sdk_check(sdk.Grammar, stt.get_grammar(cid, "calls"))
    assert grammar == {"name": "calls", "out_of_vocabulary_words": 1, "status": "analyzed"}
    assert stt.get_word(cid, "zorblax")["source"] == ["calls"]
    xml = ('<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" xml:lang="en-US" root="yn">'
           '<rule id="yn"><one-of><item>yes</item><item>no</item></one-of></rule></grammar>')
    stt.add_grammar(cid, "yesno", xml.encode(), "application/srgs+xml; charset=utf-8")
    wait_model(stt, cid)
    sdk_check(sdk.Grammars, stt.list_grammars(cid))
    assert stt.get_grammar(cid, "yesno")["status"] == "analyzed"
    stt.delete_grammar(cid, "calls")
    assert error_of(stt.get_word, cid, "zorblax").code == 404


def test_grammar_errors(stt):
    cid = new_model(stt)
    for ctype in ("text/plain", "application/x-jsgf", ""):
        assert error_of(stt.add_grammar, cid, "g", ABNF.encode(), ctype).code == 415
    stt.add_grammar(cid, "broken", b"#ABNF 1.0;\nroot $a;\n$a = (yes | no;\n", "application/srgs")
    model = wait_model(stt, cid)
    grammar = sdk_check(sdk.Grammar, stt.get_grammar(cid, "broken"))
    assert grammar["status"] == "undetermined"
    assert grammar["error"] == ("Analysis of grammar 'broken' failed. Please try fixing the error or adding the "
                                "grammar again by setting the 'allow_overwrite' flag to 'true'.")
    assert model["error"].startswith("Cannot compile grammar 'broken':")
    e = error_of(stt.train_language_model, cid)
    assert e.code == 400
    assert stt.get_language_model(cid)["status"] == "failed"


# -- training ------------------------------------------------------------------------


def test_train_rules_and_weight(stt):
    cid = new_model(stt)
    e = error_of(stt.train_language_model, cid)
    assert e.code == 400 and stt.get_language_model(cid)["status"] == "failed"
    stt.add_corpus(cid, "c1", b"the cat sat on the mat\nthe dog sat on the log\n" * 3)
    wait_model(stt, cid)
    stt.add_word(cid, "75.00", sounds_like=["75 dollars"])
    stt.add_word(cid, "IEEE", sounds_like=["I. triple E."])
    assert error_of(stt.train_language_model, cid, word_type_to_add="some").code == 400
    assert error_of(stt.train_language_model, cid, customization_weight=1.5).code == 400
    e = error_of(stt.train_language_model, cid)  # strict: the word with an error fails it
    assert e.code == 400 and "75.00" in e.message
    assert stt.get_language_model(cid)["status"] == "failed"
    response = sdk_check(sdk.TrainingResponse, stt.train_language_model(cid, strict=False, customization_weight=0.5))
    assert response["warnings"][0]["code"] == "invalid_words"
    assert response["warnings"][0]["message"] == (
        "Analysis of the following words has not completed successfully: [75.00]. "
        "They will be excluded from custom language model training.")
    model = wait_model(stt, cid)
    assert (model["status"], model["progress"]) == ("available", 100) and "error" not in model
    trained = stt.language_models.trained_customization(stt.owner, cid)
    assert trained.customization_weight == 0.5
    lm = trained.custom_lm()
    assert lm.words["ieee"].pronunciations == ["AY T R IH P AH L IY"]
    assert lm.words["ieee"].display_as == "IEEE"
    assert "75.00" not in lm.words
    e = error_of(stt.train_language_model, cid, strict=False)
    assert (e.code, e.message) == (400, "No input data modified since last training")
    assert stt.train_language_model(cid, strict=False, force=True) == response
    assert wait_model(stt, cid)["status"] == "available"
    stt.add_word(cid, "tomato", sounds_like=["toe may toe"])
    assert stt.get_language_model(cid)["status"] == "ready"


def test_reset_and_delete(store, stt):
    cid = new_model(stt)
    stt.add_corpus(cid, "c1", b"the cat sat on the mat\n")
    stt.add_word(cid, "IEEE", sounds_like=["I. triple E."]) if wait_model(stt, cid) else None
    stt.train_language_model(cid)
    wait_model(stt, cid)
    assert stt.reset_language_model(cid) == {}
    model = stt.get_language_model(cid)
    assert (model["status"], model["name"]) == ("pending", "model")
    assert stt.list_corpora(cid) == {"corpora": []} and stt.list_words(cid) == {"words": []}
    assert error_of(stt.language_models.trained_customization, stt.owner, cid).code == 400
    assert stt.delete_language_model(cid) == {}
    assert error_of(stt.get_language_model, cid).code == 404
    assert verify_store(store) == []


def test_upgrade_to_new_base_version(tmp_path, stt):
    from asr_engine.customization import BaseModel
    from asr_engine.model import default_dictionary_path

    cid = new_model(stt)
    stt.add_word(cid, "IEEE", sounds_like=["I. triple E."])
    assert stt.upgrade_language_model(cid) == {}  # already on the current version
    assert len(stt.get_language_model(cid)["versions"]) == 1
    changed = tmp_path / "cmudict-changed.dict"
    changed.write_bytes(open(default_dictionary_path(), "rb").read() + b"zorblax Z AO R B L AE K S\n")
    newer = SpeechToText(stt.store, stt.owner, base_models={BASE: BaseModel(BASE, "en-US", 16000, dictionary=str(changed))})
    old_version = stt.get_language_model(cid)["versions"][0]
    assert newer.upgrade_language_model(cid) == {}
    model = wait_model(newer, cid)
    assert model["versions"][0] == old_version and len(model["versions"]) == 2
    assert model["versions"][1] != old_version and model["status"] == "ready"
    stt.delete_language_model(cid)
    cid = new_model(stt)
    assert error_of(stt.upgrade_language_model, cid).code == 400  # pending


def test_delete_user_data(store, stt):
    cid = new_model(stt)
    label = {"X-Watson-Metadata": "customer_id=cust-1"}
    stt.add_corpus(cid, "c1", b"the blorf sat\n", headers=label)
    wait_model(stt, cid)
    stt.add_corpus(cid, "c2", b"the zint sat\n", headers={"X-Watson-Metadata": "customer_id=cust-2"})
    wait_model(stt, cid)
    stt.add_word(cid, "IEEE", sounds_like=["I. triple E."], headers=label)
    stt.add_words(cid, [{"word": "tomato", "sounds_like": ["tomayto"]}], customer_id="cust-2")
    wait_model(stt, cid)
    stt.train_language_model(cid)
    wait_model(stt, cid)
    other = SpeechToText(store, owner="another-owner")
    other.delete_user_data("cust-1")  # another owner's label: nothing of ours goes
    assert len(stt.list_corpora(cid)["corpora"]) == 2
    assert stt.delete_user_data("cust-1") == {}
    assert [c["name"] for c in stt.list_corpora(cid)["corpora"]] == ["c2"]
    assert [w["word"] for w in stt.list_words(cid)["words"]] == ["tomato", "zint"]
    model = stt.get_language_model(cid)
    assert model["status"] == "ready" and "delete_user_data" in model["error"]
    assert error_of(stt.language_models.trained_customization, stt.owner, cid).code == 400
    assert stt.delete_user_data("nobody") == {}
    assert verify_store(store) == []


def test_unknown_arguments_refused(stt):
    e = error_of(stt.list_language_models, colour="blue")
    assert (e.code, e.message) == (400, "Unknown arguments: colour.")


# -- recognition -----------------------------------------------------------------------


def test_recognize_base_and_custom(stt):
    from conftest import DEV

    wav = (DEV / "arctic_aew_a0003.wav").read_bytes()
    base = sdk_check(sdk.SpeechRecognitionResults, stt.recognize(wav, "audio/wav"))
    assert base["result_index"] == 0 and base["results"][0]["final"] is True
    assert base["results"][0]["alternatives"][0]["transcript"].endswith(" ")
    cid = new_model(stt)
    e = error_of(stt.recognize, wav, "audio/wav", language_customization_id=cid)
    assert e.code == 400 and "not trained" in e.message
    e = error_of(stt.recognize, wav, "audio/wav", customization_weight=0.5)
    assert (e.code, e.message) == (400, "Cannot specify customization weight when not using customization.")
    stt.add_corpus(cid, "c1", (DEV / "refs.tsv").read_text().split("\n", 1)[0].encode() + b"\n"
                   + b"of the three men who were walking together\n")
    wait_model(stt, cid)
    stt.add_word(cid, "IEEE", sounds_like=["I. triple E."], display_as="IEEE")
    stt.add_grammar(cid, "yesno", b"#ABNF 1.0;\nlanguage en-US;\nroot $yn;\n$yn = yes | no;\n", "application/srgs")
    wait_model(stt, cid)
    stt.train_language_model(cid)
    assert wait_model(stt, cid)["status"] == "available"
    custom = sdk_check(sdk.SpeechRecognitionResults,
                       stt.recognize(wav, "audio/wav", language_customization_id=cid, customization_weight=0.5))
    assert custom["results"][0]["alternatives"][0]["transcript"].strip()
    other = stt.recognize(wav, "audio/wav", language_customization_id=cid, grammar_name="yesno")
    for result in other["results"]:
        assert result["alternatives"][0]["transcript"].strip() in ("yes", "no")
    e = error_of(stt.recognize, wav, "audio/wav", language_customization_id=cid, grammar_name="absent")
    assert e.code == 404
    e = error_of(stt.recognize, wav, "audio/wav", model="en-US_NarrowbandModel", language_customization_id=cid)
    assert e.code == 400


def test_word_type_to_add_user(stt):
    cid = new_model(stt)
    stt.add_corpus(cid, "c1", b"the zorblax sat on the mat\n" * 5)
    wait_model(stt, cid)
    stt.add_word(cid, "IEEE", sounds_like=["I. triple E."])
    stt.train_language_model(cid, word_type_to_add="user")
    wait_model(stt, cid)
    words = stt.language_models.trained_customization(stt.owner, cid).custom_lm().words
    assert set(words) == {"ieee"}
    stt.train_language_model(cid, force=True)
    wait_model(stt, cid)
    words = stt.language_models.trained_customization(stt.owner, cid).custom_lm().words
    assert set(words) == {"ieee", "zorblax"} and words["zorblax"].pronunciations
