"""The asr-engine command line: inputs, formats, errors per file, exit codes."""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys

import pytest

from asr_engine.cli import main
from asr_engine.cli.formats import subtitle_cues
from asr_engine.batch.inputs import collect_inputs, parse_extensions
from conftest import DEV, PSX

SHORT = ["arctic_aew_a0003.wav", "arctic_axb_a0004.wav"]


def _refs() -> dict:
    rows = (DEV / "refs.tsv").read_text().splitlines()[1:]
    return {r.split("\t")[0]: r.split("\t")[1] for r in rows}


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory):
    """Two dev files in a tree with a subdirectory, a non-audio file and a hidden file."""
    root = tmp_path_factory.mktemp("batch")
    (root / "sub").mkdir()
    shutil.copy(DEV / SHORT[0], root / SHORT[0])
    shutil.copy(DEV / SHORT[1], root / "sub" / SHORT[1].upper())  # extensions match in any case
    (root / "notes.txt").write_text("not audio")
    (root / ".hidden.wav").write_bytes(b"RIFF")
    return root


def test_directories_are_walked_recursively_by_extension(batch_dir):
    found = [i.name for i in collect_inputs([str(batch_dir)], parse_extensions([]))]
    assert [p.split("/")[-1] for p in found] == [SHORT[0], SHORT[1].upper()]
    only_txt = collect_inputs([str(batch_dir)], parse_extensions(["txt"]))
    assert [i.name.split("/")[-1] for i in only_txt] == ["notes.txt"]
    assert all(i.duration and i.duration > 1 for i in collect_inputs([str(batch_dir)], ("wav",)))


def test_jsonl_gives_one_record_per_input_and_an_error_record(batch_dir, capsys):
    status = main(["transcribe", str(batch_dir), str(batch_dir / "missing.wav"), "--format", "jsonl",
                   "--jobs", "2", "--no-progress"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1  # one input failed
    assert len(out) == 3
    refs = _refs()
    assert out[0]["transcript"] == refs[SHORT[0][:-4]]
    assert out[0]["words"][0]["start"] >= 0
    assert out[2] == {"file": str(batch_dir / "missing.wav"), "error": "audio file not found: "
                      + str(batch_dir / "missing.wav"), "code": 404}


def test_jobs_do_not_change_results_or_order(capsys):
    files = [str(DEV / f) for f in SHORT]
    assert main(["transcribe", *files, "--format", "tsv"]) == 0
    one = capsys.readouterr().out
    assert main(["transcribe", *files, "--format", "tsv", "--jobs", "2"]) == 0
    two = capsys.readouterr().out
    assert one == two
    rows = one.splitlines()
    assert rows[0] == "file\tduration\tconfidence\ttranscript"
    assert [r.split("\t")[0] for r in rows[1:]] == files


def test_json_is_one_document(capsys):
    assert main(["transcribe", str(DEV / SHORT[0]), "nope.flac", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [("error" in r) for r in doc] == [False, True]


def test_stdin_input(monkeypatch, capsys):
    data = (DEV / SHORT[0]).read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["transcribe", "-"]) == 0
    assert capsys.readouterr().out.strip() == _refs()[SHORT[0][:-4]]


def test_subtitles(capsys):
    assert main(["transcribe", str(DEV / SHORT[0]), "--format", "srt"]) == 0
    srt = capsys.readouterr().out
    assert srt.startswith("1\n00:00:0")
    assert " --> " in srt and "," in srt.splitlines()[1]
    assert main(["transcribe", str(DEV / SHORT[0]), "--format", "vtt"]) == 0
    vtt = capsys.readouterr().out
    assert vtt.startswith("WEBVTT\n\n00:00:0") and "." in vtt.splitlines()[2]


def test_cue_grouping_breaks_at_pauses_and_length():
    words = [{"word": "a", "start": 0.0, "end": 0.2}, {"word": "b", "start": 0.3, "end": 0.5},
             {"word": "c", "start": 2.0, "end": 2.2}]
    assert subtitle_cues(words) == [(0.0, 0.5, "a b"), (2.0, 2.2, "c")]
    many = [{"word": "word%02d" % i, "start": i * 0.3, "end": i * 0.3 + 0.2} for i in range(20)]
    cues = subtitle_cues(many)
    assert len(cues) > 1 and all(len(t.replace("\n", " ")) <= 84 and t.count("\n") <= 1 for _, _, t in cues)


def test_grammar_file(tmp_path, capsys):
    gram = tmp_path / "g.gram"
    gram.write_text("#JSGF V1.0;\ngrammar g;\npublic <s> = go forward ten meters;\n")
    assert main(["transcribe", str(PSX / "goforward.raw"), "--content-type", "audio/l16;rate=16000",
                 "--grammar", str(gram)]) == 0
    assert capsys.readouterr().out.strip() == "go forward ten meters"


def test_align_with_transcripts_table(capsys):
    status = main(["align", str(DEV / SHORT[0]), "--transcripts", str(DEV / "refs.tsv"), "--format", "tsv"])
    rows = capsys.readouterr().out.splitlines()
    assert status == 0
    assert rows[0] == "file\tword\tstart\tend\tscore"
    assert " ".join(r.split("\t")[1] for r in rows[1:]) == _refs()[SHORT[0][:-4]]


def test_align_without_transcript_is_a_per_file_error(capsys):
    assert main(["align", str(DEV / SHORT[0]), "--format", "jsonl"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert record["code"] == 404 and "no transcript" in record["error"]


@pytest.mark.parametrize("argv, message", [
    (["--option", "bem=1"], "did you mean 'beam'"),
    (["--option", "beam"], "name=value"),
    (["--max-alternatives", "0"], "--max-alternatives"),
    (["--jobs", "-1"], "--jobs"),
    (["--grammar", "/nonexistent.gram"], "grammar file not found"),
    (["--content-type", "audio/nonsense"], "audio/nonsense"),
])
def test_options_are_checked_before_the_model_loads(argv, message, capsys):
    # A model directory that does not exist: had it been loaded first, the
    # error would be about the model.
    status = main(["transcribe", str(DEV / SHORT[0]), "--model", "/nonexistent-model", *argv])
    assert status == 1
    assert message in capsys.readouterr().err


def test_empty_directory_is_an_error(tmp_path, capsys):
    assert main(["transcribe", str(tmp_path), "--model", "/nonexistent-model"]) == 1
    assert "no audio files found" in capsys.readouterr().err


def test_version_and_usage_exit_codes():
    run = [sys.executable, "-m", "asr_engine"]
    version = subprocess.run([*run, "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("asr-engine 0.1.0")
    usage = subprocess.run([*run, "transcribe", "x.wav", "--format", "doc"], capture_output=True, text=True)
    assert usage.returncode == 2
