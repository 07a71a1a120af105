"""Independent NumPy reference for the acoustic model tests.

Reads Sphinx model files and computes features and senone scores in float64
with straightforward code, written from the file-format descriptions rather
than from the native implementation, so the two can check each other.
"""
from __future__ import annotations

import math
import os
import struct

import numpy as np

DATA = os.path.join(
    os.environ.get("ASR_ENGINE_SHARED", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")),
    "data", "pocketsphinx-test")

# One Sphinx quantisation step of the 8-bit tables: 1024 * ln(1.0001).
STEP = 1024 * math.log(1.0001)


def read_mfc(path: str) -> np.ndarray:
    """Sphinx MFC file: int32 count, then float32 cepstra (13 per frame)."""
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<i", raw[:4])
    order = "<"
    if n * 4 + 4 != len(raw):
        (n,) = struct.unpack(">i", raw[:4])
        order = ">"
    vals = np.frombuffer(raw[4:], dtype=order + "f4").astype(np.float64)
    return vals.reshape(-1, 13)


def _shift(c: np.ndarray, k: int) -> np.ndarray:
    """c[t + k] with edge frames replicated."""
    idx = np.clip(np.arange(len(c)) + k, 0, len(c) - 1)
    return c[idx]


def features_1s_c_d_dd(cep: np.ndarray) -> np.ndarray:
    c = cep - cep.mean(axis=0)  # batch CMN
    d = _shift(c, 2) - _shift(c, -2)
    dd = (_shift(c, 3) - _shift(c, -1)) - (_shift(c, 1) - _shift(c, -3))
    return np.hstack([c, d, dd]).astype(np.float32)


def features_s2_4x(cep: np.ndarray) -> np.ndarray:
    """Sphinx-II 4-stream features, concatenated: 12 cep, 24 deltas, 3 power, 12 dd."""
    c = cep - cep.mean(axis=0)
    d_short = _shift(c, 2) - _shift(c, -2)
    d_long = _shift(c, 4) - _shift(c, -4)
    dd = (_shift(c, 3) - _shift(c, -1)) - (_shift(c, 1) - _shift(c, -3))
    power = np.stack([c[:, 0], d_short[:, 0], dd[:, 0]], axis=1)
    return np.hstack([c[:, 1:], d_short[:, 1:], d_long[:, 1:], power, dd[:, 1:]]).astype(np.float32)


def _s3_file(path: str):
    """(header dict, byte order, payload bytes) of a Sphinx s3 binary file."""
    raw = open(path, "rb").read()
    lines = raw.split(b"\n")
    assert lines[0] == b"s3"
    header, pos = {}, 3
    for line in lines[1:]:
        pos += len(line) + 1
        words = line.split()
        if words and words[0] == b"endhdr":
            break
        if len(words) >= 2:
            header[words[0].decode()] = words[1].decode()
    magic = raw[pos:pos + 4]
    order = "<" if struct.unpack("<I", magic)[0] == 0x11223344 else ">"
    return header, order, raw[pos + 4:]


def read_gaussians(path: str):
    """means/variances → (array [cb][stream] of (density x dim) arrays, veclens)."""
    _, order, p = _s3_file(path)
    n_cb, n_feat, n_den = struct.unpack(order + "3i", p[:12])
    veclen = list(struct.unpack(order + f"{n_feat}i", p[12:12 + 4 * n_feat]))
    off = 12 + 4 * n_feat
    (n,) = struct.unpack(order + "i", p[off:off + 4])
    vals = np.frombuffer(p[off + 4:off + 4 + 4 * n], dtype=order + "f4").astype(np.float64)
    out, k = [], 0
    for _cb in range(n_cb):
        streams = []
        for f in range(n_feat):
            m = n_den * veclen[f]
            streams.append(vals[k:k + m].reshape(n_den, veclen[f]))
            k += m
        out.append(streams)
    return out, veclen


def read_float_mixw(path: str, floor: float = 1e-7) -> np.ndarray:
    """mixture_weights → linear weights [stream][density][senone]."""
    _, order, p = _s3_file(path)
    n_sen, n_feat, n_cw, n = struct.unpack(order + "4i", p[:16])
    w = np.frombuffer(p[16:16 + 4 * n], dtype=order + "f4").astype(np.float64).reshape(n_sen, n_feat, n_cw)
    w = w / np.maximum(w.sum(axis=2, keepdims=True), 1e-300)
    w = np.maximum(w, floor)
    w = w / w.sum(axis=2, keepdims=True)
    return w.transpose(1, 2, 0)


def read_sendump(path: str, n_sen: int, n_feat: int, n_den: int) -> np.ndarray:
    """sendump → linear weights [stream][density][senone]."""
    raw = open(path, "rb").read()
    order = "<"
    (n,) = struct.unpack("<i", raw[:4])
    if not 0 < n < 1000:
        order = ">"
    pos, strings = 0, []
    while True:
        (n,) = struct.unpack(order + "i", raw[pos:pos + 4])
        pos += 4
        if n == 0:
            break
        strings.append(raw[pos:pos + n].split(b"\0")[0].decode("latin1"))
        pos += n
    opts = dict(s.split(" ", 1) for s in strings if " " in s)
    n_clust = int(opts.get("cluster_count", 0))
    base, shift = float(opts.get("logbase", 1.0001)), int(opts.get("mixw_shift", 10))
    step = math.log(base) * (1 << shift)
    cols = n_sen
    if n_clust == 0:
        _rows, cols = struct.unpack(order + "2i", raw[pos:pos + 8])
        pos += 8
        q = np.frombuffer(raw[pos:pos + n_feat * n_den * cols], dtype=np.uint8).reshape(n_feat, n_den, cols)[:, :, :n_sen]
    else:
        table = np.frombuffer(raw[pos:pos + 16], dtype=np.uint8)
        pos += 16
        half = (cols + 1) // 2
        packed = np.frombuffer(raw[pos:pos + n_feat * n_den * half], dtype=np.uint8).reshape(n_feat, n_den, half)
        nib = np.empty((n_feat, n_den, 2 * half), dtype=np.uint8)
        nib[:, :, 0::2] = packed & 0x0F
        nib[:, :, 1::2] = packed >> 4
        q = table[nib[:, :, :n_sen]]
    return np.exp(-q.astype(np.float64) * step)


def binary_mdef_sen2ci(path: str) -> np.ndarray:
    """CI phone of every senone, from a binary (BMDF) model definition."""
    raw = open(path, "rb").read()
    assert raw[:4] == b"BMDF"
    (hlen,) = struct.unpack("<i", raw[8:12])
    pos = 12 + hlen
    n_ci, n_phone, n_emit, _nci_sen, n_sen, _ntmat, n_sseq, _nctx, n_tree, _sil = struct.unpack("<10i", raw[pos:pos + 40])
    pos += 40
    start = pos
    for _ in range(n_ci):
        pos = raw.index(b"\0", pos) + 1
    pos = start + ((pos - start + 3) & ~3)
    pos += 8 * n_tree
    phones = []
    for p in range(n_phone):
        ssid, _tmat = struct.unpack("<2i", raw[pos:pos + 8])
        attr = raw[pos + 8:pos + 12]
        phones.append((ssid, p if p < n_ci else attr[1]))
        pos += 12
    (size,) = struct.unpack("<i", raw[pos:pos + 4])
    sseq = np.frombuffer(raw[pos + 4:pos + 4 + 2 * size], dtype="<u2").reshape(n_sseq, n_emit)
    sen2ci = np.full(n_sen, -1)
    for ssid, ci in phones:
        for s in sseq[ssid]:
            if sen2ci[s] < 0:
                sen2ci[s] = ci
    return sen2ci


def reference_scores(model_dir: str, feats: np.ndarray, streams: list[list[int]], sen2cb: np.ndarray,
                     weights: np.ndarray, top_n: int = 4, density_floor: float | None = STEP * 96,
                     varfloor: float = 1e-4) -> np.ndarray:
    """Senone log-likelihoods (frames x senones) in float64."""
    means, _ = read_gaussians(os.path.join(model_dir, "means"))
    variances, _ = read_gaussians(os.path.join(model_dir, "variances"))
    n_cb, n_str = len(means), len(streams)
    n_sen = len(sen2cb)
    out = np.zeros((len(feats), n_sen))
    for t, frame in enumerate(feats.astype(np.float64)):
        tops = {}
        for cb in range(n_cb):
            for s in range(n_str):
                x = frame[streams[s]]
                m, v = means[cb][s], np.maximum(variances[cb][s], varfloor)
                dens = -0.5 * np.log(2 * np.pi * v).sum(axis=1) - 0.5 * (((x - m) ** 2) / v).sum(axis=1)
                k = min(top_n, len(dens))
                idx = np.argsort(-dens, kind="stable")[:k]
                tops[cb, s] = (idx, dens[idx])
        for s in range(n_str):
            if density_floor:
                best = max(tops[cb, s][1][0] for cb in range(n_cb))
                for cb in range(n_cb):
                    idx, sc = tops[cb, s]
                    tops[cb, s] = (idx, np.maximum(sc, best - density_floor))
        for sen in range(n_sen):
            cb = sen2cb[sen]
            total = 0.0
            for s in range(n_str):
                idx, sc = tops[cb, s]
                terms = np.log(weights[s][idx, sen]) + sc
                top = terms.max()
                total += top + np.log(np.sum(np.exp(terms - top)))
            out[t, sen] = total
    return out
