"""A real server process for tests: ``asr-engine serve`` on a free port."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import asr_engine

PACKAGE_ROOT = str(Path(asr_engine.__file__).resolve().parent.parent)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """Starts ``python -m asr_engine serve`` and waits until it is ready."""

    def __init__(self, store: Path, keys: Optional[str] = None, *, database_url: Optional[str] = None,
                 args: tuple = (), env: Optional[dict] = None, port: Optional[int] = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "asr_engine", "serve", "--port", str(self.port), "--store", str(store),
               "--log-level", "warning", *args]
        if database_url:
            cmd += ["--database-url", database_url]
        full_env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT, **(env or {})}
        if keys is not None:
            full_env["ASR_ENGINE_API_KEYS"] = keys
        self.log = open(store.parent / f"server-{self.port}.log", "wb")
        self.proc = subprocess.Popen(cmd, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 90.0) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.output()}")
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not ready in {timeout} s: {self.output()}")

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode
