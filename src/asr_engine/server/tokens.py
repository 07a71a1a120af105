"""Bearer tokens: compact JWTs signed with HMAC-SHA256.

Both services hand out short-lived bearer tokens for an API key (IBM's IAM
``/identity/token``, Azure's ``/sts/v1.0/issueToken``). Ours are JWTs, as
theirs are, because clients look inside them: the IBM SDK's token manager
reads ``exp`` and ``iat`` to know when to refresh.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Optional


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class TokenSigner:
    """Issues and checks tokens naming an instance, valid for ``lifetime`` s."""

    def __init__(self, secret: bytes, lifetime: float = 600.0) -> None:
        if len(secret) < 16:
            raise ValueError("token secret must have at least 16 bytes")
        self._secret = hashlib.sha256(b"asr-engine-token\0" + secret).digest()
        self.lifetime = float(lifetime)

    def issue(self, instance: str, audience: str, now: Optional[float] = None) -> tuple[str, int]:
        """(token, expiry as epoch seconds)."""
        now = time.time() if now is None else now
        exp = int(now + self.lifetime)
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        claims = {"sub": instance, "aud": audience, "iat": int(now), "exp": exp}
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{header}.{payload}".encode("ascii")
        sig = _b64(hmac.new(self._secret, signing_input, hashlib.sha256).digest())
        return f"{header}.{payload}.{sig}", exp

    def verify(self, token: str, audience: str, now: Optional[float] = None) -> Optional[str]:
        """The token's instance, or None if it is malformed, forged, for
        another audience, or expired."""
        parts = token.split(".")
        if len(parts) != 3 or len(token) > 4096:
            return None
        expected = hmac.new(self._secret, f"{parts[0]}.{parts[1]}".encode("ascii", "replace"),
                            hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(_unb64(parts[2]), expected):
                return None
            claims = json.loads(_unb64(parts[1]))
        except (ValueError, TypeError):
            return None
        if not isinstance(claims, dict) or claims.get("aud") != audience:
            return None
        exp, sub = claims.get("exp"), claims.get("sub")
        if not isinstance(exp, int) or not isinstance(sub, str):
            return None
        now = time.time() if now is None else now
        return sub if now < exp else None
