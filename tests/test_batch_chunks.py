"""asr_engine.batch: a long file split into phrase chunks (tasks on every
executor) gives the record of the unsplit phrase-by-phrase decoding, on the
local executors and on a Dask LocalCluster; a failed chunk fails the file."""
from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from asr_engine.audio.input import read_audio
from asr_engine.batch import transcribe
from asr_engine.batch.chunks import Chunk, plan
from asr_engine.batch.inputs import Input
from asr_engine.long_audio import LONG_AUDIO_SECONDS
from conftest import DEV

SECONDS = LONG_AUDIO_SECONDS + 6  # just long enough to be decoded phrase by phrase
#: Narrower search beams than the defaults: each decode of the long file is
#: ~3x cheaper. What is proved (the chunks merge to the unsplit record) holds
#: for any options, and the chunk tasks must carry them to agree.
FAST = {"beam": 1e-40, "phone_beam": 1e-40}


def _long_wav(path: Path, seconds: float, seed: int = 3) -> float:
    """Wideband dev utterances joined by 0.3-2.5 s of each one's own leading
    non-speech (room tone), as a 16 kHz 16-bit WAV; returns its duration."""
    names = sorted(p for p in DEV.glob("*.wav") if not p.name.startswith(("fsdd", "osr")))
    rng = np.random.default_rng(seed)
    out, total, k = [], 0.0, 0
    while total < seconds:
        audio = read_audio(str(names[(k * 7) % len(names)]), target_rate=16000)
        k += 1
        if audio.original_rate < 16000:
            continue
        x = audio.samples
        pause = np.tile(x[:1600], int(np.ceil(rng.uniform(0.3, 2.5) * 10)))
        out += [x, pause]
        total += (len(x) + len(pause)) / 16000
    y = np.concatenate(out)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())
    return len(y) / 16000


@pytest.fixture(scope="module")
def long_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("long") / "long.wav"
    _long_wav(path, SECONDS)
    return str(path)


@pytest.fixture(scope="module")
def unsplit(long_file, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("unsplit") / "out.jsonl"
    transcribe([long_file], output=out, workers=1, split_seconds=10_000, **FAST)
    (record,) = _lines(out)
    assert "error" not in record and "chunks" not in record["timing"] and record["options"] == FAST
    return record


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def _untimed(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "timing"}


def test_only_long_pcm_wavs_are_split(long_file, tmp_path):
    item = Input(long_file, long_file, SECONDS)
    parts = plan(item, {}, None, split_seconds=60, chunk_seconds=30)
    assert all(isinstance(p, Chunk) for p in parts) and len(parts) == 5
    assert [p.part for p in parts] == list(range(5)) and parts[0].start == 0 and parts[-1].end is None
    assert all(a.end == b.start for a, b in zip(parts, parts[1:]))
    assert plan(item, {}, None, split_seconds=10_000) == [item]
    assert plan(item, {"speaker_adaptation": True}, None, split_seconds=60) == [item]  # decodes whole, twice
    assert plan(item, {}, "audio/wav", split_seconds=60) == [item]
    short = str(DEV / "arctic_aew_a0003.wav")
    assert plan(Input(short, short, 3.0), {}, None, split_seconds=1) == [Input(short, short, 3.0)]


def test_chunks_merge_to_the_unsplit_record_locally(long_file, unsplit, tmp_path):
    out = tmp_path / "out.jsonl"
    summary = transcribe([long_file], output=out, workers=2, split_seconds=60, chunk_seconds=30, **FAST)
    (record,) = _lines(out)
    assert summary.transcribed == 1 and summary.failed == 0
    assert record["timing"]["chunks"] == 5
    assert _untimed(record) == _untimed(unsplit)
    assert len(record["phrases"]) > 5 and record["transcript"]
    # resumed: nothing is redone, the record is not written twice
    again = transcribe([long_file], output=out, workers=2, split_seconds=60, chunk_seconds=30, **FAST)
    assert again.resumed == 1 and again.transcribed == 0 and len(_lines(out)) == 1


def test_chunks_on_a_dask_cluster_equal_the_single_process_record(long_file, unsplit, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "out.jsonl"
    summary = transcribe([long_file], output=out, executor="dask", workers=2, split_seconds=60, chunk_seconds=30,
                         **FAST)
    (record,) = _lines(out)
    assert summary.failed == 0 and record["timing"]["chunks"] == 5
    assert _untimed(record) == _untimed(unsplit)


def test_a_failed_chunk_makes_the_file_an_error_record(long_file, tmp_path):
    short = str(DEV / "arctic_aew_a0003.wav")
    broken = tmp_path / "broken.wav"
    broken.write_bytes(Path(long_file).read_bytes())

    def spoil(record: dict, resumed: bool) -> None:
        if record["file"] == short:  # planned as chunks already: now the file is damaged
            broken.write_bytes(b"RIFF" + b"\0" * 64)

    out = tmp_path / "out.jsonl"
    summary = transcribe([short, str(broken)], output=out, workers=1, split_seconds=60, chunk_seconds=30,
                         on_record=spoil)
    records = _lines(out)
    assert [r["file"] for r in records] == [short, str(broken)]
    assert "error" not in records[0]
    assert records[1]["code"] == 400 and records[1]["error"].startswith("chunk ")
    assert summary.failed == 1 and summary.transcribed == 1
