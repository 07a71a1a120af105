"""Fuzz case generators: each turns a seed into one hostile input, feeds it
to the public API and returns a short label ("ok", "loaded", ...).

An AsrError is the expected refusal and is classified by the supervisor;
every other exception, a crash, a hang or an allocation past the worker's
memory cap is a bug. Inputs are derived from real seeds (dev audio, the
PocketSphinx test files, the W3C grammar suite, a small trained LM, the
an4 model) by structure-aware and byte-level mutations.
"""
from __future__ import annotations

import gzip
import io
import random
import shutil
import struct
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests"))

import asr_engine as ae  # noqa: E402
from asr_engine import lm as ae_lm  # noqa: E402

INTERESTING_U32 = [0, 1, 2, 3, 7, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 383999, 384001, 999,
                   0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 1 << 24, 1 << 25, 1000000000]


def mutate_bytes(rng: random.Random, data: bytes, max_ops: int = 6) -> bytes:
    """Byte flips, interesting 32-bit values, inserted/duplicated/cut spans."""
    b = bytearray(data)
    for _ in range(rng.randint(1, max_ops)):
        if not b:
            b.extend(rng.randbytes(rng.randint(1, 16)))
            continue
        i = rng.randrange(len(b))
        op = rng.random()
        if op < 0.3:
            b[i] ^= 1 << rng.randrange(8)
        elif op < 0.5:
            b[i:i + 4] = struct.pack("<I", rng.choice(INTERESTING_U32))
        elif op < 0.6:
            b[i:i + 4] = struct.pack(">I", rng.choice(INTERESTING_U32))
        elif op < 0.7:
            b[i:i] = rng.randbytes(rng.randint(1, 16))
        elif op < 0.8:
            del b[i:i + rng.randint(1, 64)]
        elif op < 0.9:
            j = rng.randrange(len(b))
            b[i:i] = b[j:j + rng.randint(1, 64)] * rng.randint(1, 3)
        else:
            del b[i:]
    return bytes(b)


def mutate_lines(rng: random.Random, text: bytes) -> bytes:
    """Line-level mutations for text formats: numbers replaced by extreme
    or junk values, lines dropped, duplicated, swapped, invalid UTF-8."""
    lines = text.split(b"\n")
    for _ in range(rng.randint(1, 5)):
        if not lines:
            lines = [b""]
        i = rng.randrange(len(lines))
        op = rng.random()
        if op < 0.3:
            words = lines[i].split()
            if words:
                k = rng.randrange(len(words))
                words[k] = rng.choice([b"1000000000", b"2147483647", b"4294967295", b"-1", b"nan", b"inf",
                                       b"-inf", b"1e309", b"0", b"9" * rng.randint(20, 5000), b"\xff", b"a\xffb",
                                       b"", b"=", b"\\data\\", b"\\end\\", words[k] * 3])
                lines[i] = b" ".join(words)
        elif op < 0.45:
            del lines[i]
        elif op < 0.6:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op < 0.7:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op < 0.8:
            lines[i] = lines[i] + rng.choice([b"\xff", b"\xc3", b"\x00", b"\t\t", b" extra", b"\r"])
        elif op < 0.9:
            del lines[i:]
        else:
            lines[i] = mutate_bytes(rng, lines[i], 2)
    return b"\n".join(lines)


class Context:
    """Seeds and models, loaded once per worker (lazily: a worker only pays
    for what its generators use)."""

    def __init__(self, shared: str) -> None:
        self.shared = Path(shared)
        self.psx = self.shared / "data" / "pocketsphinx-test"
        self.dev = self.shared / "data" / "dev"
        self.tmp = Path(tempfile.mkdtemp(prefix="asr-fuzz-"))
        self._cache: dict = {}

    def get(self, name, build):
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    def path(self, name: str, data: bytes) -> str:
        p = self.tmp / name
        p.write_bytes(data)
        return str(p)

    # -- seeds ----------------------------------------------------------------

    def wav(self) -> bytes:
        def build():
            audio = ae.load_audio(self.dev / "arctic_aew_a0003.wav")
            pcm = (np.clip(audio.samples[:8000], -1, 1) * 32767).astype("<i2").tobytes()
            return _wav_bytes(pcm, 16000)
        return self.get("wav", build)

    def containers(self) -> list:
        def build():
            import soundfile as sf

            x = ae.load_audio(self.dev / "arctic_aew_a0003.wav").samples[:4800]
            out = []
            for fmt, sub in [("FLAC", "PCM_16"), ("OGG", "VORBIS"), ("AU", "PCM_16"), ("AIFF", "PCM_16"),
                             ("WAV", "FLOAT"), ("WAV", "ULAW")]:
                try:
                    buf = io.BytesIO()
                    sf.write(buf, x, 16000, format=fmt, subtype=sub)
                    out.append(buf.getvalue())
                except Exception:  # noqa: BLE001 - a libsndfile without that format
                    pass
            return out
        return self.get("containers", build)

    def arpa(self) -> bytes:
        def build():
            m = ae_lm.train_ngram(["the cat sat on the mat", "a dog sat on a log", "the dog ate the cat"], 3)
            p = self.tmp / "seed.arpa"
            m.write_arpa(p)
            return p.read_bytes()
        return self.get("arpa", build)

    def our_binary(self) -> bytes:
        def build():
            m = ae_lm.NgramModel.from_arpa_text(self.arpa())
            p = self.tmp / "seed.asrlm"
            m.save(p)
            return p.read_bytes()
        return self.get("binary", build)

    def lm_bins(self) -> list:
        return self.get("lmbin", lambda: [(self.psx / n).read_bytes() for n in
                                          ("turtle.lm.bin", "not-enough-ngrams.lm.bin", "too-many-ngrams.lm.bin")])

    def phones(self) -> list:
        return self.get("phones", lambda: ae.AcousticModel.load(self.psx / "an4_ci_cont").phones)

    def an4(self):
        return self.get("an4", lambda: ae.AcousticModel.load(self.psx / "an4_ci_cont"))

    def grammar_seeds(self) -> list:
        from grammar_fuzzing import seed_documents

        return self.get("grammars", lambda: seed_documents(self.shared / "grammar-suite", self.psx))

    def recognizer(self):
        return self.get("recognizer", ae.Recognizer)


def _wav_bytes(pcm: bytes, rate: int, channels: int = 1, bits: int = 16, tag: int = 1) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    return (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(pcm)) + b"WAVE" + b"fmt " +
            struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(pcm)) + pcm)


CONTENT_TYPES = [None, "audio/wav", "audio/flac", "audio/ogg", "audio/ogg;codecs=opus", "audio/mp3", "audio/webm",
                 "audio/l16;rate=16000", "audio/l16;rate=8000;endianness=big-endian", "audio/l16", "audio/mulaw;rate=8000",
                 "audio/alaw;rate=8000;channels=2", "audio/basic", "audio/l16;rate=abc", "audio/l16;rate=383999",
                 "audio/l16;rate=16000;channels=99", "application/octet-stream", "audio/*", ";;;", "audio/l16;rate=nan"]


# -- generators ---------------------------------------------------------------------


def gen_audio_wav(ctx: Context, seed: int):
    rng = random.Random(seed)
    data = ctx.wav()
    if rng.random() < 0.5:  # header fields: rate, channels, block align, bits, sizes
        b = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            off = rng.choice([4, 16, 20, 22, 24, 28, 32, 34, 40])
            width = 2 if off in (20, 22, 32, 34) else 4
            v = rng.choice(INTERESTING_U32) & ((1 << (8 * width)) - 1)
            b[off:off + width] = v.to_bytes(width, "little")
        data = bytes(b)
    else:
        data = mutate_bytes(rng, data)
    audio = ae.load_audio(data, rng.choice(CONTENT_TYPES[:3]), max_duration=rng.choice([None, 1.0, 30.0]))
    return "loaded" if audio.samples.size else "empty"


def gen_audio_container(ctx: Context, seed: int):
    rng = random.Random(seed)
    data = mutate_bytes(rng, rng.choice(ctx.containers()))
    ae.load_audio(data, rng.choice(CONTENT_TYPES), max_duration=rng.choice([None, 5.0]))
    return "loaded"


def gen_audio_raw(ctx: Context, seed: int):
    rng = random.Random(seed)
    data = rng.randbytes(rng.randint(0, 4000))
    if rng.random() < 0.3:
        data = rng.choice([b"RIFF", b"fLaC", b"OggS", b"ID3", b"\xff\xfb", b".snd", b"\x1a\x45\xdf\xa3", b"FORM"]) + data
    ae.load_audio(data, rng.choice(CONTENT_TYPES), sample_rate=rng.choice([16000, 8000, None]),
                  allow_empty=rng.random() < 0.5)
    return "loaded"


def gen_arpa(ctx: Context, seed: int):
    rng = random.Random(seed)
    data = mutate_lines(rng, ctx.arpa())
    if rng.random() < 0.2:
        data = mutate_bytes(rng, data, 3)
    if rng.random() < 0.15:
        data = gzip.compress(data)
    m = ae_lm.NgramModel.load(ctx.path("case.arpa", data))
    m.words()
    m.score("the cat sat on the mat")
    return "loaded"


def gen_lm_bin(ctx: Context, seed: int):
    rng = random.Random(seed)
    data = mutate_bytes(rng, rng.choice(ctx.lm_bins()))
    m = ae_lm.NgramModel.load(ctx.path("case.lm.bin", data))
    m.words()
    m.score("go forward ten meters")
    return "loaded"


def gen_our_binary(ctx: Context, seed: int):
    rng = random.Random(seed)
    data = mutate_bytes(rng, ctx.our_binary())
    m = ae_lm.NgramModel(ctx.path("case.asrlm", data), verify_checksum=rng.random() < 0.5)
    m.words()
    m.score("the dog sat on the cat")
    return "loaded"


def gen_dictionary(ctx: Context, seed: int):
    rng = random.Random(seed)
    phones = ctx.phones()
    if rng.random() < 0.7:
        text = b"".join(f"w{i} {' '.join(rng.choice(phones) for _ in range(rng.randint(1, 5)))}\n".encode()
                        for i in range(20))
        d = ae.Dictionary.load(ctx.path("case.dic", mutate_lines(rng, text)), phones, cache=False)
    else:  # the binary cache
        cache_dir = ctx.tmp / "dict-cache"
        src = ctx.tmp / "seed.dic"
        if not src.exists():
            src.write_bytes(b"".join(f"w{i} {phones[i % len(phones)]} {phones[(3 * i) % len(phones)]}\n".encode()
                                     for i in range(50)))
            ae.Dictionary.load(str(src), phones, cache_dir=str(cache_dir))
        cache = next(p for p in cache_dir.rglob("*") if p.is_file())
        native = ae._core.Dictionary.load_binary(ctx.path("case.dcache", mutate_bytes(rng, cache.read_bytes())),
                                                 phones)
        d = ae.Dictionary(native)
    d.lookup("w1")
    return "loaded"


MODEL_FILES = ["mdef", "means", "variances", "mixture_weights", "transition_matrices", "feat.params", "noisedict"]


def gen_sphinx_model(ctx: Context, seed: int):
    rng = random.Random(seed)
    src = ctx.psx / "an4_ci_cont"
    case = ctx.tmp / "model"
    if not case.exists():
        shutil.copytree(src, case)
    for name in MODEL_FILES:  # restore the previous case's victim
        shutil.copyfile(src / name, case / name)
    victim = rng.choice(MODEL_FILES)
    data = (src / victim).read_bytes()
    data = mutate_lines(rng, data) if victim in ("feat.params", "noisedict") or rng.random() < 0.2 else \
        mutate_bytes(rng, data)
    (case / victim).write_bytes(data)
    ae.AcousticModel.load(case)
    return "loaded"


def gen_grammar(ctx: Context, seed: int):
    from grammar_fuzzing import generate, run_case

    rng = random.Random(seed)
    seeds = ctx.grammar_seeds()
    kind, data, probes = next(iter(generate(rng, seeds, rng.randint(1, 4))))
    return run_case(data, ctx.shared / "grammar-suite" / "w3c-srgs10" / "test", rng, probes)


def gen_recognize(ctx: Context, seed: int):
    rng = random.Random(seed)
    rec = ctx.recognizer()
    data = mutate_bytes(rng, ctx.wav(), 3) if rng.random() < 0.5 else ctx.wav()
    grammar = None
    if rng.random() < 0.4:
        grammar = rng.choice(["#ABNF 1.0;\nlanguage en-US;\n", "#JSGF V1.0;\ngrammar g;\n",
                              "#ABNF 1.0;\nlanguage en-US;\nroot $a;\n$a = $VOID;\n",
                              "#ABNF 1.0;\nlanguage en-US;\nroot $a;\n$a = (yes | no | $GARBAGE)<1->;\n"])
    r = rec.recognize(data, grammar=grammar, max_alternatives=rng.choice([1, 3]))
    for w in r.words:
        if not (0.0 <= w.confidence <= 1.0):
            raise AssertionError(f"confidence {w.confidence} outside [0, 1]")
    return "recognized"


from api_strategies import gen_api  # noqa: E402  (hypothesis over the public API)

GENERATORS = {
    "audio_wav": gen_audio_wav,
    "audio_container": gen_audio_container,
    "audio_raw": gen_audio_raw,
    "arpa": gen_arpa,
    "lm_bin": gen_lm_bin,
    "our_binary": gen_our_binary,
    "dictionary": gen_dictionary,
    "sphinx_model": gen_sphinx_model,
    "grammar": gen_grammar,
    "api": gen_api,
    "recognize": gen_recognize,
}

#: Relative frequency of each generator in a mixed run (recognition is slow).
WEIGHTS = {"recognize": 1, "sphinx_model": 4, "api": 8}


def schedule(n: int, seed: int = 0, only: list | None = None):
    """n (generator, seed) cases, interleaved by weight."""
    names = only or list(GENERATORS)
    wheel = [g for g in names for _ in range(WEIGHTS.get(g, 10))]
    rng = random.Random(seed)
    for i in range(n):
        yield wheel[i % len(wheel)], rng.randrange(1 << 40)


__all__ = ["GENERATORS", "Context", "schedule", "mutate_bytes", "mutate_lines"]
