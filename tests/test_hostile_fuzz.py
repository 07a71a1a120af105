"""A bounded run of the fuzz harness (benchmarks/fuzz/): a few hundred
cases across every generator, each in a supervised worker process under a
memory cap. Any crash, hang, allocation past the cap or exception other
than an AsrError fails the test with the case's generator and seed
(replay it with ``benchmarks/fuzz/run.py --replay gen:seed``). The long
run (>= 50,000 cases) is the script itself."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from conftest import SHARED

FUZZ = Path(__file__).resolve().parents[1] / "benchmarks" / "fuzz"
sys.path.insert(0, str(FUZZ))

from supervisor import run_cases  # noqa: E402

CASES = 600


def test_bounded_fuzz_run_finds_nothing(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(FUZZ)] + sys.path))
    from generators import GENERATORS, schedule

    report = run_cases(schedule(CASES, seed=20261201), shared=str(SHARED), timeout=60.0)
    assert report.cases == CASES
    assert set(report.counts) == set(GENERATORS), report.summary()
    assert not report.findings, report.summary() + "\n" + "\n".join(d for *_, d in report.findings)
    # The generators reach past the first check: some inputs load.
    assert report.total("accepted") > CASES // 10, report.summary()
