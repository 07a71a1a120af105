"""Audio resources of custom acoustic models (§3.1, §3.2).

``add_audio`` takes one audio file of any type of §1.4 (not
``application/octet-stream``: the service wants the type named) or a
``.zip`` / ``.tar.gz`` archive of them (``application/zip`` /
``application/gzip``, with ``Contained-Content-Type`` for headerless
members). The request is checked at once: media types (415 for unknown
ones), the 100 MB size limit (413), and an archive is read completely by
:mod:`.archives`, which refuses unsafe ones (400) before anything is
stored. The analysis then runs in the background (status
``being_processed``): every file is decoded to learn its duration, codec and
sampling rate, and its seconds of speech are counted by the base model's
speech detector (kept with the resource, for training's 10-minute rule,
which counts speech, not silence); audio below the base model's rate, or that cannot be decoded,
is ``invalid``, and so is an archive with any invalid member.
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from sqlalchemy import select

from ..audio import load_audio
from ..audio.content_type import parse_content_type
from ..errors import AsrError, InvalidArgumentError, UnsupportedMediaTypeError
from . import am_state, schema
from .archives import ArchiveLimits, archive_compression, iter_members, scan_archive
from .resources import ResourcesMixin, read_upload, record_analysis
from .store import JobContext, Transaction

_WAV_CODECS = {"pcm8": "pcm_u8", "pcm16": "pcm_s16le", "pcm24": "pcm_s24le", "pcm32": "pcm_s32le",
               "float32": "pcm_f32le", "float64": "pcm_f64le", "mulaw": "pcm_mulaw", "alaw": "pcm_alaw"}
#: Types whose files carry no header: an archive of them needs Contained-Content-Type.
HEADERLESS = ("audio/alaw", "audio/basic", "audio/l16", "audio/mulaw")


def codec_name(encoding: str, data: bytes, content_type: Optional[str]) -> str:
    """The codec as the service names it (FFmpeg's names, e.g. ``pcm_s16le``)."""
    if encoding.startswith("wav/"):
        return _WAV_CODECS.get(encoding[4:], encoding[4:])
    if encoding == "l16":
        big = "big-endian" in (content_type or "").lower()
        return "pcm_s16be" if big else "pcm_s16le"
    if encoding in ("mulaw", "alaw"):
        return f"pcm_{encoding}"
    if encoding == "ogg":
        return "opus" if b"OpusHead" in data[:512] else "vorbis"
    return encoding.split("/")[0]


def below_rate_text(rate: int, minimum: int, model: str) -> str:
    return (f"This {rate}hz audio input requires a narrow band model." if minimum > 8000 and rate >= 8000
            else f"The audio is sampled at {rate} Hz, below the {minimum} Hz that {model} needs.")


def speech_seconds(audio, recognizer) -> float:
    """Seconds of speech in ``audio`` (an :class:`~asr_engine.audio.Audio`)
    by the speech detector on the base model's features: what the 10-minute
    training rule counts. Cheap (features and a few Gaussians per frame, no
    decoding): about 1 % of the audio's duration."""
    from ..audio import resample
    from ..frontend import compute_features
    from ..recognition_reports import speech_frames

    samples = np.ascontiguousarray(resample(audio.samples, audio.sample_rate, recognizer.sample_rate), np.float32)
    feats = compute_features(samples, recognizer.frontend_options, recognizer.feature_options)
    return float(np.count_nonzero(speech_frames(feats, recognizer.acoustic_model))) / float(recognizer.frame_rate)


def analyze_file(data: bytes, content_type: Optional[str], min_rate: int, model: str,
                 recognizer=None) -> dict:
    """``{"duration", "speech", "details", "status", "error"?}`` of one audio
    file; ``speech`` (seconds, see :func:`speech_seconds`) when a valid file
    and the base model's ``recognizer`` are given."""
    try:
        audio = load_audio(data, content_type, sample_rate=None, max_bytes=None)
    except AsrError as e:
        return {"duration": 0.0, "speech": 0.0, "details": {"type": "undetermined"}, "status": "invalid",
                "error": f"The audio cannot be decoded: {e.message}"}
    details = {"codec": codec_name(audio.encoding, data, content_type), "type": "audio",
               "frequency": int(audio.original_rate)}
    out = {"duration": float(audio.duration), "details": details, "status": "ok"}
    if audio.original_rate < min_rate:
        out.update(status="invalid", error=below_rate_text(audio.original_rate, min_rate, model), speech=0.0)
    elif recognizer is not None:
        out["speech"] = round(speech_seconds(audio, recognizer), 3)
    return out


def check_audio_types(content_type, contained_content_type) -> Optional[str]:
    """Check the request's media types; returns the archive compression
    (``zip`` / ``gzip``) or None for an audio-type resource."""
    if content_type is None or not str(content_type).strip() \
            or str(content_type).split(";")[0].strip().lower() == "application/octet-stream":
        raise UnsupportedMediaTypeError(
            "The Content-Type of an audio resource must name its format (an audio type such as audio/wav, "
            "or application/zip / application/gzip for an archive); application/octet-stream is not "
            "accepted for audio resources.")
    if not isinstance(content_type, str):
        raise InvalidArgumentError("content_type must be a string")
    compression = archive_compression(content_type)
    if compression is None:
        if contained_content_type is not None:
            raise InvalidArgumentError(
                "Contained-Content-Type is only for archive-type resources (application/zip, application/gzip); "
                "do not use it when adding an audio file.")
        parse_content_type(content_type)
        return None
    if contained_content_type is not None:
        if not isinstance(contained_content_type, str):
            raise InvalidArgumentError("contained_content_type must be a string")
        if archive_compression(contained_content_type) is not None or \
                contained_content_type.split(";")[0].strip().lower() == "application/octet-stream":
            raise UnsupportedMediaTypeError(
                f"Contained-Content-Type '{contained_content_type}' is not an audio type.")
        parse_content_type(contained_content_type)
    return compression


class AudioMixin(ResourcesMixin):
    """``list_audio``, ``add_audio``, ``get_audio``, ``delete_audio``."""

    def _archive_limits(self) -> ArchiveLimits:
        size = self.store.max_resource_bytes
        return ArchiveLimits(member_bytes=size, total_bytes=4 * size)

    def list_audio(self, owner: str, customization_id: str) -> dict:
        """``AudioResources``: every resource, and the minutes of valid audio."""
        rows = self._resources(owner, customization_id, "audio")
        seconds = sum(float((r.details or {}).get("duration", 0.0)) for r in rows if r.status == "ok")
        return {"total_minutes_of_audio": round(seconds / 60.0, 2), "audio": [am_state.audio_json(r) for r in rows]}

    def get_audio(self, owner: str, customization_id: str, audio_name: str) -> dict:
        """``AudioListing``: the audio resource, or an archive and its members."""
        return am_state.listing_json(self._resource(owner, customization_id, "audio", audio_name))

    def delete_audio(self, owner: str, customization_id: str, audio_name: str) -> dict:
        """Delete an audio resource (a whole archive: members cannot be deleted alone)."""
        return self._remove_resource(owner, customization_id, "audio", audio_name)

    def add_audio(self, owner: str, customization_id: str, audio_name: str, audio_resource, *,
                  content_type: Optional[str] = None, contained_content_type: Optional[str] = None,
                  allow_overwrite: bool = False, customer_id: Optional[str] = None) -> dict:
        """Add (or with ``allow_overwrite`` replace) an audio file or archive; 201 ``{}``."""
        compression = check_audio_types(content_type, contained_content_type)
        raw = read_upload(audio_resource, self.store.max_resource_bytes)
        if not raw:
            raise InvalidArgumentError("The audio resource is empty (0 bytes).")
        if compression is not None:
            scan_archive(raw, compression, self._archive_limits())
        details = {"archive": compression, "contained_content_type": contained_content_type} if compression else {}
        return self._add_resource(owner, customization_id, "audio", audio_name, raw,
                                  allow_overwrite=bool(allow_overwrite), customer_id=customer_id,
                                  content_type=content_type, analyze=self._analyze_audio, failed=_audio_failed,
                                  details=details)

    def _analyze_audio(self, ctx: JobContext, resource_id: str) -> None:
        with self.store.reading() as conn:
            model = conn.execute(select(schema.models).where(schema.models.c.id == ctx.model_id)).first()
            res = conn.execute(select(schema.resources).where(schema.resources.c.id == resource_id)).first()
        base = self._base(model)
        recognizer = base.recognizer()  # its speech detector counts the speech (no decoding)
        raw = self._read_source(resource_id)
        info = dict(res.details or {})
        compression = info.get("archive")
        if compression:
            members = []
            for name, data in iter_members(raw, compression, self._archive_limits()):
                m = analyze_file(data, info.get("contained_content_type"), base.rate, base.name, recognizer)
                members.append(dict(m, name=name))
            ok = bool(members) and all(m["status"] == "ok" for m in members)
            info.update(duration=sum(m["duration"] for m in members), members=members,
                        speech=sum(m.get("speech", 0.0) for m in members),
                        details={"type": "archive", "compression": compression})
            status = "ok" if ok else "invalid"
            bad = [m["name"] for m in members if m["status"] != "ok"]
            error = None if ok else "Invalid members: " + ", ".join(
                f"{m['name']} ({m.get('error', 'invalid')})" for m in members if m["name"] in bad)
        else:
            m = analyze_file(raw, res.content_type, base.rate, base.name, recognizer)
            info.update(duration=m["duration"], speech=m.get("speech", 0.0), details=m["details"])
            status, error = m["status"], m.get("error")
        with ctx.finish() as tx:
            if tx.execute(select(schema.resources.c.id).where(schema.resources.c.id == resource_id)).first():
                record_analysis(tx, resource_id, status, details=info, error=error)
            am_state.settle(tx, ctx.model_id, dirty=True, failed=False)


def _audio_failed(tx: Transaction, res, exc: BaseException) -> None:
    detail = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    info = dict(res.details or {}, details={"type": "undetermined"})
    record_analysis(tx, res.id, "invalid", details=info, error=f"Analysis of the audio failed: {detail}")
    am_state.settle(tx, res.model_id)


__all__ = ["AudioMixin", "analyze_file", "check_audio_types", "codec_name", "below_rate_text", "HEADERLESS",
           "speech_seconds"]
