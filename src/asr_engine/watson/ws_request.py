"""One start..stop request of the WebSocket ``/v1/recognize`` session (§1.7).

The request's audio goes through the engine's :class:`~asr_engine.Stream`
as it arrives, where the audio can be decoded chunk by chunk (``audio/l16``,
``audio/mulaw``, ``audio/alaw``, PCM ``audio/wav`` once its header is in):
each phrase's final result comes out when the phrase ends and is never
decoded again; ``stop`` only flushes the last phrase. The stream's
``inactivity_timeout`` (seconds of audio without speech) raises
:class:`~asr_engine.errors.SpeechTimeoutError` from :meth:`Request.accept`.

Audio metrics and speaker labels describe the whole audio, so those
requests also keep their audio and add them at ``stop`` to the stream's
phrases, exactly as :meth:`SpeechToText.recognize` adds them to the same
phrases (a one-shot request is decoded phrase by phrase as a stream is, see
:data:`.recognition.PHRASE_DECODING`); a custom acoustic model scores the
stream itself. Only compressed containers, which cannot be decoded in
pieces, keep their audio and are recognized once at ``stop``.
"""
from __future__ import annotations

import struct
from typing import Any, Optional

from ..customization.audio import below_rate_text
from ..errors import AudioError, PayloadTooLargeError, SpeechTimeoutError, detached
from ..frontend import compute_features
from ..recognition_reports import add_reports
from ..limits import MAX_AUDIO_BYTES
from .parameters import RecognizeParameters
from .recognition import MIN_AUDIO_BYTES, TOO_LARGE_TEXT, RecognitionTarget, decode_request_audio
from .result_json import result_json, results_json

#: Seconds of new audio gathered before each ``Stream.accept``: each accept
#: builds a whole interim result, which per 1024-byte frame (32 ms) would
#: cost more than decoding the audio itself.
INTERIM_INTERVAL = 0.25
#: Bytes of a WAV head searched for its ``data`` chunk before giving up on it.
MAX_WAV_HEAD = 65536


class Request:
    """The audio and decoding of one start..stop request."""

    def __init__(self, params: RecognizeParameters, target: RecognitionTarget, content_type: Optional[str]):
        self.params = params
        self.target = target
        self.content_type = content_type
        self.received = 0
        #: Audio kept for a one-shot recognition at stop (while the stream
        #: is not open, or when it cannot be), or for the audio metrics and
        #: speaker labels, which describe the whole audio.
        self.audio = bytearray()
        self._last = ""
        self._emitted = 0  # final entries already sent (interim mode)
        self._taken = 0  # phrases of the stream already turned into finals
        #: The stream's inactivity timeout, once it came: the session sends
        #: the finals it finished, then the error, and closes.
        self.timed_out: Optional[SpeechTimeoutError] = None
        #: Audio metrics or speaker labels are added at stop, over the kept audio.
        self.reports = bool(params.speaker_labels or params.audio_metrics)
        self._live: Optional[_LiveDecoder] = _LiveDecoder(target, params, content_type)
        if self._live.dead:
            self._live = None

    @property
    def one_shot(self) -> bool:
        """Whether the audio is recognized once at stop (a container the
        stream cannot decode in pieces)."""
        return self._live is None

    def accept(self, data: bytes, result_index: int, interim: bool = True) -> list[dict]:
        """Audio of the request; the messages it gives (interim hypotheses,
        finals of the phrases it ended when ``interim_results``; with
        ``interim`` False no interim hypothesis is built)."""
        self.received += len(data)
        if self.received > MAX_AUDIO_BYTES:
            raise PayloadTooLargeError(TOO_LARGE_TEXT)
        live = self._live
        if live is None or self.reports or not live.opened:
            self.audio += data
        if live is None:
            return []
        try:
            result = live.accept(data)
        except SpeechTimeoutError as exc:
            # The phrases the last audio finished are final all the same (no lost data).
            # Kept past this block: without its traceback, whose frames
            # hold this request and its stream (a cycle, see detached()).
            self.timed_out = detached(exc)
            return self._finals(live.phrases[self._taken:], result_index, one_message=not self.params.interim_results)
        if live.dead:  # not PCM WAV after all: one-shot at stop
            self._live = None
            return []
        if live.opened and not self.reports:
            self.audio.clear()  # the stream has it
        if result is None:
            return []
        out = self._finals(live.phrases[self._taken:], result_index) if self.params.interim_results else []
        if not (self.params.interim_results and interim) or self.target.grammar is not None:
            return out
        entry = result_json(result, self.params, final=False, display_as=self.target.display_as)
        if entry is None or entry["alternatives"][0]["transcript"] == self._last:
            return out
        self._last = entry["alternatives"][0]["transcript"]
        return [*out, {"result_index": result_index + self._emitted, "results": [entry]}]

    def _finals(self, phrases: list[Any], result_index: int, one_message: bool = False) -> list[dict]:
        """Messages of the final results of ``phrases`` (one each, or all in one)."""
        self._taken += len(phrases)
        entries = [e for e in (result_json(p, self.params, final=True, display_as=self.target.display_as)
                               for p in phrases) if e is not None]
        if not entries:
            return []
        self._last = ""
        if one_message:
            message = {"result_index": result_index + self._emitted, "results": entries}
            self._emitted += len(entries)
            return [message]
        out = []
        for entry in entries:
            out.append({"result_index": result_index + self._emitted, "results": [entry]})
            self._emitted += 1
        return out

    @property
    def emitted(self) -> int:
        """Final results already sent, one message each (their indexes are taken)."""
        return self._emitted

    def finish(self, result_index: int) -> dict:
        """The request's remaining final results (the ones not yet sent) as
        one ``SpeechRecognitionResults`` body at ``result_index``."""
        if self.received < MIN_AUDIO_BYTES and self.received:
            raise AudioError(f"Stream was {self.received} bytes but needs to be at least {MIN_AUDIO_BYTES} bytes.")
        live = self._live
        if live is not None and live.opened:
            result = live.finish()
            if self.reports:
                result = self._with_reports(result)
            body = results_json(result, self.params, display_as=self.target.display_as,
                                result_index=result_index, warnings=self.target.warnings)
            body["results"] = body["results"][self._emitted:]
            return body
        if not self.audio:
            return {"result_index": result_index, "results": []}
        decoded = decode_request_audio(bytes(self.audio), self.content_type, self.target.base)
        result = self.target.recognize(decoded, self.params)
        return results_json(result, self.params, display_as=self.target.display_as, result_index=result_index,
                            warnings=self.target.warnings)

    def _with_reports(self, result: Any) -> Any:
        """The stream's result with the audio metrics and speaker labels of
        the whole audio, as ``Recognizer.recognize`` adds them to its phrases."""
        rec = self.target.recognizer
        decoded = decode_request_audio(bytes(self.audio), self.content_type, self.target.base)
        feats = compute_features(decoded, rec.frontend_options, rec.feature_options)
        return add_reports(result, decoded, feats, rec.acoustic_model, rec.frontend_options, rec.frame_rate,
                           metrics=bool(self.params.audio_metrics), labels=bool(self.params.speaker_labels))


class _LiveDecoder:
    """The engine's Stream over raw PCM/G.711 bytes (PCM WAV once its header is in)."""

    def __init__(self, target: RecognitionTarget, params: RecognizeParameters, content_type: Optional[str]) -> None:
        self._target = target
        self._params = params
        self._stream: Any = None
        self._head = b""
        self.dead = False
        self._batch = bytearray()
        self._batch_bytes = 1
        self._frame_bytes = 1
        raw = (content_type or "").split(";")[0].strip().lower()
        if raw in ("audio/l16", "audio/mulaw", "audio/alaw"):
            self._open(content_type)
        elif raw not in ("", "audio/wav", "audio/x-wav", "audio/wave", "application/octet-stream"):
            self.dead = True  # a compressed container: one-shot at stop

    @property
    def opened(self) -> bool:
        return self._stream is not None

    @property
    def phrases(self) -> list[Any]:
        """The phrases the stream finished so far."""
        return self._stream.phrases if self._stream is not None else []

    def _open(self, content_type: Optional[str]) -> None:
        per_second, self._frame_bytes, rate = _raw_layout(content_type)
        if self._frame_bytes not in (1, 2):
            self.dead = True  # the engine's stream is mono: several channels are mixed at stop
            return
        base = self._target.base
        if rate < base.rate:
            raise AudioError(below_rate_text(rate, base.rate, base.name))
        p = self._params
        options = self._target.engine_options(p)
        options.pop("audio_metrics", None)
        options.pop("speaker_labels", None)
        self._stream = self._target.recognizer.stream(content_type=content_type,
                                                      inactivity_timeout=p.inactivity_timeout, **options)
        self._batch_bytes = max(1, int(INTERIM_INTERVAL * per_second))

    def accept(self, data: bytes) -> Any:
        """The stream's interim Result once a batch is fed, else None."""
        if self.dead:
            return None
        if self._stream is None:
            self._head += data
            found = _wav_pcm_header(self._head)
            if found is None:
                if len(self._head) > MAX_WAV_HEAD:
                    self.dead = True
                return None
            if found is False:
                self.dead = True
                return None
            ctype, offset = found
            self._open(ctype)
            if self.dead:
                return None
            data, self._head = self._head[offset:], b""
        self._batch += data
        if len(self._batch) < self._batch_bytes:
            return None
        cut = len(self._batch) - len(self._batch) % self._frame_bytes  # whole frames; the rest waits
        chunk, self._batch = bytes(self._batch[:cut]), self._batch[cut:]
        return self._stream.accept(chunk) if chunk else None

    def finish(self) -> Any:
        """The whole stream's Result (its phrases), after the last batch."""
        tail = len(self._batch) - len(self._batch) % self._frame_bytes
        if tail:
            result = self._stream.accept(bytes(self._batch[:tail]))
            del result
        return self._stream.finish()


def _raw_layout(content_type: Optional[str]) -> tuple[float, int, int]:
    """Bytes a second, bytes a frame and the rate of a raw stream type (L16: 2 a sample, G.711: 1)."""
    ct = (content_type or "").lower()
    fields = dict(p.strip().split("=", 1) for p in ct.split(";")[1:] if "=" in p)
    default = "8000" if ct.startswith(("audio/mulaw", "audio/alaw")) else "16000"
    try:
        rate = int(fields.get("rate", default))
        channels = int(fields.get("channels", "1"))
    except ValueError:
        rate, channels = int(default), 1
    frame = (2 if ct.startswith("audio/l16") else 1) * max(1, channels)
    return float(max(1, rate) * frame), frame, rate


def _wav_pcm_header(head: bytes):
    """``(content type, data offset)`` of a 16-bit PCM
    WAV whose header is complete in ``head``; None if more bytes are needed;
    False if it is not 16-bit PCM WAV."""
    if len(head) < 12:
        return None
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return False
    pos, fmt = 12, None
    while pos + 8 <= len(head):
        cid, size = head[pos:pos + 4], struct.unpack("<I", head[pos + 4:pos + 8])[0]
        if cid == b"data":
            if fmt is None:
                return False
            tag, channels, rate, bits = fmt
            if tag not in (1, 0xFFFE) or bits != 16 or not 1 <= channels <= 16:
                return False
            return f"audio/l16;rate={rate};channels={channels};endianness=little-endian", pos + 8
        if cid == b"fmt ":
            if pos + 8 + 16 > len(head):
                return None
            tag, channels, rate = struct.unpack("<HHI", head[pos + 8:pos + 16])
            bits = struct.unpack("<H", head[pos + 22:pos + 24])[0]
            fmt = (tag, channels, rate, bits)
        pos += 8 + size + (size & 1)
    return None


__all__ = ["Request", "INTERIM_INTERVAL"]
