"""JSGF grammars (PocketSphinx .gram files) and our ABNF rewrites of them.

Languages are compared by enumerating them completely: our automaton on one
side, PocketSphinx's own JSGF compiler (its FSG output) on the other."""
from __future__ import annotations

import random

import pytest

from asr_engine.errors import AsrError, FormatError
from asr_engine.grammar import GrammarError, compile_grammar
from grammar_helpers import PSX, TESTS_DATA, fsa_language, fsg_language, pocketsphinx_fsg

pocketsphinx = pytest.importorskip("pocketsphinx")


@pytest.fixture(scope="module")
def cards_fsg(tmp_path_factory):
    return pocketsphinx_fsg(PSX / "cards" / "cards.gram", "cards.cards", tmp_path_factory.mktemp("fsg") / "c.fsg")


@pytest.fixture(scope="module")
def cards_ps_language(cards_fsg):
    return fsg_language(cards_fsg, 9)


def test_cards_abnf_rewrite_has_the_jsgf_language(cards_ps_language):
    abnf = compile_grammar(TESTS_DATA / "cards.abnf")
    ours = fsa_language(abnf, 12)  # longer than any sentence: the language is finite
    assert len(cards_ps_language) == 1419348
    assert ours == cards_ps_language


def test_cards_jsgf_compiles_to_the_same_language(cards_ps_language):
    jsgf = compile_grammar(PSX / "cards" / "cards.gram")
    assert jsgf.form == "jsgf"
    assert fsa_language(jsgf, 12) == cards_ps_language


@pytest.mark.parametrize("rule", ["move", "move2"])
def test_goforward_abnf_rewrite_has_the_jsgf_language(tmp_path, rule):
    fsg = pocketsphinx_fsg(PSX / "goforward.gram", f"goforward.{rule}", tmp_path / "g.fsg")
    theirs = fsg_language(fsg, 20)
    abnf = compile_grammar(TESTS_DATA / "goforward.abnf", root=rule)
    jsgf = compile_grammar(PSX / "goforward.gram", root=rule)
    assert fsa_language(abnf, 20) == theirs
    assert fsa_language(jsgf, 20) == theirs
    assert len(theirs) == (1 if rule == "move" else 60)


def test_cards_hypotheses_are_in_the_grammar():
    g = compile_grammar(TESTS_DATA / "cards.abnf")
    for line in (PSX / "cards" / "cards.hyp").read_text().splitlines():
        text = line.rsplit("(", 1)[0].strip()
        assert g.matches(text), text
    for line in (PSX / "cards" / "cards.transcription").read_text().splitlines():
        text = line.rsplit("(", 1)[0].replace("<s>", "").replace("</s>", "").strip().lower()
        assert g.matches(text), text
    assert not g.matches("ten of")
    assert sorted(g.words) == sorted(
        "ace two three four five six seven eight nine ten jack queen king lady of clubs hearts diamonds spades".split())


def test_malformed_pocketsphinx_grammars_are_refused_with_positions():
    with pytest.raises(GrammarError) as e:
        compile_grammar(PSX / "invalid.gram")
    assert (e.value.line, e.value.column) == (5, 8)
    with pytest.raises(GrammarError) as e:
        compile_grammar(PSX / "fuzzed.gram")
    assert e.value.line == 9  # PocketSphinx also stops at line 9, at the '+'
    assert isinstance(e.value, FormatError) and e.value.code == 400


def test_defective_grammar_loads_and_reports_unknown_words():
    g = compile_grammar(PSX / "defective.gram")  # duplicate import is harmless
    assert g.root_rules == ["defective"]
    assert g.unknown_words(PSX / "defective.dic") == ["really_bad_word"]
    assert g.unknown_words({"REALLY_BAD_WORD"}) == []
    assert g.unknown_words({"REALLY_BAD_WORD"}, case_sensitive=True) == ["really_bad_word"]


JSGF_FEATURES = """#JSGF V1.0 UTF-8 en;
/* a grammar exercising JSGF's operators */
grammar features;

public <main> = <greeting> <name>+ [please] | /0.5/ <count> * stop {tag} | good bye <NULL>;
<greeting> = hello | hi | /2/ hey;   // weights on some alternatives
<name> = alice | bob | (carol | dave) ;
<count> = one | two | three;
"""


def test_jsgf_features_match_pocketsphinx(tmp_path):
    path = tmp_path / "features.gram"
    path.write_text(JSGF_FEATURES)
    ours = compile_grammar(path)
    j = pocketsphinx.Jsgf(str(path))
    fsg = j.build_fsg(j.get_rule("features.main"), pocketsphinx.LogMath(), 1.0)
    vocab = "hello hi hey alice bob carol dave please one two three stop good bye".split()
    rng = random.Random(7)
    sentences = [" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 5))) for _ in range(3000)]
    sentences += ["hello alice", "hey bob carol please", "stop", "one two stop", "good bye", "hi dave dave"]
    agree = 0
    for s in sentences:
        assert ours.matches(s) == bool(fsg.accept(s)), s
        agree += 1
    assert agree == len(sentences)
    assert ours.matches("one one two three stop") and not ours.matches("hello")


def test_jsgf_quoted_tokens_are_word_sequences():
    # PocketSphinx keeps '"good bye"' (quotes included) as one lexicon word;
    # we split quoted tokens into words, as SRGS does, so each word needs
    # only its own pronunciation.
    g = compile_grammar('#JSGF V1.0;\ngrammar g;\npublic <a> = "good  bye" | "it\\"s";\n')
    assert g.matches("good bye") and g.words == ["good", "bye", 'it"s']


def test_jsgf_void_removes_only_its_alternative():
    # PocketSphinx aborts the whole rule's expansion at <VOID>; JSGF says the
    # alternative can never be spoken, which is what we do.
    g = compile_grammar("#JSGF V1.0;\ngrammar g;\npublic <a> = x <VOID> | y | <VOID>;\n")
    assert g.matches("y") and not g.matches("x") and g.words == ["y"]


def test_jsgf_imports_resolve_from_the_grammar_directory(tmp_path):
    (tmp_path / "com").mkdir()
    (tmp_path / "com" / "lib.gram").write_text(
        "#JSGF V1.0;\ngrammar com.lib;\npublic <city> = boston | paris;\n<secret> = x;\n")
    (tmp_path / "main.gram").write_text(
        "#JSGF V1.0;\ngrammar main;\nimport <com.lib.city>;\npublic <go> = go to <city> | fly to <com.lib.city>;\n")
    g = compile_grammar(tmp_path / "main.gram")
    assert g.matches("go to paris") and g.matches("fly to boston")
    (tmp_path / "bad.gram").write_text("#JSGF V1.0;\ngrammar bad;\nimport <com.lib.secret>;\npublic <a> = <secret>;\n")
    with pytest.raises(GrammarError, match="no public rule"):
        compile_grammar(tmp_path / "bad.gram")
    (tmp_path / "missing.gram").write_text("#JSGF V1.0;\ngrammar m;\nimport <nowhere.x>;\npublic <a> = a;\n")
    with pytest.raises(GrammarError, match="not found"):
        compile_grammar(tmp_path / "missing.gram")


@pytest.mark.parametrize("text, where", [
    ("#JSGF V1.0;\ngrammar g;\npublic <a> = (a | b;\n", (3, 20)),
    ("#JSGF V1.0;\ngrammar g;\npublic <a> = a;\npublic <a> = b;\n", (4, 8)),
    ("#JSGF V1.0;\ngrammar g;\npublic <a> = <b>;\n", (3, 14)),
    ("#JSGF V1.0;\ngrammar g;\n<a> = a;\n", (1, 1)),
    ("#JSGF V2.0;\ngrammar g;\npublic <a> = a;\n", (1, 7)),
    ("#JSGF V1.0;\npublic <a> = a;\n", (2, 1)),
    ("#JSGF V1.0;\ngrammar g;\npublic <a> = a | ;\n", (3, 18)),
    ("#JSGF V1.0;\ngrammar g;\npublic <a> = <a> x;\n", (3, 14)),
])
def test_jsgf_errors_have_line_and_column(text, where):
    with pytest.raises(GrammarError) as e:
        compile_grammar(text)
    assert (e.value.line, e.value.column) == where, str(e.value)


def test_jsgf_right_recursion_and_weights():
    g = compile_grammar("#JSGF V1.0;\ngrammar g;\npublic <digits> = /3/ <d> <digits> | /1/ <d>;\n<d> = one | two;\n")
    assert g.matches("one two two one") and not g.matches("")
    # P(stop after each digit) = 1/4, so "one" alone: 1/4 * 1/2
    assert g.score("one") == pytest.approx(__import__("math").log(0.25 * 0.5), abs=1e-4)


def test_grammar_accepts_bytes_and_explicit_media_type():
    g = compile_grammar(JSGF_FEATURES.encode("utf-8"), "application/x-jsgf")
    assert g.matches("hi alice") and g.media_type == "application/x-jsgf"
    with pytest.raises(AsrError):
        compile_grammar(JSGF_FEATURES, "application/srgs")
