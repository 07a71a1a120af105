"""The WebSocket interface of ``/v1/recognize`` (§1.7), in process.

:class:`RecognizeSession` is the protocol's state machine, transport-free:
a server feeds it each text frame (``receive_text``) and binary frame
(``receive_binary``) of one connection and sends back the JSON messages it
returns. URL parameters (``model``, customizations, ``base_model_version``,
``x-watson-metadata``) are fixed for the session; each ``start`` message
carries the others. A request ends with ``{"action": "stop"}`` or an empty
binary frame: its final results come out, then ``{"state": "listening"}``,
and the next request may follow. With ``interim_results`` the session sends
hypotheses as audio arrives (``final: false``, no ``confidence``) and one
message per final result, ``result_index`` advancing by one after each; without,
one message with every final result at the current index.

Final results are the one-shot recognition of the request's audio, so a
stream gives exactly what :meth:`SpeechToText.recognize` gives. Interim
hypotheses come from the engine's :class:`~asr_engine.Stream` where the audio
can be decoded as it arrives (``audio/l16``, ``audio/mulaw``,
``audio/alaw``, PCM ``audio/wav``); other containers get final results only.

:func:`recognize_using_websocket` drives a session from an audio source and
calls the SDK's ``RecognizeCallback`` methods as the SDK's listener does.
"""
from __future__ import annotations

import json
import queue
import struct
from typing import Any, Iterable, Iterator, Mapping, Optional

from ..errors import AsrError, InvalidArgumentError, PayloadTooLargeError
from ..limits import MAX_AUDIO_BYTES
from .errors import websocket_error
from .parameters import RecognizeParameters, recognize_parameters
from .recognition import TOO_LARGE_TEXT, RecognitionTarget, decode_request_audio, resolve_target
from .result_json import result_json, results_json

#: Parameters of the connection URL (fixed for a session).
URL_PARAMETERS = ("model", "language_customization_id", "customization_id", "acoustic_customization_id",
                  "base_model_version")
#: The SDK sends 1024-byte chunks.
CHUNK_BYTES = 1024
#: Seconds of new audio between two interim hypotheses.
INTERIM_INTERVAL = 0.25
#: The prefix by which the SDK tells an inactivity timeout from other errors.
INACTIVITY_PREFIX = "No speech detected for"


class RecognizeSession:
    """One WebSocket connection to ``/v1/recognize`` (see the module docstring).

    Args:
        service: the :class:`~asr_engine.watson.SpeechToText` client.
        url_params: the connection's query parameters (:data:`URL_PARAMETERS`).
        customer_id: the ``x-watson-metadata`` label of everything sent.
    """

    def __init__(self, service: Any, url_params: Optional[Mapping[str, Any]] = None, *,
                 customer_id: Optional[str] = None) -> None:
        self._service = service
        self._url = {k: v for k, v in (url_params or {}).items() if v is not None}
        unknown = sorted(set(self._url) - set(URL_PARAMETERS))
        if unknown:
            raise InvalidArgumentError(f"Unknown url query arguments: {', '.join(unknown)}.")
        self._customer_id = customer_id
        self.result_index = 0
        self.closed = False
        self._request: Optional[_Request] = None
        # The connection's URL parameters are checked when it opens.
        recognize_parameters(self._url, interface="websocket")

    @property
    def listening(self) -> bool:
        """Whether a request is open (audio may be sent)."""
        return self._request is not None and not self.closed

    def receive_text(self, text: str) -> list[dict]:
        """A text frame: ``start`` or ``stop`` (JSON)."""
        return self._guarded(self._text, text)

    def receive_message(self, message: Mapping[str, Any]) -> list[dict]:
        """A text frame already parsed (a dict with ``action``)."""
        return self._guarded(self._message, message)

    def receive_binary(self, data: bytes) -> list[dict]:
        """A binary frame of audio; an empty one ends the request."""
        return self._guarded(self._binary, data)

    def receive_audio(self, data: bytes, interim: bool = True) -> list[dict]:
        """Audio of the open request (never its end). With ``interim=False``
        it only joins the request's audio for the final result, without the
        live pass of interim hypotheses: a server that falls behind a client
        skips interim work the final result makes moot."""
        return self._guarded(self._audio, (data, interim))

    def _audio(self, arg: tuple[bytes, bool]) -> list[dict]:
        data, interim = arg
        if not data:
            return []
        if interim:
            return self._binary(data)
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgumentError("A binary message must be bytes.")
        if self._request is None:
            self._message({"action": "start"})
        assert self._request is not None
        return self._request.accept(bytes(data), self.result_index, interim=False)

    def _guarded(self, fn, arg) -> list[dict]:
        if self.closed:
            return [{"error": "The connection is closed."}]
        try:
            return fn(arg)
        except AsrError as exc:
            self.closed = True
            return [websocket_error(exc)]

    def _text(self, text: str) -> list[dict]:
        try:
            message = json.loads(text)
        except (TypeError, ValueError):
            raise InvalidArgumentError("Could not parse the message as JSON.") from None
        return self._message(message)

    def _message(self, message: Any) -> list[dict]:
        if not isinstance(message, dict) or message.get("action") not in ("start", "stop"):
            raise InvalidArgumentError("A text message must be a JSON object with action 'start' or 'stop'.")
        if message["action"] == "stop":
            return self._stop()
        if self._request is not None and self._request.received:
            raise InvalidArgumentError("A start message cannot come while a request is in progress; "
                                       "send stop first.")
        fields = {k: v for k, v in message.items() if k != "action"}
        content_type = fields.pop("content-type", None) or fields.pop("content_type", None)
        fields.pop("content_type", None)
        url_in_start = sorted(set(fields) & set(URL_PARAMETERS))
        if url_in_start:
            raise InvalidArgumentError(f"{', '.join(url_in_start)} must be given in the connection URL.")
        params = recognize_parameters({**self._url, **fields}, interface="websocket",
                                      customer_id=self._customer_id)
        target = resolve_target(self._service, params)
        self._request = _Request(params, target, content_type)
        return [{"state": "listening"}]

    def _binary(self, data: bytes) -> list[dict]:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InvalidArgumentError("A binary message must be bytes.")
        if len(data) == 0:
            return self._stop()
        if self._request is None:
            # Audio before any start: the service starts a request with defaults.
            self._message({"action": "start"})
        assert self._request is not None
        return self._request.accept(bytes(data), self.result_index)

    def _stop(self) -> list[dict]:
        request = self._request
        if request is None:
            raise InvalidArgumentError("No request to stop: send a start message first.")
        self._request = None
        body = request.finish(self._service, self.result_index)
        out: list[dict] = []
        results = body["results"]
        extra = {k: v for k, v in body.items() if k not in ("result_index", "results")}
        if request.params.interim_results:
            for i, entry in enumerate(results):
                message: dict[str, Any] = {"result_index": self.result_index, "results": [entry]}
                if i == len(results) - 1:
                    message.update(extra)
                out.append(message)
                self.result_index += 1
            if not results and extra:
                out.append({"result_index": self.result_index, "results": [], **extra})
        elif results or extra:
            out.append({**body, "result_index": self.result_index})
            self.result_index += len(results)
        out.append({"state": "listening"})
        return out


class _Request:
    """The audio and interim decoding of one start..stop request."""

    def __init__(self, params: RecognizeParameters, target: RecognitionTarget, content_type: Optional[str]):
        self.params = params
        self.target = target
        self.content_type = content_type
        self.audio = bytearray()
        self.received = 0
        interim = params.interim_results and target.grammar is None
        self._live = _LiveDecoder(target, content_type) if interim else None
        self._last = ""

    def accept(self, data: bytes, result_index: int, interim: bool = True) -> list[dict]:
        self.received += len(data)
        if self.received > MAX_AUDIO_BYTES:
            raise PayloadTooLargeError(TOO_LARGE_TEXT)
        self.audio += data
        if self._live is None:
            return []
        if not interim:
            self._live.skip(data)
            return []
        partial = self._live.accept(data)
        if partial is None:
            return []
        entry = result_json(partial, self.params, final=False, display_as=self.target.display_as)
        if entry is None or entry["alternatives"][0]["transcript"] == self._last:
            return []
        self._last = entry["alternatives"][0]["transcript"]
        return [{"result_index": result_index, "results": [entry]}]

    def finish(self, service: Any, result_index: int) -> dict:
        if not self.audio:
            return {"result_index": result_index, "results": []}
        decoded = decode_request_audio(bytes(self.audio), self.content_type, self.target.base)
        result = self.target.recognizer.recognize(decoded, **self.target.engine_options(self.params))
        return results_json(result, self.params, display_as=self.target.display_as, result_index=result_index,
                            warnings=self.target.warnings)


class _LiveDecoder:
    """Interim hypotheses from the engine's Stream, for audio it can decode
    chunk by chunk (raw PCM/G.711 types, and PCM WAV once its header is in)."""

    def __init__(self, target: RecognitionTarget, content_type: Optional[str]) -> None:
        self._recognizer = target.recognizer
        self._content_type = content_type
        self._stream: Any = None
        self._head = b""
        self._dead = False
        # Audio waits here until it makes INTERIM_INTERVAL seconds: each
        # Stream.accept builds a whole partial result, which per 1024-byte
        # frame (32 ms) would cost more than decoding the audio itself.
        self._batch = bytearray()
        self._batch_bytes = 1
        self._frame_bytes = 1
        raw = (content_type or "").split(";")[0].strip().lower()
        if raw in ("audio/l16", "audio/mulaw", "audio/alaw"):
            self._open(content_type)
        elif raw not in ("", "audio/wav", "audio/x-wav", "audio/wave", "application/octet-stream"):
            self._dead = True  # a compressed container: final results only

    def _open(self, content_type: Optional[str]) -> None:
        self._stream = self._recognizer.stream(content_type=content_type)
        per_second, self._frame_bytes = _raw_layout(content_type)
        self._batch_bytes = max(1, int(INTERIM_INTERVAL * per_second))

    def skip(self, data: bytes) -> None:
        """Audio the live pass will not see: the live pass ends here (its
        hypotheses would have a hole); the final result still has it."""
        self._dead = True

    def accept(self, data: bytes) -> Any:
        if self._dead:
            return None
        if self._stream is None:
            self._head += data
            found = _wav_pcm_header(self._head)
            if found is None:
                if len(self._head) > 65536:
                    self._dead = True
                return None
            if found is False:
                self._dead = True
                return None
            ctype, offset = found
            self._open(ctype)
            data, self._head = self._head[offset:], b""
        self._batch += data
        if len(self._batch) < self._batch_bytes:
            return None
        cut = len(self._batch) - len(self._batch) % self._frame_bytes  # whole frames; the rest waits
        chunk, self._batch = bytes(self._batch[:cut]), self._batch[cut:]
        try:
            return self._stream.accept(chunk) if chunk else None
        except AsrError:
            self._dead = True  # the final recognition reports the error
            return None


def _raw_layout(content_type: Optional[str]) -> tuple[float, int]:
    """Bytes a second and bytes a frame of a raw stream type (L16: 2 a sample, G.711: 1)."""
    ct = (content_type or "").lower()
    fields = dict(p.strip().split("=", 1) for p in ct.split(";")[1:] if "=" in p)
    try:
        rate = int(fields.get("rate", "8000" if ct.startswith(("audio/mulaw", "audio/alaw")) else "16000"))
        channels = int(fields.get("channels", "1"))
    except ValueError:
        rate, channels = 16000, 1
    frame = (2 if ct.startswith("audio/l16") else 1) * max(1, channels)
    return float(max(1, rate) * frame), frame


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


# -- the SDK-style driver ------------------------------------------------------------


def audio_chunks(audio: Any, chunk_bytes: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Byte chunks of an audio source: the SDK's ``AudioSource`` (a file or a
    queue, ``is_recording``), a ``queue.Queue`` (ends at a ``None`` item),
    a binary file, bytes, or any iterable of byte chunks."""
    source = getattr(audio, "input", None) if hasattr(audio, "is_buffer") else None
    if source is not None:
        if audio.is_buffer:
            while True:
                try:
                    chunk = source.get(timeout=0.01)
                except queue.Empty:
                    if getattr(audio, "is_recording", False):
                        continue
                    return
                yield chunk
        else:
            yield from audio_chunks(source, chunk_bytes)
        return
    if isinstance(audio, queue.Queue):
        while True:
            chunk = audio.get()
            if chunk is None:
                return
            yield chunk
    elif isinstance(audio, (bytes, bytearray, memoryview)):
        data = bytes(audio)
        for i in range(0, len(data), chunk_bytes):
            yield data[i:i + chunk_bytes]
    elif hasattr(audio, "read"):
        while True:
            chunk = audio.read(chunk_bytes)
            if not chunk:
                return
            yield chunk
    elif isinstance(audio, Iterable) and not isinstance(audio, str):
        for chunk in audio:
            yield chunk
    else:
        raise InvalidArgumentError(f"audio must be an AudioSource, a queue, a binary file, bytes or an iterable "
                                   f"of byte chunks, not {type(audio).__name__}")


def dispatch(message: dict, callback: Any, interim_results: bool, state: dict) -> bool:
    """Call ``callback`` for one service message as the SDK's listener does;
    False when the connection ends."""
    if "error" in message:
        error = message["error"]
        if error.startswith(INACTIVITY_PREFIX):
            callback.on_inactivity_timeout(error)
        else:
            callback.on_error(error)
        return False
    if "state" in message:
        if not state.get("listening"):
            state["listening"] = True
            callback.on_listening()
            return True
        return False
    if "results" in message or "speaker_labels" in message:
        results = message.get("results")
        if results:
            if interim_results:
                alternatives = results[0].get("alternatives")
                if alternatives:
                    if results[0].get("final") is True:
                        callback.on_transcription(_transcripts(alternatives))
                    if alternatives[0].get("transcript"):
                        callback.on_hypothesis(alternatives[0]["transcript"])
            else:
                callback.on_transcription([_transcripts(r.get("alternatives", [])) for r in results])
        callback.on_data(message)
    return True


def _transcripts(alternatives: list[dict]) -> list[dict]:
    out = []
    for a in alternatives:
        t = {"confidence": a["confidence"]} if "confidence" in a else {}
        t["transcript"] = a["transcript"]
        out.append(t)
    return out


def run_websocket(service: Any, audio: Any, content_type: Optional[str], callback: Any,
                  interim_results: bool, params: dict, customer_id: Optional[str]) -> None:
    """Open a session, send ``start``, the audio in chunks and ``stop``,
    and deliver every message to ``callback`` (see the module docstring)."""
    url = {k: params.pop(k) for k in URL_PARAMETERS if k in params}
    callback.on_connected()
    state: dict = {}
    try:
        session = RecognizeSession(service, url, customer_id=customer_id)
    except AsrError as exc:
        dispatch(websocket_error(exc), callback, interim_results, state)
        callback.on_close()
        return
    start = {"action": "start", "content-type": content_type, "interim_results": interim_results, **params}
    start = {k: v for k, v in start.items() if v is not None}
    open_ = all(dispatch(m, callback, interim_results, state) for m in session.receive_message(start))
    if open_:
        for chunk in audio_chunks(audio):
            if not chunk:
                continue
            if not all(dispatch(m, callback, interim_results, state) for m in session.receive_binary(chunk)):
                open_ = False
                break
    if open_:
        for m in session.receive_message({"action": "stop"}):
            if not dispatch(m, callback, interim_results, state):
                break
    callback.on_close()


__all__ = ["RecognizeSession", "audio_chunks", "dispatch", "run_websocket",
           "URL_PARAMETERS", "CHUNK_BYTES", "INACTIVITY_PREFIX"]
