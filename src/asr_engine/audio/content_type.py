"""Audio MIME types as the cloud services spell them.

``audio/l16;rate=16000;channels=1;endianness=little-endian`` and friends: a
media type plus ``;name=value`` parameters. Headerless encodings (L16,
mu-law, A-law, ``audio/basic``) need the parameters; containers (WAV, FLAC,
Ogg, MP3, WebM) describe themselves.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import AudioError, UnsupportedMediaTypeError

#: Media types that carry their own header, mapped to the container name.
CONTAINER_TYPES = {
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/vnd.wave": "wav",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/mp3": "mp3",
    "audio/mpeg": "mp3",
    "audio/mpeg3": "mp3",
    "audio/x-mpeg-3": "mp3",
    "audio/webm": "webm",
    "audio/basic": "basic",
}

#: Headerless sample encodings.
RAW_TYPES = {"audio/l16": "l16", "audio/mulaw": "mulaw", "audio/alaw": "alaw"}

#: Types that mean "detect the format from the bytes".
AUTO_TYPES = {"", "application/octet-stream", "audio/*"}


@dataclass(frozen=True)
class ContentType:
    """A parsed audio content type."""

    media_type: str
    params: dict = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """``wav``, ``flac``, ``ogg``, ``mp3``, ``webm``, ``basic``, ``l16``,
        ``mulaw``, ``alaw`` or ``auto``."""
        if self.media_type in AUTO_TYPES:
            return "auto"
        if self.media_type in RAW_TYPES:
            return RAW_TYPES[self.media_type]
        return CONTAINER_TYPES[self.media_type]

    def int_param(self, name: str, default: int | None = None, *, low: int = 1, high: int = 10**9) -> int | None:
        """An integer parameter, checked against ``[low, high]``."""
        if name not in self.params:
            return default
        text = self.params[name]
        try:
            value = int(text)
        except ValueError:
            raise AudioError(f"parameter {name}={text!r} of {self.media_type} must be an integer") from None
        if not low <= value <= high:
            raise AudioError(f"parameter {name}={value} of {self.media_type} is outside {low}-{high}")
        return value


def parse_content_type(text: str | None) -> ContentType:
    """Parse ``type/subtype;name=value;...``.

    Raises:
        UnsupportedMediaTypeError: the type is not an audio type the engine knows (415).
        AudioError: a parameter is malformed (400).
    """
    if text is None:
        return ContentType("")
    if not isinstance(text, str):
        raise AudioError(f"content type must be a string, got {type(text).__name__}")
    parts = [p.strip() for p in text.split(";")]
    media_type = parts[0].lower()
    params: dict[str, str] = {}
    for part in parts[1:]:
        if not part:
            continue
        if "=" not in part:
            raise AudioError(f"malformed parameter {part!r} in content type {text!r}")
        name, value = part.split("=", 1)
        params[name.strip().lower()] = value.strip().strip('"').lower()
    known = media_type in AUTO_TYPES or media_type in RAW_TYPES or media_type in CONTAINER_TYPES
    if not known:
        raise UnsupportedMediaTypeError(
            f"unsupported content type {media_type!r}; supported: "
            + ", ".join(sorted(set(RAW_TYPES) | set(CONTAINER_TYPES)))
        )
    return ContentType(media_type, params)
