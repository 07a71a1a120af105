"""Who is calling: API keys and bearer tokens, with each service's semantics.

IBM: ``Authorization: Basic base64(apikey:KEY)`` or ``Bearer TOKEN`` (from
``POST /identity/token``); missing or wrong credentials are 401.
Azure: ``Ocp-Apim-Subscription-Key: KEY`` or ``Authorization: Bearer TOKEN``
(from ``POST /sts/v1.0/issueToken``); missing credentials are 403 and wrong
ones 401, as §5.2 says. Without configured keys (loopback only) every caller
is the instance ``default``.
"""
from __future__ import annotations

import base64
import binascii
from typing import Mapping, Optional

from ..errors import AsrError
from .config import ApiKeys
from .tokens import TokenSigner

#: The instance of unauthenticated callers when no keys are configured.
DEFAULT_INSTANCE = "default"

IBM, AZURE = "ibm", "azure"


class AuthError(AsrError):
    """401 or 403, with the service's wording."""

    default_code = 401


class Authenticator:
    def __init__(self, keys: ApiKeys, signer: TokenSigner) -> None:
        self.keys = keys
        self.signer = signer

    @property
    def open(self) -> bool:
        """True when no keys are configured (loopback development)."""
        return not self.keys

    def key_instance(self, key: Optional[str]) -> str:
        """The instance of an API key; 401 if unknown."""
        if self.open:
            return DEFAULT_INSTANCE
        instance = self.keys.instance(key or "")
        if instance is None:
            raise AuthError("Unauthorized", 401)
        return instance

    def ibm(self, headers: Mapping[str, str], query: Mapping[str, str]) -> str:
        """The instance of an IBM request (``access_token`` query for WebSockets)."""
        auth = headers.get("authorization", "")
        token = query.get("access_token")
        if not auth and token is None:
            if self.open:
                return DEFAULT_INSTANCE
            raise AuthError("Unauthorized", 401)
        scheme, _, value = auth.partition(" ")
        if token is not None and not auth:
            return self._bearer(token, IBM)
        if scheme.lower() == "basic":
            try:
                user, _, key = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise AuthError("Unauthorized", 401) from None
            if user != "apikey":
                raise AuthError("Unauthorized", 401)
            return self.key_instance(key)
        if scheme.lower() == "bearer":
            return self._bearer(value.strip(), IBM)
        raise AuthError("Unauthorized", 401)

    def azure(self, headers: Mapping[str, str]) -> str:
        key = headers.get("ocp-apim-subscription-key")
        auth = headers.get("authorization", "")
        if key is None and not auth:
            if self.open:
                return DEFAULT_INSTANCE
            raise AuthError("Forbidden: the subscription key or authorization token is missing", 403)
        if key is not None:
            return self.key_instance(key)
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthError("Unauthorized: the authorization header must be 'Bearer TOKEN'", 401)
        return self._bearer(value.strip(), AZURE)

    def _bearer(self, token: str, audience: str) -> str:
        instance = self.signer.verify(token, audience)
        if instance is None:
            raise AuthError("Unauthorized", 401)
        if not self.open and instance not in self.keys.instances():
            raise AuthError("Unauthorized", 401)  # its key was withdrawn
        return instance
