"""``asr-engine serve``: the application under uvicorn."""
from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from .config import KEYS_ENV, ApiKeys, ServerConfig


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; others need keys)")
    p.add_argument("--port", type=int, default=8080, help="TCP port (default 8080)")
    p.add_argument("--store", default=None, help="store directory (default $ASR_ENGINE_HOME)")
    p.add_argument("--database-url", default=None,
                   help="shared database, e.g. postgresql+psycopg://user@host/db (default: SQLite in --store)")
    p.add_argument("--keys", default=None, metavar="FILE",
                   help=f"API keys, one KEY=instance a line (default: ${KEYS_ENV})")
    p.add_argument("--workers", type=int, default=2, help="recognitions at once (default 2)")
    p.add_argument("--queue", type=int, default=16, help="recognitions that may wait (default 16)")
    p.add_argument("--session-window", type=float, default=30.0, metavar="SECONDS",
                   help="uploads must bring 15 s of audio per this many seconds, half of it (default 30)")
    p.add_argument("--keepalive", type=float, default=20.0, metavar="SECONDS",
                   help="a space is sent this often while a long HTTP recognition runs (default 20)")
    p.add_argument("--min-acoustic-minutes", type=float, default=10.0, metavar="MINUTES",
                   help="speech a custom acoustic model needs before training (default: the service's 10)")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])


def config_from(args: argparse.Namespace) -> ServerConfig:
    keys = ApiKeys.from_file(args.keys) if args.keys else ApiKeys.from_environment()
    return ServerConfig(host=args.host, port=args.port, store=Path(args.store) if args.store else None,
                        database_url=args.database_url or os.environ.get("ASR_ENGINE_DATABASE_URL"),
                        keys=keys, workers=args.workers, queue=args.queue,
                        session_window_seconds=args.session_window, keepalive_seconds=args.keepalive,
                        min_acoustic_minutes=args.min_acoustic_minutes)


def serve(args: argparse.Namespace) -> int:
    """Run the server until SIGINT/SIGTERM; in-flight requests finish first."""
    try:
        import uvicorn
    except ImportError:
        from ..errors import AsrError

        raise AsrError('the server needs its extra: pip install "asr_engine[server]"', 500) from None
    from .app import create_app

    config = config_from(args)
    config.check()
    _few_malloc_arenas()
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    app = create_app(config)
    uvicorn.run(app, host=config.host, port=config.port, log_level=args.log_level, access_log=False,
                timeout_graceful_shutdown=60, ws_max_size=4 * 1024 * 1024, lifespan="on")
    return 0


#: glibc's ``M_ARENA_MAX`` option of ``mallopt``.
_M_ARENA_MAX = -8


def _few_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas (by default up to 8 a core, one taken by
    each thread that allocates): freed audio, features and lattices stay
    cached in every thread's arena, so a loaded server's RSS grows with the
    number of threads that ever decoded. Elsewhere than glibc: nothing."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, int(arenas))
    except (OSError, AttributeError):
        pass
