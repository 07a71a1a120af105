"""Property-based fuzz of the public API (hypothesis).

Every public function and constructor gets random types and values for
every parameter (junk of every kind mixed with values near the valid ones);
the only exceptions allowed out are AsrError subclasses. Run as a script it
prints one JSON line ``{"cases": N, "escapes": [...]}``; tests/test_api_fuzz.py
runs it in a subprocess, so a crash (a signal) fails the test too.

    PYTHONPATH=src python tests/api_fuzz.py --examples 200
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import asr_engine as ae

PSX = Path(os.environ.get("ASR_ENGINE_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data" / \
    "pocketsphinx-test"
GOFORWARD = (PSX / "goforward.raw").read_bytes()[:16000]  # 0.5 s: keeps decodes cheap

_dtypes = st.sampled_from([np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.float16, np.float32,
                           np.float64, np.complex64, np.bool_])
arrays = st.one_of(
    hnp.arrays(_dtypes, hnp.array_shapes(min_dims=0, max_dims=3, max_side=64)),
    hnp.arrays(np.float32, st.integers(0, 4000), elements=st.floats(-1, 1, width=32)),
    hnp.arrays(np.int16, st.integers(0, 4000)),
    st.just(np.array(["a", None], dtype=object)),
    st.just(np.array(["ab", "cd"])),
)
junk = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(10**40), 10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), st.binary(max_size=200),
    st.lists(st.integers(-5, 5), max_size=4), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    arrays, st.just(object()), st.just(io.BytesIO(b"\x00\x01")), st.just(io.StringIO("text")),
    st.just(Path("/nonexistent/x.wav")), st.just(Path("/dev")), st.just(Path("/proc/self/status")),
    st.just(1 + 2j), st.just(b"\xff" * 64), st.just(float("nan")),
)
search_names = [f.name for f in ae.SearchOptions.__dataclass_fields__.values()]
audio_like = st.one_of(junk, st.just(GOFORWARD), st.just(str(PSX / "goforward.raw")),
                       st.just(np.frombuffer(GOFORWARD, "<i2")), st.just(PSX / "null.wav"),
                       st.just(PSX / "bad.wav"), st.binary(min_size=44, max_size=400).map(lambda b: b"RIFF" + b))
content_types = st.one_of(junk, st.sampled_from(["audio/l16;rate=16000", "audio/l16", "audio/wav", "audio/flac",
                                                 "audio/mulaw;rate=8000", "audio/l16;rate=abc", "text/plain",
                                                 "audio/l16;rate=16000;channels=999", "audio/basic"]))
rates = st.one_of(junk, st.sampled_from([8000, 16000, 44100, 0, -1, 10**12]))
texts = st.one_of(junk, st.sampled_from(["go forward ten meters", "", "qwzx blorp", "go"]),
                  st.lists(st.one_of(st.text(max_size=8), st.integers()), max_size=4))
grammars = st.one_of(junk, st.sampled_from([
    "#ABNF 1.0; language en-US; root $c; $c = go | forward;", "#ABNF 1.0;\nlanguage en-US;\n",
    "#JSGF V1.0; grammar g; public <a> = go forward;", "<grammar/>", "#ABNF 1.0; language en-US; root $c; "
    "$c = (go<0-10>)<0-10>;", str(PSX / "goforward.gram"), str(PSX / "invalid.gram"), "#ABNF 1.0;\n$a = x;"]))


def kwargs_of(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Any subset of the named parameters, each from its strategy, plus now
    and then a misspelled one."""
    return st.fixed_dictionaries({}, optional={**fields, "bogus_argument": junk})


def option_values() -> st.SearchStrategy[dict[str, Any]]:
    return kwargs_of({n: st.one_of(junk, st.floats(0, 1), st.integers(0, 100)) for n in search_names})


class Fuzz:
    """The targets: each a name and a strategy of (callable, args, kwargs)."""

    def __init__(self) -> None:
        self.rec = ae.Recognizer()
        self.aligner = ae.ForcedAligner()
        self.targets: dict[str, st.SearchStrategy[Callable[[], Any]]] = {}
        rec = self.rec

        def add(name: str, fn: Callable[..., Any], args: st.SearchStrategy[tuple[Any, ...]],
                kwargs: st.SearchStrategy[dict[str, Any]] = st.just({})) -> None:
            self.targets[name] = st.tuples(args, kwargs).map(lambda ak: (lambda: fn(*ak[0], **ak[1])))

        add("Recognizer.recognize", rec.recognize, st.tuples(audio_like, content_types),
            st.tuples(kwargs_of({"sample_rate": rates, "grammar": grammars, "rejection_threshold": junk,
                                 "max_alternatives": st.one_of(junk, st.integers(0, 5)),
                                 "keywords": st.one_of(junk, st.lists(st.one_of(junk, st.text(max_size=20)),
                                                                      max_size=4)),
                                 "keywords_threshold": st.one_of(junk, st.floats(-1, 2)),
                                 "word_alternatives_threshold": st.one_of(junk, st.floats(-1, 2))}),
                       option_values())
            .map(lambda d: {**d[0], **d[1]}))
        add("Recognizer.stream+accept", self._stream, st.tuples(
            kwargs_of({"sample_rate": rates, "content_type": content_types}),
            st.lists(st.one_of(audio_like, arrays), max_size=3)))
        add("align", ae.align, st.tuples(audio_like, texts),
            kwargs_of({"content_type": content_types, "sample_rate": rates, "options": junk, "model": junk,
                       "dictionary": junk}))
        add("ForcedAligner.align_features", self.aligner.align_features, st.tuples(junk, texts))
        add("SearchOptions", ae.SearchOptions, st.just(()), option_values())
        add("SearchOptions.with_overrides", ae.SearchOptions().with_overrides, st.just(()), option_values())
        add("AlignOptions", ae.AlignOptions, st.just(()),
            kwargs_of({n: junk for n in ae.AlignOptions.__dataclass_fields__}))
        add("Recognizer", self._recognizer, st.just(()),
            kwargs_of({"model_dir": junk, "dictionary": junk, "language_model": junk, "search": junk,
                       "feature_options": junk}))
        add("ForcedAligner", self._aligner, st.tuples(junk, junk, junk))
        add("load_audio", ae.load_audio, st.tuples(audio_like, content_types),
            kwargs_of({"sample_rate": rates, "input_rate": rates, "max_bytes": junk, "max_duration": junk,
                       "allow_empty": junk}))
        # Every other public callable of the package: junk for each parameter.
        covered = {"Recognizer", "ForcedAligner", "SearchOptions", "AlignOptions", "load_audio", "align",
                   "compile_grammar", "matches", "recognize", "default_recognizer", "Stream"}
        # Results the engine builds and hands out (plain dataclasses, and a
        # Grammar from compile_grammar): users receive them, they are no input.
        covered |= {"Result", "WordResult", "Alternative", "KeywordMatch", "WordAlternatives", "Alignment", "AlignedWord", "AlignedPhone",
                    "AlignedState", "Grammar", "Audio"}
        for name in ae.__all__:
            obj = getattr(ae, name)
            if name in covered or not callable(obj) or (isinstance(obj, type) and issubclass(obj, BaseException)):
                continue
            self._generic(add, name, obj)
            for attr in ("load", "from_feat_params"):
                if isinstance(obj, type) and callable(getattr(obj, attr, None)):
                    self._generic(add, f"{name}.{attr}", getattr(obj, attr))
        add("recognize(Audio)", rec.recognize, st.tuples(st.builds(ae.Audio, st.one_of(junk, arrays), junk, junk,
                                                                   junk, junk, junk)))
        add("compile_grammar", ae.compile_grammar, st.tuples(grammars))
        add("matches", ae.matches, st.tuples(grammars, texts))

    @staticmethod
    def _generic(add: Callable[..., None], name: str, fn: Callable[..., Any]) -> None:
        import inspect

        try:
            params = [p for p in inspect.signature(fn).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        except (TypeError, ValueError):  # a native callable without a signature
            params = []
        positional = [p for p in params if p.kind != p.KEYWORD_ONLY and p.default is p.empty]
        optional = {p.name: junk for p in params if p.default is not p.empty}
        add(name, fn, st.tuples(*[junk for _ in positional]), kwargs_of(optional))

    def _stream(self, kwargs: dict[str, Any], chunks: list[Any]) -> None:
        s = self.rec.stream(**kwargs)
        for c in chunks:
            s.accept(c)
        s.finish()

    @staticmethod
    def _recognizer(**kwargs: Any) -> None:
        # A constructor call with every argument valid builds a full model
        # (seconds): that is tested elsewhere, the fuzz wants the failures.
        if all(v is None for k, v in kwargs.items() if k != "bogus_argument") and "bogus_argument" not in kwargs:
            return
        ae.Recognizer(**kwargs)

    @staticmethod
    def _aligner(model: Any, dictionary: Any, options: Any) -> None:
        if model is None and dictionary is None and options is None:
            return
        ae.ForcedAligner(model, dictionary, options)


def run(examples: int, seed: int) -> dict[str, Any]:
    fuzz = Fuzz()
    cases = 0
    escapes: list[dict[str, str]] = []
    per_target: dict[str, int] = {}
    for name, strategy in fuzz.targets.items():
        @settings(max_examples=examples, deadline=None, derandomize=False, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def case(call: Callable[[], Any]) -> None:
            nonlocal cases
            cases += 1
            per_target[name] = per_target.get(name, 0) + 1
            try:
                call()
            except ae.AsrError:
                pass
            except Exception as e:  # noqa: BLE001 - what the fuzz is looking for
                if len(escapes) < 2000:
                    escapes.append({"target": name, "error": f"{type(e).__name__}: {e}"[:300],
                                    "where": traceback.format_exc().splitlines()[-3][:200]})

        case()
    return {"cases": cases, "per_target": per_target, "escapes": escapes}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=100, help="hypothesis examples per target")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(run(args.examples, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
