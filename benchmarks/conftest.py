"""pytest-benchmark micro-benchmarks: ``python -m pytest benchmarks --benchmark-only``.

Each group times one of our stages beside its peer on the same input, so a
saved run (``--benchmark-save=NAME``, then ``--benchmark-compare``) shows
both the ratio and any drift from run to run. Not collected by
``python -m pytest tests`` (pyproject's testpaths is ``tests``).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # bench_common
sys.path.insert(0, str(HERE.parent / "tests"))  # sphinx_reference: the NumPy readers of Sphinx model files
