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

Audio goes through the engine's :class:`~asr_engine.Stream` as it arrives
where it can be decoded in pieces (``audio/l16``, ``audio/mulaw``,
``audio/alaw``, PCM ``audio/wav``; see :mod:`.ws_request`): with
``interim_results`` each phrase's final result is sent as soon as the phrase
ends (``result_index`` advancing), never decoded again, and ``stop`` flushes
the last phrase; the stream's inactivity timeout ends the connection with
``{"error": "No speech detected for 30s"}``. Other containers, and requests
with speaker labels, audio metrics or a custom acoustic model, are
recognized once at ``stop``.

:func:`recognize_using_websocket` drives a session from an audio source and
calls the SDK's ``RecognizeCallback`` methods as the SDK's listener does.
"""
from __future__ import annotations

import json
import queue
from typing import Any, Iterable, Iterator, Mapping, Optional

from ..errors import AsrError, InvalidArgumentError
from .errors import websocket_error
from .parameters import recognize_parameters
from .recognition import resolve_target
from .ws_request import Request as _Request

#: Parameters of the connection URL (fixed for a session).
URL_PARAMETERS = ("model", "language_customization_id", "customization_id", "acoustic_customization_id",
                  "base_model_version")
#: The SDK sends 1024-byte chunks.
CHUNK_BYTES = 1024
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
        it is decoded for the final results but no interim hypothesis is
        built: a server that falls behind a client skips the interim work."""
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
        return self._timed_out(self._request.accept(bytes(data), self.result_index, interim=False))

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
        return self._timed_out(self._request.accept(bytes(data), self.result_index))

    def _timed_out(self, out: list[dict]) -> list[dict]:
        """``out``, then the error and the end of the connection if the
        engine's inactivity timeout came (as the service: error, close)."""
        request = self._request
        if request is None or request.timed_out is None:
            return out
        self.result_index += request.emitted
        self._request = None
        self.closed = True
        return [*out, websocket_error(request.timed_out)]

    def _stop(self) -> list[dict]:
        request = self._request
        if request is None:
            raise InvalidArgumentError("No request to stop: send a start message first.")
        self._request = None
        # Finals already sent as their phrases ended took their indexes.
        self.result_index += request.emitted
        body = request.finish(self.result_index)
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
