"""A small program using the public API, type-checked by ``mypy --strict
--disallow-any-expr`` (tests/test_typing.py): every value it gets from
asr_engine has a precise type, none is ``Any``. Run it from the repository
root: ``PYTHONPATH=src python examples/typed_usage.py``."""
from __future__ import annotations

import sys
from pathlib import Path

import asr_engine as ae

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "pocketsphinx-test"


def transcribe(rec: ae.Recognizer, path: Path) -> list[tuple[str, float, float, float]]:
    result: ae.Result = rec.recognize(path, max_alternatives=3)
    rows: list[tuple[str, float, float, float]] = []
    for w in result.words:
        confidence: float = w.confidence if w.confidence is not None else 0.0
        rows.append((w.word, w.start, w.end, confidence))
    best: ae.Alternative = result.alternatives[0]
    words: list[ae.WordResult] = best.words
    print(best.transcript, round(best.confidence, 3), len(words))
    return rows


def grammar_check(rec: ae.Recognizer, path: Path) -> bool:
    grammar: ae.Grammar = ae.compile_grammar("#ABNF 1.0; language en-US; root $c; $c = go forward ten meters;")
    result = rec.recognize(path, grammar=grammar)
    margin: float | None = result.rejection_margin
    print("rejected" if result.rejected else result.transcript, margin)
    return ae.matches(grammar, "go forward ten meters")


def stream(rec: ae.Recognizer, pcm: bytes) -> str:
    s: ae.Stream = rec.stream(content_type="audio/l16;rate=16000")
    for i in range(0, len(pcm), 8000):
        partial: ae.Result = s.accept(pcm[i:i + 8000])
        print(partial.transcript)
    return s.finish().transcript


def alignment(path: Path, text: str) -> float:
    a: ae.Alignment = ae.align(path, text)
    first: ae.AlignedWord = a.words[0]
    quality: float | None = a.quality
    print(first.word, first.start, first.end, a.duration)
    return quality if quality is not None else float("nan")


def main() -> int:
    try:
        options = ae.SearchOptions(beam=1e-50)
        rec = ae.Recognizer(search=options)
        wav = DATA / "cards" / "001.wav"
        transcribe(rec, wav)
        raw = (DATA / "goforward.raw").read_bytes()
        audio: ae.Audio = ae.load_audio(raw, "audio/l16;rate=16000")
        print(stream(rec, raw), audio.duration)
        print(alignment(wav, "ten of clubs"))
        print(grammar_check(rec, wav))
    except ae.AsrError as e:
        code: int = e.code
        print(f"error {code}: {e.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
