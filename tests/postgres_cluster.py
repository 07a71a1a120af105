"""A throw-away PostgreSQL cluster for tests (Debian's ``postgresql``
package, which ``.ci/run`` installs): initdb in a temporary directory, a
server on a free port and a private socket directory, stopped afterwards."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

from server_process import free_port


def pg_bin() -> Optional[Path]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    """Started on construction; ``url`` is its SQLAlchemy URL; ``stop()`` ends it."""

    def __init__(self) -> None:
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bindir = bindir
        # Its own directory under /tmp: the cluster's user must reach it, and
        # pytest's temporary directories are private to root.
        root = Path(tempfile.mkdtemp(prefix="asr-pg-"))
        os.chmod(root, 0o755)
        self.root = root
        self.data = root / "data"
        self.sock = root / "sock"
        self.port = free_port()
        root.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        # initdb refuses to run as root: run the cluster as the package's user.
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        if os.geteuid() == 0:
            uid = pwd.getpwnam(self.user)
            for p in (root, self.sock):
                os.chown(p, uid.pw_uid, uid.pw_gid)
        self._run(["initdb", "-D", str(self.data), "-A", "trust", "-U", "asr", "--no-sync", "-E", "UTF8"])
        self._run(["pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-l", str(root / "server.log"), "-o",
                   f"-p {self.port} -k {self.sock} -c listen_addresses='' -c fsync=off", "start"])
        self.url = f"postgresql+psycopg://asr@/postgres?host={self.sock}&port={self.port}"

    def _run(self, cmd: list[str]) -> None:
        full = [str(self.bindir / cmd[0]), *cmd[1:]]
        if os.geteuid() == 0:
            full = ["runuser", "-u", self.user, "--", *full]
        out = subprocess.run(full, capture_output=True, text=True, timeout=120, cwd="/")
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:2])} failed: {out.stdout}{out.stderr}")

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url.replace("/postgres?", f"/{name}?")

    def stop(self) -> None:
        try:
            self._run(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop"])
        finally:
            time.sleep(0.1)
            shutil.rmtree(self.root, ignore_errors=True)
