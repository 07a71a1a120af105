"""Property-based fuzz of the public API: random types and values for every
parameter of every public function and constructor (tests/api_fuzz.py, run
in a subprocess so a crash is a failure, not a lost test run). Only AsrError
subclasses may escape. A long run: ``python tests/api_fuzz.py --examples 400``
(4,800 cases)."""
from __future__ import annotations

import asr_engine  # children import the package this test runs against (installed or in place)

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def test_public_api_raises_only_asr_errors():
    pytest.importorskip("hypothesis")
    env = {**os.environ, "PYTHONPATH": str(Path(asr_engine.__file__).resolve().parent.parent)}
    out = subprocess.run([sys.executable, str(HERE / "api_fuzz.py"), "--examples", "25"], capture_output=True,
                         text=True, env=env, timeout=600)
    assert out.returncode == 0, f"fuzz worker died (exit {out.returncode}):\n{out.stderr[-3000:]}"
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["cases"] >= 25 * len(report["per_target"]) * 0.9
    assert report["escapes"] == [], json.dumps(report["escapes"], indent=1)
