"""Typed public API: py.typed and _core stubs ship, the stubs cover the
native module, and a typed example program passes ``mypy --strict`` with no
``Any`` reaching it from asr_engine."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

import asr_engine
from asr_engine import _core

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(asr_engine.__file__).parent
STUBS = PACKAGE / "_core"


def _stub_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    return names


def test_package_is_marked_typed():
    assert (PACKAGE / "py.typed").is_file()


@pytest.mark.parametrize("module", ["", "lm", "grammar", "g2p"])
def test_core_stubs_cover_the_native_module(module):
    native = getattr(_core, module) if module else _core
    stub = STUBS / f"{module or '__init__'}.pyi"
    public = {n for n in dir(native) if not n.startswith("_")}
    missing = public - _stub_names(stub)
    assert not missing, f"{stub.name} lacks {sorted(missing)}: regenerate it (see its header)"


def test_typed_example_passes_mypy_strict_without_any():
    pytest.importorskip("mypy")
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    cmd = [sys.executable, "-m", "mypy", "--strict", "--disallow-any-expr", "--follow-imports=silent",
           "--cache-dir", str(Path(os.environ.get("ASR_ENGINE_CACHE", "/tmp")) / "mypy"),
           str(ROOT / "examples" / "typed_usage.py")]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Success: no issues found" in out.stdout
