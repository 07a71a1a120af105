"""IBM numeric redaction: each run of three or more digits becomes ``X``s.

"The feature redacts any number that has three or more consecutive digits by
replacing each digit with an X character" (IBM, *Numeric redaction*).  It
runs after smart formatting, so ``four one four seven two`` is first written
``41472`` and then ``XXXXX``; a phone number ``914-237-1000`` becomes
``XXX-XXX-XXXX``.  Runs of one or two digits stay (``$5``, ``12/9/XXXX``):
the documentation speaks of consecutive digits, and we read it literally.
"""
from __future__ import annotations

import re

from ..errors import InvalidArgumentError

_RUN = re.compile(r"\d{3,}")


def redact(text: str) -> str:
    """``text`` with every digit of each run of three or more digits as ``X``."""
    if not isinstance(text, str):
        raise InvalidArgumentError(f"text to redact must be a str, not {type(text).__name__}")
    return _RUN.sub(lambda m: "X" * len(m.group(0)), text)
