"""Build the native core (``asr_engine._core``) from every ``csrc/**/*.cc``.

The C++ code is plain C++17 with no Python in it except under
``csrc/bindings/``; one pybind11 extension module links it all.
"""
import glob
import os

from pybind11.setup_helpers import ParallelCompile, Pybind11Extension, build_ext
from setuptools import setup

# Compile translation units in parallel (the machine has 2 cores).
ParallelCompile("ASR_ENGINE_BUILD_JOBS", default=0).install()

sources = sorted(glob.glob("csrc/**/*.cc", recursive=True))

extra = ["-O3", "-fvisibility=hidden", "-fno-math-errno"]
# Optimise for the CPU that builds it unless a portable build is asked for:
# `pip install .` builds on the machine that runs it.
if os.environ.get("ASR_ENGINE_PORTABLE", "0") != "1":
    extra.append("-march=native")

ext = Pybind11Extension(
    "asr_engine._core",
    sources,
    include_dirs=["csrc"],
    cxx_std=17,
    extra_compile_args=extra,
)

setup(ext_modules=[ext], cmdclass={"build_ext": build_ext})
