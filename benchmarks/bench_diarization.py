"""Speaker diarization on conversations constructed from dev speakers.

Each conversation alternates turns of 2 or 3 different speakers of the dev
set (speaker tags from its refs.tsv; only speakers with at least 20 s of
audio), turns 1-10 s long cut from the speaker's utterances, either back to
back or with pauses of 0.3-1.5 s (faint noise at -80 dBFS) between turns.
Frame truth: the turn's speaker where the forced alignment says speech
(benchmarks/vad_labels.py), nobody elsewhere.

DER = (missed speech + false alarm + speaker confusion) / reference speech,
on 10 ms frames, with the best one-to-one mapping of found to true speakers
(Hungarian); reported with no collar and with the usual 0.25 s collar
(frames within 0.25 s of a reference turn's start or end not scored). The
speech detector is ours (its misses and false alarms count); `conf` is the
confusion part alone. Tune with one --seed, report with another: the
conversations (speakers drawn, cuts, turn lengths) differ per seed.

    python benchmarks/bench_diarization.py [--seed 2] [--conversations 6]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

from dev_set import DEV
from vad_labels import dev_labels

from asr_engine.diarization import SpeakerDiarizer, SpeakerDiarizerOptions

SR = 16000
HOP = 160


def speaker_pools(min_seconds: float = 20.0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Speaker tag -> (samples, frame labels) of all its aligned utterances."""
    rows = (DEV / "refs.tsv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    speaker_of = {}
    for line in rows[1:]:
        cols = dict(zip(header, line.split("\t")))
        speaker_of[cols["id"]] = cols["speaker"]
    pools: dict[str, list] = {}
    for it in dev_labels():
        n = min(it["labels"].size, it["samples"].size // HOP)
        pools.setdefault(speaker_of[it["id"]], []).append((it["samples"][:n * HOP], it["labels"][:n]))
    out = {}
    for spk, parts in sorted(pools.items()):
        x = np.concatenate([p[0] for p in parts])
        if x.size / SR >= min_seconds:
            out[spk] = (x, np.concatenate([p[1] for p in parts]))
    return out


def conversation(pools, speakers, rng, pauses: bool, turns: int):
    """(samples, per-frame true speaker or -1, turn boundaries in frames)."""
    xs, ref, bounds = [], [], []
    frame = 0
    for t in range(turns):
        spk = speakers[t % len(speakers)]
        x, lab = pools[spk]
        n = int(rng.uniform(1.0, 10.0) * 100)
        n = min(n, lab.size)
        start = int(rng.integers(0, lab.size - n + 1))
        xs.append(x[start * HOP:(start + n) * HOP])
        ref.append(np.where(lab[start:start + n], speakers.index(spk), -1))
        bounds += [frame, frame + n]
        frame += n
        if pauses and t + 1 < turns:
            g = int(rng.uniform(0.3, 1.5) * 100)
            xs.append((rng.standard_normal(g * HOP) * 1e-4).astype(np.float32))
            ref.append(np.full(g, -1))
            frame += g
    return np.concatenate(xs).astype(np.float32), np.concatenate(ref), np.array(bounds)


def der(ref: np.ndarray, hyp: np.ndarray, bounds: np.ndarray, collar: int) -> tuple[float, float, float]:
    """(DER, confusion share, reference speech frames scored)."""
    n = min(ref.size, hyp.size)
    ref, hyp = ref[:n], np.pad(hyp, (0, max(0, n - hyp.size)), constant_values=-1)[:n]
    scored = np.ones(n, dtype=bool)
    for b in bounds:
        scored[max(0, b - collar):b + collar] = False
    ref, hyp = ref[scored], hyp[scored]
    total = int((ref >= 0).sum())
    both = (ref >= 0) & (hyp >= 0)
    miss = int(((ref >= 0) & (hyp < 0)).sum())
    fa = int(((ref < 0) & (hyp >= 0)).sum())
    r_ids, h_ids = np.unique(ref[both]), np.unique(hyp[both])
    overlap = np.zeros((r_ids.size, h_ids.size))
    for i, r in enumerate(r_ids):
        for j, h in enumerate(h_ids):
            overlap[i, j] = np.sum(both & (ref == r) & (hyp == h))
    rows, cols = linear_sum_assignment(-overlap) if overlap.size else ([], [])
    correct = overlap[rows, cols].sum() if overlap.size else 0.0
    conf = int(both.sum() - correct)
    return (miss + fa + conf) / max(total, 1), conf / max(total, 1), total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--conversations", type=int, default=6, help="per condition")
    ap.add_argument("--turns", type=int, default=12)
    ap.add_argument("--set", action="append", default=[], help="option=value of SpeakerDiarizerOptions")
    args = ap.parse_args()
    kw = {}
    for s in args.set:
        k, v = s.split("=")
        kw[k] = type(getattr(SpeakerDiarizerOptions, k))(v)
    diarizer = SpeakerDiarizer(options=SpeakerDiarizerOptions(**kw))
    pools = speaker_pools()
    names = sorted(pools)
    rng = np.random.default_rng(args.seed)
    print(f"speakers: {', '.join(f'{s} ({pools[s][0].size / SR:.0f} s)' for s in names)}")
    print(f"seed {args.seed}, {args.conversations} conversations x {args.turns} turns per condition")
    print(f"{'speakers':>8} {'pauses':>6} {'DER':>6} {'conf':>6} {'DER@.25':>8} {'conf@.25':>8} {'found':>9} {'xRT':>7}")
    for k in (2, 3):
        for pauses in (False, True):
            res = []
            found = []
            cpu = audio = 0.0
            for _ in range(args.conversations):
                speakers = [names[i] for i in rng.choice(len(names), size=k, replace=False)]
                x, ref, bounds = conversation(pools, speakers, rng, pauses, args.turns)
                t = time.process_time()
                d = diarizer.diarize(x, sample_rate=SR)
                cpu += time.process_time() - t
                audio += x.size / SR
                found.append(d.n_speakers)
                res.append((der(ref, d.speaker, bounds, 0), der(ref, d.speaker, bounds, 25)))
            w0 = np.array([r[0][2] for r in res])
            w1 = np.array([r[1][2] for r in res])
            d0 = sum(r[0][0] * r[0][2] for r in res) / w0.sum()
            c0 = sum(r[0][1] * r[0][2] for r in res) / w0.sum()
            d1 = sum(r[1][0] * r[1][2] for r in res) / w1.sum()
            c1 = sum(r[1][1] * r[1][2] for r in res) / w1.sum()
            print(f"{k:>8} {'yes' if pauses else 'no':>6} {d0:6.1%} {c0:6.1%} {d1:8.1%} {c1:8.1%} "
                  f"{','.join(map(str, found)):>9} {cpu / audio:7.4f}")


if __name__ == "__main__":
    main()
