"""Scaling of asr_engine.batch on this machine: 1 against 2 local workers, a
Dask LocalCluster of 2 single-threaded workers against the local pool, and
the memory of each worker (RSS against PSS: how much of the model the
worker processes share).

The same >= 20 minutes of dev audio (the dev set repeated under distinct
paths) goes through each configuration once, from a fresh output file; wall
time includes starting the workers and loading the model, as a user sees
it. Memory is sampled from /proc/PID/smaps_rollup every SAMPLE_SECONDS for
every process that wrote a record; the figure is each worker's peak,
averaged. (The sampler walks /proc and the workers' page tables: every
0.2 s it took 3 % of a core (0.30 CPU s in 10 s with no worker to read),
which the workers of a 2-worker run on 2 cores lose and a 1-worker run does
not; every 1 s, 0.75 %. Its own CPU is printed.)
The CPU time of every process of the run (driver, scheduler, workers) is
summed too: "CPU s/audio s" is what a configuration costs whatever else
the machine runs, so its ratio between configurations holds under load
when the wall-time ratio does not.

``--idle`` measures instead what an idle Dask LocalCluster of 2 workers
burns in 20 s with Dask's default settings and with asr_engine's
(``asr_engine.batch.cluster.QUIET_CONFIG``).

    python benchmarks/bench_batch.py [--minutes 20] [--threads] [--idle] [--no-dask]

Targets (issue 16): local 2 / local 1 >= 1.8x; dask 2x1 / local 2 >= 0.9x.
Run it on a quiet machine (the load average is printed beside the figures).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dev_set import load_dev_set  # noqa: E402

from asr_engine.batch import transcribe  # noqa: E402

#: Seconds between memory and CPU samples (a worker's peak is flat for minutes).
SAMPLE_SECONDS = 1.0


def make_corpus(root: Path, minutes: float) -> tuple[list[str], float]:
    """Dev utterances linked under pass1/, pass2/, ... until ``minutes`` of audio."""
    utts = load_dev_set()
    files, total, k = [], 0.0, 0
    while total < minutes * 60:
        k += 1
        (root / f"pass{k}").mkdir()
        for u in utts:
            if total >= minutes * 60:
                break
            link = root / f"pass{k}" / u.path.name
            link.symlink_to(u.path)
            files.append(str(link))
            total += u.duration
    return files, total


def _kb(pid: int) -> tuple[int, int]:
    """(Rss, Pss) in kB from /proc/PID/smaps_rollup; (0, 0) once it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    out, frontier = set(), {pid}
    while frontier:
        frontier = {c for c, p in parents.items() if p in frontier} - out
        out |= frontier
    return out


class MemorySampler(threading.Thread):
    """Peak (Rss, Pss) of this process and its descendants while it runs."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks: dict[int, tuple[int, int]] = {}
        # CPU seconds of the processes already there (this one, a forkserver)
        self._cpu_start = {pid: _cpu(pid) for pid in _descendants(os.getpid()) | {os.getpid()}}
        self._cpu_last: dict[int, float] = {}
        self.own_cpu = 0.0
        self._halt = threading.Event()

    def _sample(self) -> None:
        for pid in _descendants(os.getpid()) | {os.getpid()}:
            rss, pss = _kb(pid)
            old = self.peaks.get(pid, (0, 0))
            self.peaks[pid] = (max(old[0], rss), max(old[1], pss))
            self._cpu_last[pid] = max(self._cpu_last.get(pid, 0.0), _cpu(pid))

    def run(self) -> None:
        start = time.thread_time()
        while not self._halt.wait(SAMPLE_SECONDS):
            self._sample()
        self.own_cpu = time.thread_time() - start  # its own, taken out of the run's CPU

    def stop(self) -> None:
        self._halt.set()
        self.join()
        self._sample()

    @property
    def cpu_seconds(self) -> float:
        """CPU used by every process of the run but this sampler (a process
        that ended counts up to its last sample, at most SAMPLE_SECONDS before it ended)."""
        used = sum(cpu - self._cpu_start.get(pid, 0.0) for pid, cpu in self._cpu_last.items())
        return used - self.own_cpu


def run_config(name: str, files: list[str], out: Path, **kwargs) -> dict:
    sampler = MemorySampler()
    sampler.start()
    start, began = time.perf_counter(), time.time()
    try:
        summary = transcribe(files, output=out, **kwargs)  # dask: the LocalCluster transcribe starts
        wall = time.perf_counter() - start
    finally:
        sampler.stop()
    records = [json.loads(line) for line in out.read_text().splitlines()]
    lanes = timeline(records, began, began + wall)
    pids = {int(r["timing"]["worker"].rsplit(":", 1)[1]) for r in records if "timing" in r}
    peaks = [sampler.peaks[p] for p in pids if p in sampler.peaks]
    decode = sum(r["timing"]["seconds"] for r in records if "timing" in r)
    return {"name": name, "workers": summary.workers, "wall": wall, "audio": summary.audio_seconds,
            "speed": summary.audio_seconds / wall, "decode_speed": summary.audio_seconds / decode,
            "cpu_per_audio": sampler.cpu_seconds / summary.audio_seconds, "sampler_cpu": sampler.own_cpu,
            "failed": summary.failed, "rss": sum(p[0] for p in peaks) / max(1, len(peaks)) / 1024,
            "pss": sum(p[1] for p in peaks) / max(1, len(peaks)) / 1024,
            "lanes": lanes, "records": [{k: v for k, v in r.items() if k != "timing"} for r in records]}


def timeline(records: list[dict], began: float, ended: float) -> list[dict]:
    """Per worker, from the records' task times (Unix start, seconds, CPU):
    ``startup`` (run start to its first task: pool and model start-up),
    ``busy`` (sum of task wall times), ``gaps`` (idle time between its first
    task's start and its last task's end), ``tail`` (its last task's end to
    the run's end), ``cpu`` (sum of task CPU times) and the task count."""
    by_worker: dict[str, list[tuple[float, float, float]]] = {}
    for r in records:
        t = r.get("timing")
        if t and "start" in t:
            by_worker.setdefault(t["worker"], []).append((t["start"], t["seconds"], t["cpu_seconds"]))
    lanes = []
    for worker, tasks in sorted(by_worker.items()):
        tasks.sort()
        first, last = tasks[0][0], max(s + d for s, d, _c in tasks)
        busy = sum(d for _s, d, _c in tasks)
        lanes.append({"worker": worker, "tasks": len(tasks), "startup": first - began, "busy": busy,
                      "gaps": last - first - busy, "tail": ended - last, "cpu": sum(c for _s, _d, c in tasks)})
    return lanes


def idle_cluster_cpu(seconds: float = 20.0) -> None:
    """CPU an idle LocalCluster of 2 workers uses, Dask's defaults against QUIET_CONFIG."""
    import logging

    from distributed import Client, LocalCluster

    from asr_engine.batch.cluster import local_cluster

    print(f"idle LocalCluster, 2 workers, {seconds:.0f} s; load average {os.getloadavg()[0]:.2f} at start")
    for name, start in (("Dask's defaults", lambda: LocalCluster(n_workers=2, threads_per_worker=1,
                                                                  processes=True, dashboard_address=None,
                                                                  silence_logs=logging.ERROR)),
                        ("asr_engine QUIET_CONFIG", lambda: local_cluster(2))):
        cluster = start()
        client = Client(cluster)
        time.sleep(3)  # let the workers settle
        pids = _descendants(os.getpid()) | {os.getpid()}
        before = {pid: _cpu(pid) for pid in pids}
        time.sleep(seconds)
        used = sum(_cpu(pid) - before[pid] for pid in pids)
        client.close()
        cluster.close()
        print(f"  {name:24s}: {used:.2f} CPU s in {seconds:.0f} s ({100 * used / seconds:.1f} % of one core)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=20.0, help="minutes of audio (default 20)")
    p.add_argument("--threads", action="store_true", help="also run 2 threads sharing one model")
    p.add_argument("--idle", action="store_true", help="only the CPU an idle LocalCluster uses")
    p.add_argument("--no-dask", action="store_true", help="only the local configurations (1 and 2 workers)")
    args = p.parse_args()
    if args.idle:
        idle_cluster_cpu()
        return 0
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        root = Path(tmp)
        files, total = make_corpus(root, args.minutes)
        print(f"{len(files)} files, {total / 60:.1f} min of dev audio; load average {load_before[0]:.2f} "
              f"{load_before[1]:.2f} {load_before[2]:.2f} at start", flush=True)
        configs = [("local, 1 worker (in-process)", dict(workers=1)),
                   ("local pool, 2 processes", dict(workers=2))]
        if not args.no_dask:
            configs.append(("dask LocalCluster 2x1", dict(executor="dask", workers=2)))
        if args.threads:
            configs.append(("threads, 2 sharing a model", dict(executor="threads", workers=2)))
        results = []
        for i, (name, kwargs) in enumerate(configs):
            r = run_config(name, files, root / f"out{i}.jsonl", **kwargs)
            results.append(r)
            print(f"  done: {name}: {r['wall']:.1f} s", flush=True)
    load_after = os.getloadavg()
    one, pool = results[0], results[1]
    print()
    print(f"{'configuration':32s} {'workers':>7s} {'wall s':>8s} {'x real time':>11s} {'per worker':>10s} "
          f"{'decode-only':>11s} {'vs 1 worker':>11s} {'vs pool':>8s} {'CPU s/audio s':>13s} {'RSS MB':>7s} {'PSS MB':>7s} {'failed':>6s}")
    for r in results:
        print(f"{r['name']:32s} {r['workers']:7d} {r['wall']:8.1f} {r['speed']:11.2f} {r['speed'] / r['workers']:10.2f} "
              f"{r['decode_speed']:11.2f} {r['speed'] / one['speed']:10.2f}x {r['speed'] / pool['speed']:7.2f}x "
              f"{r['cpu_per_audio']:13.4f} {r['rss']:7.0f} {r['pss']:7.0f} {r['failed']:6d}")
    print()
    print("task timeline per worker (s): start-up = run start to first task, gaps = idle between tasks, "
          "tail = last task's end to run end; task CPU / task wall = the share of a core the tasks got")
    for r in results:
        for lane in r["lanes"]:
            print(f"  {r['name']:32s} {lane['worker'].rsplit(':', 1)[1]:>7s} tasks {lane['tasks']:4d} "
                  f"start-up {lane['startup']:6.1f} busy {lane['busy']:7.1f} gaps {lane['gaps']:5.1f} "
                  f"tail {lane['tail']:5.1f} task CPU {lane['cpu']:7.1f} ({lane['cpu'] / max(lane['busy'], 1e-9):.2f})")
        cpu = sum(lane["cpu"] for lane in r["lanes"])
        print(f"  {r['name']:32s} task CPU per audio second {cpu / r['audio']:.4f}; "
              f"the memory sampler used {r['sampler_cpu']:.1f} CPU s")
    print()
    dask = results[2] if not args.no_dask else pool
    same = all(r["records"] == one["records"] for r in results[1:])
    print(f"records equal across configurations (timing aside): {same}")
    print(f"2 local workers vs 1: {pool['speed'] / one['speed']:.2f}x (target >= 1.8)")
    if not args.no_dask:
        print(f"dask 2x1 vs local pool: {dask['speed'] / pool['speed']:.2f}x (target >= 0.9)")
        print(f"CPU per audio second, dask 2x1 against the pool: {dask['cpu_per_audio'] / pool['cpu_per_audio']:.3f} "
              f"(on a machine with nothing else running, the throughput ratio is at most its inverse, "
              f"{pool['cpu_per_audio'] / dask['cpu_per_audio']:.2f}x)")
    print(f"memory per worker: peak RSS {pool['rss']:.0f} MB, PSS {pool['pss']:.0f} MB "
          f"({pool['rss'] - pool['pss']:.0f} MB of each worker's pages are shared with the other)")
    per_core = pool["speed"] / pool["workers"]
    need = 10_000 / 24  # hours of audio per hour of wall time
    print(f"per-core throughput: {per_core:.2f}x real time; 10,000 h of audio in 24 h needs "
          f"{need / per_core:.0f} single-threaded workers")
    print(f"load average at end: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
