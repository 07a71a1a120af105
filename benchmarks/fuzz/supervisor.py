"""Runs fuzz cases in supervised worker processes and classifies each one.

A case is ``(generator, seed)``: the worker rebuilds the input from the
seed, so every finding is reproducible with ``--replay``. The worker runs
under an address-space cap (RLIMIT_AS) and reports one outcome per case:

* a generator's label (``loaded``, ``recognized``...) or ``typed`` - the
  input was accepted, or refused with an AsrError;
* ``untyped``        - any other exception (a bug: traceback recorded);
* ``memory``         - MemoryError under the cap (a bug: unbounded allocation);
* ``crash``          - the worker died from a signal (a bug: SIGSEGV, abort);
* ``hang``           - no answer within the timeout; the worker is killed.

The worker writes the case it is about to run before running it, so a
crash or hang is tied to its case even though the worker cannot report it.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import resource
import time
import traceback
from dataclasses import dataclass, field

BUGS = ("untyped", "memory", "crash", "hang")


@dataclass
class Report:
    counts: dict = field(default_factory=dict)  #: generator -> outcome -> count
    findings: list = field(default_factory=list)  #: (generator, seed, outcome, detail)
    cases: int = 0
    seconds: float = 0.0

    def add(self, gen: str, seed: int, outcome: str, detail: str = "") -> None:
        self.cases += 1
        per = self.counts.setdefault(gen, {})
        per[outcome] = per.get(outcome, 0) + 1
        if outcome in BUGS:
            self.findings.append((gen, seed, outcome, detail))

    def total(self, outcome: str) -> int:
        if outcome == "accepted":  # every label a generator returns for a case that ran through
            return sum(n for c in self.counts.values() for o, n in c.items() if o not in ("typed",) + BUGS)
        return sum(c.get(outcome, 0) for c in self.counts.values())

    def summary(self) -> str:
        lines = [f"{self.cases} cases in {self.seconds:.0f} s: " +
                 ", ".join(f"{o} {self.total(o)}" for o in ("accepted", "typed") + BUGS)]
        for gen in sorted(self.counts):
            c = self.counts[gen]
            lines.append(f"  {gen:16s} " + "  ".join(f"{o}={c[o]}" for o in sorted(c)))
        for gen, seed, outcome, detail in self.findings[:20]:
            lines.append(f"  FINDING {outcome} {gen} seed={seed}: {detail.strip().splitlines()[-1] if detail else ''}")
        return "\n".join(lines)


def _worker(conn, memory_cap: int, shared: str) -> None:
    """Worker loop: receive (gen, seed), run it, send (outcome, detail)."""
    os.environ["ASR_ENGINE_SHARED"] = shared
    from generators import GENERATORS, Context
    from asr_engine.errors import AsrError

    ctx = Context(shared)
    # The cap is on top of what the interpreter, numpy and the models
    # already map, so it bounds what one case may allocate.
    with open("/proc/self/statm") as f:
        mapped = int(f.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (mapped + memory_cap, mapped + memory_cap))
    conn.send(("ready", ""))
    while True:
        msg = conn.recv()
        if msg is None:
            return
        gen, seed = msg
        try:
            outcome = GENERATORS[gen](ctx, seed)
            conn.send(("ok" if outcome is None else outcome, ""))
        except AsrError as e:
            conn.send(("typed", type(e).__name__))
        except MemoryError:
            conn.send(("memory", traceback.format_exc(limit=8)))
        except Exception:  # noqa: BLE001 - classifying every other exception is the point
            conn.send(("untyped", traceback.format_exc(limit=8)))


class Worker:
    def __init__(self, memory_cap: int, shared: str, startup_timeout: float = 300.0) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, memory_cap, shared), daemon=True)
        self.proc.start()
        child.close()
        if not self.conn.poll(startup_timeout):
            self.stop()
            raise RuntimeError("fuzz worker did not start")
        status = self.conn.recv()
        if status[0] != "ready":
            raise RuntimeError(f"fuzz worker failed to start: {status}")

    def run(self, gen: str, seed: int, timeout: float) -> tuple[str, str]:
        try:
            self.conn.send((gen, seed))
            if not self.conn.poll(timeout):
                self.stop()
                return "hang", f"no answer in {timeout:g} s"
            return self.conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self.proc.join(5)
            code = self.proc.exitcode
            return "crash", f"worker exited with {'signal ' + str(-code) if code and code < 0 else code}"

    def alive(self) -> bool:
        return self.proc.is_alive()

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)


def run_cases(cases, *, shared: str, timeout: float = 20.0, memory_cap: int = 2 << 30,
              progress_every: int = 0, log=print) -> Report:
    """Run an iterable of (generator, seed) cases in one supervised worker
    (restarted after a crash or hang); returns the report."""
    report = Report()
    t0 = time.time()
    worker = Worker(memory_cap, shared)
    try:
        for gen, seed in cases:
            outcome, detail = worker.run(gen, seed, timeout)
            report.add(gen, seed, outcome, detail)
            if outcome in ("crash", "hang") or not worker.alive():
                worker.stop()
                worker = Worker(memory_cap, shared)
            if progress_every and report.cases % progress_every == 0:
                report.seconds = time.time() - t0
                log(report.summary().splitlines()[0])
    finally:
        try:
            worker.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        worker.stop()
    report.seconds = time.time() - t0
    return report
