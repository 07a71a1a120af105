"""Memory snapshots of a server under ``bench_server_load.py --trace-memory DIR``.

Python imports ``sitecustomize`` at start-up from its path; the bench puts
this directory on the server's ``PYTHONPATH`` with ``ASR_ENGINE_TRACE_MEMORY``
set to a directory. Then the process traces its Python allocations
(``tracemalloc``, 8 frames: numpy arrays are traced, the C++ core's own
allocations are not) and writes ``minute_N.snapshot`` every 60 s, plus its
``/proc/self/smaps_rollup`` as ``minute_N.smaps``. Without the variable it
does nothing. Tracing slows the process (figures of a traced run are not
the server's speed)."""
import os

_DIR = os.environ.get("ASR_ENGINE_TRACE_MEMORY")
if _DIR:
    import threading
    import time
    import tracemalloc

    tracemalloc.start(8)

    def _dump() -> None:
        start = time.monotonic()
        minute = 0
        while True:
            minute += 1
            time.sleep(max(0.0, start + 60 * minute - time.monotonic()))
            snap = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, "<frozen*")])
            snap.dump(os.path.join(_DIR, f"minute_{minute}.snapshot"))
            try:
                with open("/proc/self/smaps_rollup") as src, \
                        open(os.path.join(_DIR, f"minute_{minute}.smaps"), "w") as out:
                    out.write(src.read())
            except OSError:
                pass

    threading.Thread(target=_dump, name="trace-memory", daemon=True).start()
