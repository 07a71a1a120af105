"""README.md runs: every Python block is executed as written, and every
shell command (```sh blocks) is run from the repository root against the
real files in ../shared/data.

Three commands cannot run literally inside the test suite; each is run in
the nearest form that still fails if the command is wrong, and the test says
so rather than skipping it:

* ``python -m pip install SPEC`` runs with ``--dry-run --no-build-isolation``
  (pip resolves SPEC and builds its metadata; the full build is what
  ``.ci/run`` does before running this suite, with exactly that command);
* ``python -m pytest tests ...`` runs with ``--collect-only`` (running the
  suite inside itself would recurse; pytest-xdist does not start workers to
  collect);
* ``python setup.py build_ext --inplace -j 2`` runs with setuptools'
  ``--dry-run`` when the core is not built in place (an installed package in
  CI), since a cold build takes minutes.

``asr-engine`` runs as the installed console script when it is on PATH and
imports this asr_engine, else as ``python -m asr_engine`` (the same
``asr_engine.cli:main`` entry point, declared in pyproject.toml).
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import asr_engine

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
PYTHON_BLOCKS = re.findall(r"^```python\n(.*?)^```", README, re.S | re.M)
SHELL_BLOCKS = re.findall(r"^```(?:sh|bash|console)?\n(.*?)^```", README, re.S | re.M)


def _shell_commands() -> list[str]:
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", README, re.S | re.M):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line:
                commands.append(line)
    return commands


COMMANDS = _shell_commands()


def _env() -> dict[str, str]:
    # The commands run as a user runs them, not as part of a pytest-xdist
    # worker: its PYTEST_XDIST_* variables would make a child pytest think it
    # is a worker too (pytest-benchmark then refuses --benchmark-only).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST_")}
    src = str(Path(asr_engine.__file__).resolve().parents[1])
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_readme_has_no_untagged_code_blocks():
    """Every fenced block says what it is, so none escapes this test."""
    fences = re.findall(r"^```(\w*)$", README, re.M)
    openings = fences[0::2]
    assert all(tag in ("python", "sh") for tag in openings), openings
    assert len(PYTHON_BLOCKS) >= 2 and len(COMMANDS) >= 4


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)))
def test_python_block_runs_as_written(index, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    code = compile(PYTHON_BLOCKS[index], f"README.md python block {index + 1}", "exec")
    exec(code, {"__name__": "__readme__"})
    out = capsys.readouterr().out
    if "ae.recognize(" in PYTHON_BLOCKS[index]:
        assert "go forward ten meters" in out and "ten of clubs" in out


_RUNS: dict[tuple[str, ...], subprocess.CompletedProcess[str]] = {}


def _run(argv: list[str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` from the repository root (once per distinct command line)."""
    key = tuple(argv)
    if key not in _RUNS:
        _RUNS[key] = subprocess.run(argv, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=timeout)
    return _RUNS[key]


def _console_script(name: str) -> list[str]:
    path = shutil.which(name)
    if path:
        probe = _run([path, "--help"], timeout=120)
        same = _run([sys.executable, "-c", "import asr_engine, sys; print(asr_engine.__file__)"])
        first = Path(path).read_text(errors="replace").splitlines()[0] if Path(path).is_file() else ""
        if probe.returncode == 0 and sys.executable in first and same.stdout.strip() == asr_engine.__file__:
            return [path]
    return [sys.executable, "-m", "asr_engine"]


def _argv(command: str) -> list[str]:
    parts = shlex.split(command)
    env_prefix = {}
    while parts and re.match(r"^[A-Z_]+=", parts[0]):
        k, v = parts.pop(0).split("=", 1)
        env_prefix[k] = v
    assert env_prefix in ({}, {"PYTHONPATH": "src"}), command  # the environment the test gives anyway
    if parts[0] == "python":
        parts[0] = sys.executable
    if parts[:4] == [sys.executable, "-m", "pip", "install"]:
        # pybind11 and setuptools are in the test extra: no isolated build env needed.
        return parts[:4] + ["--dry-run", "--quiet", "--no-build-isolation"] + parts[4:]
    if parts[:3] == [sys.executable, "-m", "pytest"]:
        return parts + ["--collect-only"]
    if parts[:3] == [sys.executable, "setup.py", "build_ext"]:
        built = list((ROOT / "src" / "asr_engine").glob("_core*.so"))
        return parts if built else [sys.executable, "setup.py", "--dry-run"] + parts[2:]
    if parts[0] == "asr-engine":
        return _console_script("asr-engine") + parts[1:]
    return parts


@pytest.mark.parametrize("command", COMMANDS)
def test_shell_command_runs(command):
    for step in command.split("&&"):
        argv = _argv(step.strip())
        out = _run(argv)
        assert out.returncode == 0, f"{step.strip()} -> {argv}\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}"
        if argv[-1].endswith(".wav") and "transcribe" in argv:
            expected = asr_engine.recognize(ROOT / argv[-1]).transcript
            assert out.stdout.strip() == expected and len(expected.split()) > 5
        if "--collect-only" in argv:
            assert re.search(r"\d+ tests? collected", out.stdout), out.stdout[-500:]


def test_measured_table_commands_exist():
    """The benchmark scripts the table names (they take minutes: not run here)."""
    scripts = re.findall(r"`python (benchmarks/\S+\.py)`", README)
    assert scripts
    for script in scripts:
        assert (ROOT / script).is_file(), script
