"""Validation of the names and ids users give the customization API.

Names never become paths (blobs are stored under generated names), but the
services' rules are kept so that what works here works there too: no
characters that need URL encoding in resource and word names, none of
``\\ / : = & ?`` in model names, no ``..``, reserved names refused.
"""
from __future__ import annotations

import uuid

from ..errors import InvalidArgumentError

_MODEL_NAME_BAD = set('\\/:=&?')
#: Characters refused in corpus, grammar, audio and word names.
_RESOURCE_NAME_BAD = set('\\/:=&?#%"<>|{}^`[]')
RESERVED_RESOURCE_NAMES = frozenset({"user", "base_lm", "default_lm"})


def _control(ch: str) -> bool:
    return ord(ch) < 32 or ord(ch) == 127


def check_guid(value, what: str = "customization_id") -> str:
    """A customization id: a canonical UUID string, else 400 ``Malformed GUID``."""
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f"{what} is required")
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise InvalidArgumentError(f"Malformed GUID: '{value}'") from None
    if str(parsed) != value.lower() or len(value) != 36:
        raise InvalidArgumentError(f"Malformed GUID: '{value}'")
    return value.lower()


def check_model_name(name) -> str:
    """A custom model name: 1-256 characters, none of ``\\ / : = & ?``, no ``..``."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgumentError("The name of the custom model is required.")
    if len(name) > 256:
        raise InvalidArgumentError("The name of the custom model may not be longer than 256 characters.")
    if any(c in _MODEL_NAME_BAD or _control(c) for c in name) or ".." in name:
        raise InvalidArgumentError(
            f"The name '{name}' is not valid: it may not contain the characters \\ / : = & ? "
            "or control characters, nor '..'.")
    return name


def check_description(description) -> str:
    if description is None:
        return ""
    if not isinstance(description, str):
        raise InvalidArgumentError("The description must be a string.")
    if len(description) > 128:
        raise InvalidArgumentError("The description may not be longer than 128 characters.")
    return description


def check_resource_name(name, kind: str) -> str:
    """A corpus / grammar / audio resource name (``kind`` says which, for messages)."""
    if not isinstance(name, str) or not name:
        raise InvalidArgumentError(f"The {kind} name is required.")
    if len(name) > 128:
        raise InvalidArgumentError(f"The {kind} name '{name}' is longer than 128 characters.")
    if name in RESERVED_RESOURCE_NAMES:
        raise InvalidArgumentError(
            f"The {kind} name '{name}' is reserved; 'user', 'base_lm' and 'default_lm' cannot be used.")
    if any(c in _RESOURCE_NAME_BAD or c.isspace() or _control(c) for c in name) or ".." in name:
        raise InvalidArgumentError(
            f"The {kind} name '{name}' is not valid: it may not contain spaces, control characters, "
            "characters that need URL encoding (\\ / : = & ? # % and similar) or '..'.")
    return name


def check_word(word, what: str = "word") -> str:
    """A custom word: 1-256 characters, no spaces, no URL-encoding characters."""
    if not isinstance(word, str) or not word:
        raise InvalidArgumentError(f"The {what} is required.")
    if len(word) > 256:
        raise InvalidArgumentError(f"The {what} '{word}' is longer than 256 characters.")
    if any(c in _RESOURCE_NAME_BAD or c.isspace() or _control(c) for c in word) or ".." in word:
        raise InvalidArgumentError(
            f"The {what} '{word}' is not valid: it may not contain spaces (join the parts of a compound "
            "with '-' or '_'), control characters, characters that need URL encoding or '..'.")
    return word


__all__ = ["check_guid", "check_model_name", "check_description", "check_resource_name", "check_word",
           "RESERVED_RESOURCE_NAMES"]
