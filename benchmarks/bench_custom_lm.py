"""Custom language models on the dev set, before and after, in one run.

Parts (``--part``, default all):

* ``speed``    - analysis of the ARCTIC corpus, training a model with it, the
                 first and later recognitions with the new model against a
                 base recognition of the same utterance;
* ``sonnets``  - the sonnets corpus on the dev ``sonnet_*`` recordings;
* ``arctic``   - the ARCTIC prompts on the dev ``cathy_*`` + ``arctic_*`` recordings;
* ``words``    - 30 frequent content words of the dev references taken out of a
                 copy of the dictionary and the LM (a base model of the reduced
                 files), then added back through the Watson façade's
                 ``add_words`` (without sounds_like: G2P; with sounds_like
                 spellings as a user writes them), trained and recognized with
                 ``language_customization_id`` at the default weight; the share
                 of their occurrences recognized, against the unmodified model's
                 (``--direct``: also at the engine level);
* ``with_words`` - a dev word removed from the dictionary and added back with
                 ``Recognizer.with_words``; build times.

Each part prints its figures; WER is pooled over the part's utterances.
``--weight`` sets customization_weight (default 0.3); ``--plain`` also runs
plain linear interpolation for comparison.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import SHARED  # noqa: E402
from dev_set import load_dev_set, normalize, wer_table  # noqa: E402

import asr_engine as ae  # noqa: E402
from asr_engine.customization import Store  # noqa: E402
from asr_engine.customization.base_models import BaseModel  # noqa: E402
from asr_engine.lm import CustomLanguageModel, CustomWord, InterpolatedModel, analyze_corpus, train_ngram  # noqa: E402
from asr_engine.watson import SpeechToText  # noqa: E402

CORPORA = SHARED / "data" / "corpora"


def decode(rec, utts):
    return {u.id: rec.recognize(u.path).transcript for u in utts}


def corpus_words(oov_counts) -> list[CustomWord]:
    """The corpus's new words with G2P pronunciations, as the store gives them at analysis."""
    try:
        from asr_engine.g2p import pronounce
    except ImportError:
        return [CustomWord(w) for w in oov_counts]
    return [CustomWord(w, pronounce(w)) for w in oov_counts]


def custom_model(rec, corpus: Path):
    text = corpus.read_text(encoding="utf-8")
    analysis = analyze_corpus(text, rec.dictionary)
    return CustomLanguageModel.train(analysis.sentences, corpus_words(analysis.oov_counts),
                                     base=rec.language_model), analysis


def accuracy(rec, name: str, corpus: Path, prefixes: tuple[str, ...], weight: float, plain: bool) -> None:
    utts = [u for u in load_dev_set() if u.id.startswith(prefixes)]
    model, analysis = custom_model(rec, corpus)
    base_wer, base_per = wer_table(decode(rec, utts), utts)
    custom = rec.customized(model, weight)
    cus_wer, cus_per = wer_table(decode(custom, utts), utts)
    print(f"{name}: {len(utts)} utterances, corpus {len(analysis.sentences)} sentences, "
          f"{len(analysis.oov_counts)} OOV words ({sum(1 for w in model.words if w in custom.dictionary)} pronounced)")
    print(f"  base WER {base_wer:.2%} {base_per}")
    print(f"  custom (weight {weight}) WER {cus_wer:.2%} {cus_per}   relative change {(cus_wer - base_wer) / base_wer:+.1%}")
    print(f"  shares by group: {[round(x, 3) for x in model.table.shares]}")
    if plain:
        ngram = train_ngram(analysis.sentences, 3, normalize=False)
        interp = ae.Recognizer(dictionary=rec.dictionary, language_model=InterpolatedModel(rec.language_model, ngram, weight))
        p_wer, _ = wer_table(decode(interp, utts), utts)
        print(f"  plain interpolation (weight {weight}) WER {p_wer:.2%}   relative change {(p_wer - base_wer) / base_wer:+.1%}")


def speed(rec) -> None:
    text = (CORPORA / "arctic" / "prompts.txt").read_text(encoding="utf-8")
    t0 = time.perf_counter()
    analysis = analyze_corpus(text, rec.dictionary)
    t1 = time.perf_counter()
    words = corpus_words(analysis.oov_counts)
    t2 = time.perf_counter()
    model = CustomLanguageModel.train(analysis.sentences, words, base=rec.language_model)
    t3 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        model.save(Path(tmp) / "arctic.clm")
        model = CustomLanguageModel.load(Path(tmp) / "arctic.clm")
    utts = [u for u in load_dev_set() if u.id.startswith("cathy_")][:6]
    utt = utts[0]
    rec.recognize(utt.path)  # warm
    t = time.perf_counter()
    rec.recognize(utt.path)
    b_first = time.perf_counter() - t
    t = time.perf_counter()
    custom = rec.customized(model)
    custom.recognize(utt.path)
    first = time.perf_counter() - t
    # Later requests: base and customized alternately over the same utterances, best of 3 rounds.
    base_t, cus_t = [], []
    for _ in range(3):
        for r, acc in ((rec, base_t), (rec.customized(model), cus_t)):
            t = time.perf_counter()
            for u in utts:
                r.recognize(u.path)
            acc.append(time.perf_counter() - t)
    b, l = min(base_t), min(cus_t)
    audio = sum(u.duration for u in utts)
    print(f"speed: analysis of {len(analysis.sentences)} ARCTIC sentences {t1 - t0:.3f} s "
          f"(+ G2P of its {len(words)} new words {t2 - t1:.3f} s); training {t3 - t2:.3f} s")
    print(f"  first recognition with the new model ({utt.id}, {utt.duration:.2f} s audio): {first:.3f} s vs base "
          f"{b_first:.3f} s (+{first - b_first:.3f} s)")
    print(f"  later: {len(utts)} utterances ({audio:.1f} s audio): base {b:.3f} s, customized {l:.3f} s ({(l - b) / b:+.1%})")


STOP = set("""a an the and or but if of to in on at by for with from as is are was were be been being it its
this that these those i you he she we they me him her us them my your his our their not no do does did have has had
will would shall should can could may might must so than then there here what which who whom whose when where why how
all any some each every one two three four five six seven eight nine ten up down out over under again too very just
about into through after before upon o thee thou thy thine art hath doth""".split())


def frequent_content_words(utts, n: int, dictionary, lm) -> list[str]:
    counts = Counter(w for u in utts for w in normalize(u.reference))
    out = [w for w, _c in counts.most_common() if w not in STOP and len(w) > 2 and "'" not in w
           and w in dictionary and w in lm]
    return out[:n]


def hits(results, utts, words: set[str]) -> tuple[int, int]:
    """Occurrences of `words` in the references matched in the hypotheses (bag of words per utterance)."""
    right = total = 0
    for u in utts:
        ref = Counter(w for w in normalize(u.reference) if w in words)
        hyp = Counter(w for w in normalize(results.get(u.id, "")) if w in words)
        total += sum(ref.values())
        right += sum(min(c, hyp[w]) for w, c in ref.items())
    return right, total


def sounds_like(word: str, dictionary) -> list[str]:
    """A sounds-like spelling as a user might write it: the word split into two
    dictionary words of at least three letters ('himself' -> 'him self'), else
    the word itself (a base-vocabulary spelling, looked up as the store does)."""
    for i in range(3, len(word) - 2):
        a, b = word[:i], word[i:]
        if a in dictionary and b in dictionary:
            return [f"{a} {b}"]
    return [word]


def sounds_like_phones(spellings: list[str], dictionary) -> list[str]:
    """Phones of sounds-like spellings: each word's first dictionary pronunciation, joined."""
    return [" ".join(p for w in s.split() for p in dictionary.lookup(w)[0]) for s in spellings]


def new_words(rec, n: int, direct: bool) -> None:
    """The words part: the removed words added back through the Watson
    façade (``add_words``, train, ``recognize`` with the model) on a base
    model made of the reduced dictionary and LM, once without ``sounds_like``
    (G2P) and once with it; ``direct`` also runs the engine-level route
    (CustomLanguageModel with the phones of the sounds-like spellings)."""
    utts = load_dev_set()
    words = frequent_content_words(utts, n, rec.dictionary, rec.language_model)
    wset = set(words)
    with_words = [u for u in utts if wset & set(normalize(u.reference))]
    print(f"words: {len(words)} words, {len(with_words)} utterances: {' '.join(words)}")
    full = hits(decode(rec, with_words), with_words, wset)
    print(f"  unmodified model: {full[0]}/{full[1]} = {full[0] / full[1]:.1%}")
    spelled = {w: sounds_like(w, rec.dictionary) for w in words}
    print("  sounds-like spellings: " + ", ".join(f"{w}={s[0]!r}" for w, s in spelled.items() if s[0] != w))
    with tempfile.TemporaryDirectory() as tmp:
        arpa = Path(tmp) / "base.arpa"
        rec.language_model.write_arpa(arpa)
        reduced_arpa = Path(tmp) / "reduced.arpa"
        _drop_words_from_arpa(arpa, reduced_arpa, wset)
        reduced_dict = Path(tmp) / "reduced.dict"
        reduced_dict.write_text(_dict_text(wset), encoding="utf-8")
        base = BaseModel("en-US_BroadbandModel", "en-US", 16000, dictionary=str(reduced_dict),
                         language_model=str(reduced_arpa))
        t = time.perf_counter()
        reduced = base.recognizer()
        print(f"  reduced base model built in {time.perf_counter() - t:.1f} s")
        gone = hits(decode(reduced, with_words), with_words, wset)
        print(f"  words removed:    {gone[0]}/{gone[1]} = {gone[0] / gone[1]:.1%}")
        with Store(Path(tmp) / "store") as store:
            stt = SpeechToText(store, "bench", base_models={base.name: base})
            for name, entries in (("G2P, add_words without sounds_like", [{"word": w} for w in words]),
                                  ("add_words with sounds_like", [{"word": w, "sounds_like": spelled[w]}
                                                                  for w in words])):
                cid = stt.create_language_model("words", base.name)["customization_id"]
                stt.add_words(cid, entries)
                _wait(stt, cid, ("pending",))
                stt.train_language_model(cid)
                _wait(stt, cid, ("training",))
                assert stt.get_language_model(cid)["status"] == "available", stt.get_language_model(cid)
                results = {u.id: transcript(stt.recognize(u.path.read_bytes(), "audio/wav",
                                                          language_customization_id=cid)) for u in with_words}
                r = hits(results, with_words, wset)
                print(f"  added back ({name}): {r[0]}/{r[1]} = {r[0] / r[1]:.1%}, "
                      f"{r[0] / max(1, full[0]):.0%} of the unmodified share")
                sys.stdout.flush()
        if direct:
            variants = {"engine, sounds-like phones": {w: sounds_like_phones(s, rec.dictionary)
                                                       for w, s in spelled.items()},
                        "engine, G2P": {w: [] for w in words}}
            for name, prons in variants.items():
                model = CustomLanguageModel.train([], [CustomWord(w, p) for w, p in prons.items()],
                                                  base=reduced.language_model)
                r = hits(decode(reduced.customized(model), with_words), with_words, wset)
                print(f"  added back ({name}): {r[0]}/{r[1]} = {r[0] / r[1]:.1%}, "
                      f"{r[0] / max(1, full[0]):.0%} of the unmodified share")


def _wait(stt, cid: str, busy: tuple[str, ...]) -> None:
    while stt.get_language_model(cid)["status"] in busy:
        time.sleep(0.05)


def transcript(body: dict) -> str:
    return " ".join(r["alternatives"][0]["transcript"].strip() for r in body["results"])


def _dict_text(words: set[str]) -> str:
    src = ae.model.default_dictionary_path()
    with open(src, encoding="utf-8") as f:
        return "".join(line for line in f if re.sub(r"\(\d+\)$", "", line.split(" ", 1)[0]) not in words)


def _load_dict(text: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reduced.dict"
        path.write_text(text, encoding="utf-8")
        return ae.Dictionary.load(str(path), cache=False)


def _drop_words_from_arpa(src: Path, dst: Path, words: set[str]) -> None:
    """ARPA without any n-gram that contains one of `words` (counts fixed)."""
    lines = src.read_text(encoding="utf-8").splitlines()
    out, counts, order, body = [], {}, 0, []
    for line in lines:
        m = re.match(r"\\(\d)-grams:", line)
        if m:
            order = int(m.group(1))
            body.append(line)
            continue
        if order and line and not line.startswith("\\"):
            toks = line.split("\t")[1].split(" ")
            if words & set(toks):
                continue
            counts[order] = counts.get(order, 0) + 1
        if order or line.startswith("\\end"):
            body.append(line)
    out = ["", "\\data\\"] + [f"ngram {k}={v}" for k, v in sorted(counts.items())] + [""] + body
    dst.write_text("\n".join(out) + "\n", encoding="utf-8")


def with_words_part(rec) -> None:
    utt = "cathy_a0068_1592746992"
    path = SHARED / "data" / "dev" / f"{utt}.wav"
    text = _dict_text({"flash"})
    t = time.perf_counter()
    reduced = ae.Recognizer(dictionary=_load_dict(text))
    full_build = time.perf_counter() - t
    before = reduced.recognize(path).transcript
    prons = [" ".join(p) for p in rec.dictionary.lookup("flash")]
    t = time.perf_counter()
    again = reduced.with_words({"flash": prons})
    build = time.perf_counter() - t
    t = time.perf_counter()
    again2 = reduced.with_words({"zorblax": "Z AO R B L AE K S", "flash": prons})
    build_lm = time.perf_counter() - t
    after = again.recognize(path).transcript
    t = time.perf_counter()
    ae.Recognizer()
    warm_full = time.perf_counter() - t
    print(f"with_words: {utt}: without 'flash': {before!r}; after with_words: {after!r}")
    print(f"  full Recognizer() {warm_full:.3f} s (warm caches; {full_build:.3f} s with a new dictionary); "
          f"with_words {build:.3f} s ({build / warm_full:.0%}); with a word the LM lacks too {build_lm:.3f} s")
    del again2


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["all", "speed", "sonnets", "arctic", "words", "with_words"], default="all")
    ap.add_argument("--weight", type=float, default=0.3)
    ap.add_argument("--plain", action="store_true", help="also run plain linear interpolation")
    ap.add_argument("--words", type=int, default=30)
    ap.add_argument("--direct", action="store_true",
                    help="words part: also add the words at the engine level (CustomLanguageModel)")
    args = ap.parse_args()
    rec = ae.Recognizer()
    parts = ["speed", "with_words", "sonnets", "arctic", "words"] if args.part == "all" else [args.part]
    for part in parts:
        if part == "speed":
            speed(rec)
        elif part == "sonnets":
            accuracy(rec, "sonnets", CORPORA / "sonnets" / "sonnets_4-154.txt", ("sonnet_",), args.weight, args.plain)
        elif part == "arctic":
            accuracy(rec, "arctic", CORPORA / "arctic" / "prompts.txt", ("cathy_", "arctic_"), args.weight, args.plain)
        elif part == "words":
            new_words(rec, args.words, args.direct)
        elif part == "with_words":
            with_words_part(rec)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
