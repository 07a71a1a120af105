"""asr_engine.batch: manifests, the record file, resume, local pools, a real
Dask LocalCluster (equality with a single-process run, a killed worker,
custom models by id) and an interrupted command line that resumes."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

import asr_engine
from asr_engine.batch import RecordFile, read_manifest, record_key, transcribe
from asr_engine.errors import ConflictError, FormatError, NotFoundError
from conftest import DEV

SHORT = ["arctic_aew_a0003.wav", "arctic_axb_a0004.wav", "arctic_axb_a0006.wav", "arctic_unk_a0010.wav"]


def _files(n: int = 4) -> list[str]:
    names = sorted(p.name for p in DEV.glob("*.wav"))
    return [str(DEV / f) for f in (SHORT + [n for n in names if n not in SHORT])[:n]]


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines()]


def _untimed(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "timing"}


def _refs() -> dict:
    rows = (DEV / "refs.tsv").read_text().splitlines()[1:]
    return {r.split("\t")[0]: r.split("\t")[1] for r in rows}


# -- inputs and the record file (no model) -------------------------------------------


def test_manifests_list_paths_relative_to_themselves(tmp_path):
    (tmp_path / "a.tsv").write_text("id\tpath\tduration\n# a comment\nx\tsub/one.wav\t1.0\n\ny\t/abs/two.wav\t2\n")
    assert read_manifest(str(tmp_path / "a.tsv")) == [str(tmp_path / "sub/one.wav"), "/abs/two.wav"]
    (tmp_path / "b.tsv").write_text("one.wav\ntwo.flac\n")
    assert read_manifest(str(tmp_path / "b.tsv")) == [str(tmp_path / "one.wav"), str(tmp_path / "two.flac")]
    (tmp_path / "c.jsonl").write_text('{"audio_filepath": "x.wav", "duration": 1}\n{"path": "/y.wav"}\n')
    assert read_manifest(str(tmp_path / "c.jsonl")) == [str(tmp_path / "x.wav"), "/y.wav"]
    (tmp_path / "d.jsonl").write_text('{"text": "no path"}\n')
    with pytest.raises(FormatError, match="line 1"):
        read_manifest(str(tmp_path / "d.jsonl"))
    with pytest.raises(NotFoundError):
        read_manifest(str(tmp_path / "missing.tsv"))


def test_record_file_drops_a_torn_tail_never_duplicates_and_has_one_writer(tmp_path):
    path = tmp_path / "out.jsonl"
    good = json.dumps({"file": "a.wav", "transcript": "x"}) + "\n" + json.dumps(
        {"file": "b.wav", "error": "bad", "code": 400}) + "\n"
    path.write_text(good + '{"file": "c.wav", "transcr')  # a crash in the middle of a write
    with RecordFile(str(path)) as records:
        assert path.read_text() == good
        assert len(records) == 2 and record_key("a.wav") in records and record_key("./b.wav") in records
        records.append({"file": os.path.abspath("a.wav"), "transcript": "again"})  # same input: ignored
        records.append({"file": "c.wav", "transcript": "z"})
        with pytest.raises(ConflictError) as err:
            RecordFile(str(path))
        assert err.value.code == 409
    assert [r["file"] for r in _lines(path)] == ["a.wav", "b.wav", "c.wav"]
    with RecordFile(str(path), retry_failed=True) as records:
        assert record_key("b.wav") not in records and len(records) == 2
    assert [r["file"] for r in _lines(path)] == ["a.wav", "c.wav"]
    path.write_text("not json\n" + good)
    with pytest.raises(FormatError):
        RecordFile(str(path))


# -- local executors -------------------------------------------------------------


def test_local_pool_records_resume_and_failures(tmp_path):
    out = tmp_path / "out.jsonl"
    files = _files(3)
    missing = str(tmp_path / "missing.wav")
    seen = []
    summary = transcribe([*files, missing, files[0]], output=out, workers=2,
                         on_record=lambda r, resumed: seen.append((r["file"], resumed)))
    assert (summary.files, summary.transcribed, summary.failed, summary.resumed) == (4, 3, 1, 0)
    assert summary.workers == 2 and summary.audio_seconds > 5
    records = _lines(out)
    assert [r["file"] for r in records] == [*files, missing]  # input order, the repeat removed
    refs = _refs()
    assert records[0]["transcript"] == refs[Path(files[0]).stem] and all(r["words"] for r in records[:3])
    assert records[3] == {"file": missing, "error": f"audio file not found: {missing}", "code": 404}
    assert records[0]["model"]["name"] == "en-US_BroadbandModel" and records[0]["model"]["version"]
    assert records[0]["options"] == {} and records[0]["timing"]["seconds"] > 0
    assert len({r["timing"]["worker"] for r in records[:3]}) >= 1
    assert seen == [(f, False) for f in [*files, missing]]

    # A rerun with one more input transcribes only that one; the failure stays failed.
    more = _files(4)
    seen.clear()
    summary = transcribe([*more, missing], output=out, workers=2,
                         on_record=lambda r, resumed: seen.append((r["file"], resumed)))
    assert (summary.transcribed, summary.resumed, summary.failed) == (1, 4, 1)
    assert seen == [(f, True) for f in files] + [(more[3], False), (missing, True)]
    again = _lines(out)
    assert again[:4] == records and [r["file"] for r in again] == [*files, missing, more[3]]
    # retry_failed tries the failed input again (still missing: one error record, not two).
    summary = transcribe([*more, missing], output=out, workers=1, retry_failed=True)
    assert (summary.transcribed, summary.resumed, summary.failed) == (0, 4, 1)
    assert sorted(r["file"] for r in _lines(out)) == sorted([*more, missing])


def test_threads_and_processes_give_the_same_records(tmp_path):
    files = _files(3)
    runs = {}
    for executor in ("threads", "local"):
        transcribe(files, output=tmp_path / f"{executor}.jsonl", executor=executor, workers=2, beam=1e-50)
        runs[executor] = [_untimed(r) for r in _lines(tmp_path / f"{executor}.jsonl")]
    assert runs["threads"] == runs["local"]
    assert runs["local"][0]["options"] == {"beam": 1e-50}


def _write_wav(path: Path, samples, rate: int) -> None:
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())


def test_records_name_the_model_that_decoded_them(tmp_path):
    """8 kHz audio, a WAV at 8 kHz or an 8 kHz recording stored at 16 kHz,
    is decoded on the narrowband model, and its record names that model;
    a long 8 kHz file split into chunks too."""
    from asr_engine.audio.input import read_audio
    from asr_engine.audio.resample import resample
    from asr_engine.customization.base_models import shared_base_models
    from asr_engine.long_audio import LONG_AUDIO_SECONDS
    from asr_engine.recognizer import default_recognizer

    wide = str(DEV / SHORT[0])
    stored = str(sorted(DEV.glob("osr_*.wav"))[0])  # recorded at 8 kHz, stored at 16 kHz
    eight = tmp_path / "eight.wav"
    _write_wav(eight, resample(read_audio(str(DEV / SHORT[1]), target_rate=16000).samples, 16000, 8000), 8000)
    # Just over LONG_AUDIO_SECONDS (the floor for splitting): two chunks of
    # at most chunk_seconds; a longer file would only cost decoding time.
    long_eight = tmp_path / "long_eight.wav"
    pieces, names = [], iter(_files(80))
    while sum(map(len, pieces)) < (LONG_AUDIO_SECONDS + 6) * 8000:
        pieces.append(read_audio(next(names), target_rate=8000).samples)
    _write_wav(long_eight, np.concatenate(pieces), 8000)
    out = tmp_path / "out.jsonl"
    fast = {"beam": 1e-40, "phone_beam": 1e-40}  # narrower than the defaults: ~3x cheaper decodes
    transcribe([wide, stored, str(eight), str(long_eight)], output=out, workers=1, split_seconds=60,
               chunk_seconds=70, **fast)
    records = _lines(out)
    assert all("error" not in r for r in records) and records[3]["timing"]["chunks"] >= 2
    models = shared_base_models()
    assert [r["model"] for r in records] == [
        {"name": m, "version": models[m].version}
        for m in ("en-US_BroadbandModel", "en-US_NarrowbandModel", "en-US_NarrowbandModel", "en-US_NarrowbandModel")]
    assert models["en-US_BroadbandModel"].version != models["en-US_NarrowbandModel"].version
    base = default_recognizer()
    assert [r["transcript"] for r in records[:3]] == [
        base.recognize(f, **fast).transcript for f in (wide, stored, eight)]
    assert records[2]["transcript"] == base.narrowband().recognize(str(eight), **fast).transcript != ""


def test_bad_arguments_fail_before_any_worker_starts(tmp_path):
    from asr_engine.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="did you mean 'beam'"):
        transcribe(_files(1), output=tmp_path / "o.jsonl", bem=1)
    with pytest.raises(InvalidArgumentError, match="executor"):
        transcribe(_files(1), executor="spark")
    with pytest.raises(NotFoundError, match="acoustic model directory"):
        transcribe(_files(1), model_dir=tmp_path / "nope")
    with pytest.raises(NotFoundError):
        transcribe(_files(1), language_customization_id=str(uuid.uuid4()), store=tmp_path / "store")
    assert not (tmp_path / "o.jsonl").exists() or (tmp_path / "o.jsonl").read_text() == ""


# -- Dask ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    from asr_engine.batch.cluster import local_cluster

    cluster = local_cluster(2, silence_logs=50)  # the LocalCluster executor="dask" starts
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_the_local_cluster_workers_run_quiet(dask_client):
    """The workers got QUIET_CONFIG: no stack sampling, a slow event-loop
    tick, and no MALLOC_TRIM_THRESHOLD_ from the nanny."""
    import dask

    def settings():
        return (dask.config.get("distributed.worker.profile.enabled"),
                dask.config.get("distributed.admin.tick.interval"), os.environ.get("MALLOC_TRIM_THRESHOLD_"))

    assert set(dask_client.run(settings).values()) == {(False, "1s", None)}
    assert dask.config.get("distributed.worker.profile.enabled") is True  # the driver's own config is untouched


def test_dask_records_equal_a_single_process_run(dask_client, tmp_path):
    files = _files(3) + [str(tmp_path / "missing.wav")]
    transcribe(files, output=tmp_path / "one.jsonl", workers=1)
    summary = transcribe(files, output=tmp_path / "dask.jsonl", executor="dask", scheduler=dask_client)
    assert summary.executor == "dask" and summary.workers == 2
    one, dask = _lines(tmp_path / "one.jsonl"), _lines(tmp_path / "dask.jsonl")
    assert [_untimed(r) for r in dask] == [_untimed(r) for r in one]
    pids = set(dask_client.run(os.getpid).values())
    assert {int(r["timing"]["worker"].rsplit(":", 1)[1]) for r in dask if "timing" in r} <= pids


def test_a_killed_dask_worker_loses_and_duplicates_no_record(dask_client, tmp_path):
    files = _files(6)
    killed: list[int] = []

    def kill_a_worker(record, resumed):
        if not killed:  # the first record is in: every worker has inputs running or queued
            pid = sorted(dask_client.run(os.getpid).values())[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    summary = transcribe(files, output=tmp_path / "out.jsonl", executor="dask", scheduler=dask_client,
                         on_record=kill_a_worker)
    records = _lines(tmp_path / "out.jsonl")
    assert killed and [r["file"] for r in records] == files  # each input exactly once, in order
    assert summary.failed == 0 and all("error" not in r for r in records)  # the lost tasks ran again
    refs = _refs()
    assert records[0]["transcript"] == refs[Path(files[0]).stem]
    dask_client.wait_for_workers(2, timeout=120)  # the nanny restarted it


def test_dask_workers_resolve_a_custom_model_by_id_from_the_store(dask_client, tmp_path):
    from asr_engine.customization import Store
    from asr_engine.watson import SpeechToText
    from watson_helpers import wait_model

    store = Store(tmp_path / "store")
    stt = SpeechToText(store, owner="batch")
    cid = stt.create_language_model("batch", "en-US_BroadbandModel")["customization_id"]
    stt.add_word(cid, "twentieth", display_as="20th")
    stt.train_language_model(cid)
    assert wait_model(stt, cid)["status"] == "available"
    wav = str(DEV / SHORT[0])
    expected = stt.recognize(wav, language_customization_id=cid)["results"][0]["alternatives"][0]["transcript"]
    assert "20th" in expected
    store.close()
    summary = transcribe([wav], output=tmp_path / "out.jsonl", executor="dask", scheduler=dask_client,
                         language_customization_id=cid, owner="batch", store=tmp_path / "store")
    record, = _lines(tmp_path / "out.jsonl")
    assert summary.failed == 0 and record["transcript"] == expected.strip()
    assert record["model"]["language_customization_id"] == cid and record["model"]["customization_weight"] == 0.3


# -- the command line -------------------------------------------------------------


def test_an_interrupted_command_line_resumes_without_redoing_files(tmp_path):
    # Two short files, then eight copies of a 13 s one: after the first record
    # there are seconds of work left, however loaded the machine (with the dev
    # files alone, a busy machine once let the rest finish before the signal).
    long_file = DEV / "mfa_surround.wav"
    copies = [tmp_path / f"long_{k}.wav" for k in range(8)]
    for copy in copies:
        copy.write_bytes(long_file.read_bytes())
    files = _files(2) + [str(c) for c in copies]
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(Path(asr_engine.__file__).resolve().parent.parent)}
    argv = [sys.executable, "-m", "asr_engine", "transcribe", *files, "--output", str(out), "--jobs", "2",
            "--no-progress"]
    child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while not (out.exists() and out.read_text().count("\n") >= 1):
        assert child.poll() is None and time.monotonic() < deadline, child.communicate()
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    first = out.read_text()
    done = first.count("\n")
    assert child.returncode == 130 and "interrupted" in err
    assert 1 <= done < len(files), "the run ended before it could be interrupted"
    rerun = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{done} already done" in rerun.stderr and f"{len(files) - done} transcribed" in rerun.stderr
    text = out.read_text()
    assert text.startswith(first)  # the finished files were not redone
    assert [r["file"] for r in _lines(out)] == files


def test_cli_output_file_and_stdout_format(tmp_path, capsys):
    from asr_engine.cli import main

    out = tmp_path / "out.jsonl"
    files = _files(2)
    assert main(["transcribe", *files, "--output", str(out), "--format", "txt", "--no-progress"]) == 0
    captured = capsys.readouterr()
    records = _lines(out)
    assert captured.out.splitlines() == [f"{r['file']}\t{r['transcript']}" for r in records]
    assert [r["file"] for r in records] == files and records[0]["transcript"] == _refs()[Path(files[0]).stem]
    assert "2 files: 2 transcribed, 0 failed" in captured.err and "real time" in captured.err
    assert main(["transcribe", *files, "--output", str(out), "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and "2 already done" in captured.err
    assert len(_lines(out)) == 2


def test_progress_bar_counts_seconds_of_audio(tmp_path, capsys):
    from asr_engine.cli import main

    assert main(["transcribe", *_files(2), "--progress", "--format", "tsv"]) == 0
    err = capsys.readouterr().err
    assert "s audio" in err and "x real time" in err and "100%" in err
