"""Callback URLs of the asynchronous interface (§1.9): registration with
the service's check, and signed notifications.

``register`` sends ``GET {url}?challenge_string=...`` (``Accept:
text/plain``) and requires a 200 answer with the challenge as its body
within 5 seconds; with a ``user_secret`` the request carries
``X-Callback-Signature``, the HMAC of the challenge keyed by the secret.
Notifications are ``POST`` requests with a JSON body (``id``, ``event``,
``user_token``, and ``results`` for ``recognitions.completed_with_results``),
signed the same way over the body. The service's documents disagree on the
hash (SHA-1 in the SDK, SHA-256 in the async guide); we use HMAC-SHA256,
base64-encoded, as the current guide says. Notifications go out in order
from one sender thread, each tried three times.

Registrations are rows of the store's ``job_callbacks`` table, so they
survive a restart and every replica sharing the store honours them.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import queue
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from ..customization import schema
from ..errors import InvalidArgumentError, NotFoundError

logger = logging.getLogger("asr_engine.watson")

#: Seconds the callback URL has to answer the registration check.
CHALLENGE_TIMEOUT = 5.0
#: Seconds a notification POST may take.
NOTIFY_TIMEOUT = 5.0
NOTIFY_ATTEMPTS = 3


def signature(secret: Optional[str], payload: bytes) -> Optional[str]:
    """``X-Callback-Signature`` of ``payload``: base64 HMAC-SHA256 keyed by ``secret``."""
    if not secret:
        return None
    digest = hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def check_url(url: object) -> str:
    """An absolute http(s) URL, else 400."""
    if not isinstance(url, str) or not url:
        raise InvalidArgumentError("callback_url is required")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidArgumentError(f"The callback URL '{url}' is not a valid http or https URL.")
    return url


@dataclass
class Registration:
    url: str
    secret: Optional[str]
    customer_id: Optional[str]
    owner: str


C = schema.job_callbacks


class Callbacks:
    """Registered callback URLs per owner (in ``store``), and the notification sender."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._outbox: "queue.Queue[Optional[tuple[Registration, bytes]]]" = queue.Queue()
        self._sender: Optional[threading.Thread] = None

    def register(self, owner: str, url: object, secret: Optional[str] = None,
                 customer_id: Optional[str] = None) -> dict:
        """Allowlist ``url`` after the challenge check; ``RegisterStatus``."""
        url = check_url(url)
        if secret is not None and not isinstance(secret, str):
            raise InvalidArgumentError("user_secret must be a string")
        if self._row(owner, url) is not None:
            return {"status": "already created", "url": url}
        challenge = secrets.token_urlsafe(24)
        query = urllib.parse.urlencode({"challenge_string": challenge})
        request = urllib.request.Request(f"{url}{'&' if '?' in url else '?'}{query}", method="GET",
                                         headers={"Accept": "text/plain"})
        sig = signature(secret, challenge.encode("utf-8"))
        if sig:
            request.add_header("X-Callback-Signature", sig)
        try:
            with urllib.request.urlopen(request, timeout=CHALLENGE_TIMEOUT) as response:
                status, body = response.status, response.read(4096).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, body = exc.code, ""
        except (OSError, ValueError) as exc:
            raise InvalidArgumentError(f"The callback URL '{url}' could not be verified: the verification "
                                       f"request failed ({exc}).") from None
        if status != 200 or body.strip() != challenge:
            raise InvalidArgumentError(f"The callback URL '{url}' could not be verified: it must answer the "
                                       f"GET request with status 200 and the challenge_string as a text/plain "
                                       f"body (it answered {status}).")
        try:
            with self.store.transaction() as tx:
                tx.execute(insert(C).values(owner=owner, url=url, secret=secret, customer_id=customer_id,
                                            created=tx.now))
        except IntegrityError:  # registered meanwhile (another thread or replica)
            return {"status": "already created", "url": url}
        return {"status": "created", "url": url}

    def unregister(self, owner: str, url: object) -> None:
        url = check_url(url)
        with self.store.transaction() as tx:
            if tx.execute(delete(C).where(C.c.owner == owner, C.c.url == url)).rowcount != 1:
                raise NotFoundError(f"The callback URL '{url}' is not registered.")

    def _row(self, owner: str, url: str):
        with self.store.reading() as conn:
            return conn.execute(select(C).where(C.c.owner == owner, C.c.url == url)).first()

    def registration(self, owner: str, url: object) -> Registration:
        """The registration of ``url``; 400 if it is not allowlisted."""
        url = check_url(url)
        found = self._row(owner, url)
        if found is None:
            raise InvalidArgumentError(f"The callback URL '{url}' is not allowlisted; register it with "
                                       "register_callback first.")
        return Registration(found.url, found.secret, found.customer_id, found.owner)

    def notify(self, registration: Registration, body: dict) -> None:
        """Queue a signed POST of ``body`` to the callback URL."""
        with self._lock:
            if self._sender is None:
                self._sender = threading.Thread(target=self._send_loop, name="asr-callbacks", daemon=True)
                self._sender.start()
        self._outbox.put((registration, json.dumps(body).encode("utf-8")))

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until queued notifications are sent (or given up)."""
        end = time.monotonic() + timeout
        while self._outbox.unfinished_tasks and time.monotonic() < end:
            time.sleep(0.01)
        return not self._outbox.unfinished_tasks

    def _send_loop(self) -> None:
        while True:
            item = self._outbox.get()
            try:
                if item is None:
                    return
                registration, payload = item
                self._post(registration, payload)
            finally:
                self._outbox.task_done()

    def _post(self, registration: Registration, payload: bytes) -> None:
        headers = {"Content-Type": "application/json"}
        sig = signature(registration.secret, payload)
        if sig:
            headers["X-Callback-Signature"] = sig
        for attempt in range(NOTIFY_ATTEMPTS):
            request = urllib.request.Request(registration.url, data=payload, method="POST", headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=NOTIFY_TIMEOUT) as response:
                    if 200 <= response.status < 300:
                        return
            except (OSError, ValueError) as exc:
                logger.warning("callback to %s failed (attempt %d): %s", registration.url, attempt + 1, exc)
            time.sleep(0.2 * (attempt + 1))

    def close(self) -> None:
        if self._sender is not None:
            self._outbox.put(None)


__all__ = ["Callbacks", "Registration", "signature", "check_url", "CHALLENGE_TIMEOUT"]
