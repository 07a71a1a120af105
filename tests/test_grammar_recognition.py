"""Recognition constrained by a grammar: the PocketSphinx cards and
goforward tasks with our ABNF rewrites of their JSGF grammars."""
from __future__ import annotations

from pathlib import Path

import pytest

import asr_engine as ae
from asr_engine.grammar import compile_grammar
from conftest import PSX

GRAMMARS = Path(__file__).parent / "data" / "grammar"


@pytest.fixture(scope="module")
def recognizer():
    return ae.default_recognizer()


def transcriptions():
    out = {}
    for line in (PSX / "cards" / "cards.transcription").read_text().splitlines():
        text, uid = line.rsplit("(", 1)
        out[uid.strip(" )")] = " ".join(w for w in text.split() if w not in ("<s>", "</s>"))
    return out


def test_cards_all_right_with_abnf_grammar(recognizer):
    grammar = compile_grammar(GRAMMARS / "cards.abnf")
    refs = transcriptions()
    assert len(refs) == 5
    for uid, ref in refs.items():
        result = recognizer.recognize(PSX / "cards" / f"{uid}.wav", grammar=grammar)
        assert result.transcript == ref
        assert grammar.matches(result.transcript)


def test_jsgf_original_gives_the_same_results(recognizer):
    abnf = compile_grammar(GRAMMARS / "cards.abnf")
    jsgf = compile_grammar(PSX / "cards" / "cards.gram")
    for uid in ("001", "005"):
        path = PSX / "cards" / f"{uid}.wav"
        assert recognizer.recognize(path, grammar=abnf).transcript == \
            recognizer.recognize(path, grammar=jsgf).transcript


def test_goforward_grammar(recognizer):
    audio = ae.load_audio((PSX / "goforward.raw").read_bytes(), "audio/l16;rate=16000")
    grammar = compile_grammar(GRAMMARS / "goforward.abnf")
    result = recognizer.recognize(audio, grammar=grammar)
    assert result.transcript == "go forward ten meters"
    assert grammar.matches(result.transcript)


def test_output_is_in_grammar_without_rejection(recognizer):
    grammar = compile_grammar("#ABNF 1.0;\nlanguage en-US;\nroot $yn;\n$yn = yes | no;\n")
    result = recognizer.recognize(PSX / "cards" / "005.wav", grammar=grammar, rejection_threshold=None)
    assert result.transcript in ("yes", "no")


def test_grammar_errors(recognizer):
    with pytest.raises(ae.NotFoundError) as info:
        recognizer.recognize(PSX / "cards" / "001.wav",
                             grammar="#ABNF 1.0;\nlanguage en-US;\nroot $a;\n$a = zorblax frobnitz;\n")
    assert "zorblax" in info.value.message
    with pytest.raises(ae.FormatError):
        recognizer.recognize(PSX / "cards" / "001.wav", grammar="#ABNF 1.0;\nroot $a;\n$a = (;\n")


def test_garbage_absorbs_unnamed_speech(recognizer):
    grammar = compile_grammar("#ABNF 1.0;\nlanguage en-US;\nroot $a;\n$a = $GARBAGE of clubs;\n")
    result = recognizer.recognize(PSX / "cards" / "001.wav", grammar=grammar)  # "ten of clubs"
    assert result.transcript == "of clubs"
    grammar = compile_grammar("#ABNF 1.0;\nlanguage en-US;\nroot $a;\n$a = [$GARBAGE] (ten | seven) of clubs;\n")
    assert recognizer.recognize(PSX / "cards" / "003.wav", grammar=grammar).transcript == "seven of clubs"


def test_out_of_grammar_audio_is_rejected(recognizer):
    yes_no = compile_grammar("#ABNF 1.0;\nlanguage en-US;\nroot $a;\n$a = yes | no;\n")
    cards = compile_grammar(GRAMMARS / "cards.abnf")
    for uid in ("001", "003", "005"):
        path = PSX / "cards" / f"{uid}.wav"
        assert recognizer.recognize(path, grammar=yes_no).transcript == ""
        assert recognizer.recognize(path, grammar=yes_no, rejection_threshold=None).transcript in ("yes", "no")
        assert recognizer.recognize(path, grammar=cards).transcript != ""
