"""Server configuration: where the store is, who may call, and the limits."""
from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from ..errors import InvalidArgumentError

#: Environment variable with ``KEY1=instance1,KEY2=instance2``.
KEYS_ENV = "ASR_ENGINE_API_KEYS"

_INSTANCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class ApiKeys:
    """API keys, each mapped to the service instance (owner) it acts for.

    An instance owns the custom models, jobs and callbacks created with its
    keys; another instance never sees them.
    """

    def __init__(self, keys: Optional[Mapping[str, str]] = None) -> None:
        self._keys: dict[str, str] = {}
        for key, instance in (keys or {}).items():
            self.add(key, instance)

    def add(self, key: str, instance: str) -> None:
        key, instance = key.strip(), instance.strip()
        if len(key) < 8 or any(c.isspace() or c in ",=" for c in key):
            raise InvalidArgumentError("an API key must have at least 8 characters and no white space, ',' or '='")
        if not _INSTANCE.match(instance):
            raise InvalidArgumentError(f"instance name {instance!r} must be 1-64 letters, digits, '.', '_' or '-'")
        self._keys[key] = instance

    def instance(self, key: str) -> Optional[str]:
        """The instance of ``key``, or None for an unknown key."""
        return self._keys.get(key)

    def instances(self) -> set[str]:
        """The instances the keys act for."""
        return set(self._keys.values())

    def __len__(self) -> int:
        return len(self._keys)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def fingerprint(self) -> bytes:
        """Bytes that replicas sharing the same keys share (for token signing)."""
        return "\n".join(f"{k}={v}" for k, v in sorted(self._keys.items())).encode()

    @classmethod
    def parse(cls, text: str, *, separator: str = ",", source: str = "keys") -> "ApiKeys":
        """``KEY=instance`` entries split by ``separator`` (``#`` starts a comment)."""
        keys = cls()
        for n, raw in enumerate(text.split(separator), 1):
            entry = raw.split("#", 1)[0].strip()
            if not entry:
                continue
            key, eq, instance = entry.partition("=")
            if not eq:
                raise InvalidArgumentError(f"{source}: entry {n} must have the form KEY=instance")
            keys.add(key, instance)
        return keys

    @classmethod
    def from_file(cls, path: "str | os.PathLike[str]") -> "ApiKeys":
        """One ``KEY=instance`` per line."""
        from ..limits import read_file

        data = read_file(path, max_bytes=1 << 20, what="keys file")
        return cls.parse(data.decode("utf-8", "replace"), separator="\n", source=str(path))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> "ApiKeys":
        return cls.parse(environ.get(KEYS_ENV, ""), source=KEYS_ENV)


@dataclass
class ServerConfig:
    """What ``asr-engine serve`` is given."""

    #: Address to bind; anything but loopback needs at least one API key.
    host: str = "127.0.0.1"
    #: TCP port.
    port: int = 8080
    #: Store directory (metadata and blobs); default ``$ASR_ENGINE_HOME``.
    store: Optional[Path] = None
    #: SQLAlchemy URL of a shared database (PostgreSQL for several replicas).
    database_url: Optional[str] = None
    #: Minutes of speech a custom acoustic model needs before training (the
    #: service's 10; lower only for trials and tests).
    min_acoustic_minutes: float = 10.0
    #: Keys and their instances; empty = unauthenticated, loopback only.
    keys: ApiKeys = field(default_factory=ApiKeys)
    #: Recognitions run at once (threads sharing the recognizers).
    workers: int = 2
    #: Recognitions that may wait for a worker before new ones get 503.
    queue: int = 16
    #: Largest request body (the services' 100 MB).
    max_body_bytes: int = 100 * 1024 * 1024
    #: Largest asynchronous job body (the service's 1 GB).
    max_job_bytes: int = 1024 * 1024 * 1024
    #: WebSocket recognitions open at once (further connections get 1013).
    max_streams: int = 32
    #: Smallest recognition body (the service's 100 bytes).
    min_audio_bytes: int = 100
    #: Seconds a streaming upload may run slower than 15 s of audio per 30 s.
    session_window_seconds: float = 30.0
    #: Seconds between the keep-alive spaces of a long HTTP recognition.
    keepalive_seconds: float = 20.0
    #: Lifetime of bearer tokens (IAM-style and Azure ``issueToken``).
    token_seconds: float = 600.0
    #: Secret that signs tokens; default derived from the keys, so replicas
    #: with the same keys accept each other's tokens.
    token_secret: Optional[bytes] = None

    def check(self) -> None:
        """Refuse configurations that would expose the engine."""
        if not (1 <= int(self.port) <= 65535) and self.port != 0:
            raise InvalidArgumentError(f"port {self.port} is not a TCP port")
        if self.workers < 1 or self.queue < 0:
            raise InvalidArgumentError("workers must be >= 1 and queue >= 0")
        if not self.keys and not is_loopback(self.host):
            raise InvalidArgumentError(
                f"refusing to listen on {self.host} without API keys: give --keys FILE or set {KEYS_ENV}")


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
