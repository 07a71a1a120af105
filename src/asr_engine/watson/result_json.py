"""Engine results as IBM's ``SpeechRecognitionResults`` JSON (§1.6).

One ``results[]`` entry per phrase (``Result.phrases`` when the engine
splits the audio, else the whole result), each with ``final`` and its
``alternatives``: transcripts ending in a space, ``confidence`` on the best
alternative of final results only, ``timestamps`` as ``[word, start, end]``
with two decimals, ``word_confidence`` (final results only); then
``keywords_result``, ``word_alternatives``, ``end_of_utterance`` when the
request asked for them, and the top-level ``speaker_labels``,
``audio_metrics`` and ``warnings``.

Words become text with :func:`asr_engine.formatting.watson_spans`: filled
pauses as ``%HESITATION``, smart formatting and redaction on final results,
``display_as`` where formatting left the word, profanity masked. Timestamps
and word confidences follow the written spans, so they always name the
transcript's tokens (``["$100", 1.02, 1.71]``). Keyword results keep the
spoken words, unmasked, as the service does.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence

from ..formatting import join_spans, masker, watson_spans
from .parameters import RecognizeParameters


def _round(x: float, digits: int = 2) -> float:
    return round(float(x), digits)


def phrases_of(result: Any) -> list[Any]:
    """The phrases of an engine result (the result itself when unsplit)."""
    phrases = getattr(result, "phrases", None)
    return list(phrases) if phrases else [result]


def _word_text(words: Sequence[Any], undisplay: Mapping[str, str]) -> list[str]:
    # The recognizer shows custom words as their display_as; formatting wants
    # the spoken word, so that smart formatting can pre-empt display_as (§2.4).
    return [undisplay.get(w.word, w.word) for w in words]


def alternative_json(words: Sequence[Any], confidence: Optional[float], params: RecognizeParameters, *,
                     final: bool, best: bool, display_as: Mapping[str, str],
                     undisplay: Mapping[str, str]) -> dict:
    """One ``alternatives[]`` entry from engine words (``word``, ``start``,
    ``end``, ``confidence``)."""
    texts = _word_text(words, undisplay)
    spans, kept = watson_spans(texts, final=final, smart_formatting=params.smart_formatting,
                               redaction=params.redaction, profanity_filter=params.profanity_filter,
                               display_as=display_as)
    alternative: dict[str, Any] = {"transcript": join_spans([], spans) + " "}
    if best and final and confidence is not None:
        alternative["confidence"] = _round(confidence)
    if best and (params.timestamps or (params.word_confidence and final)):
        tokens = _tokens(spans, [words[i] for i in kept])
        if params.timestamps:
            alternative["timestamps"] = [[t, _round(s), _round(e)] for t, s, e, _c in tokens]
        if params.word_confidence and final:
            alternative["word_confidence"] = [[t, _round(c)] for t, _s, _e, c in tokens]
    return alternative


def _tokens(spans, words: Sequence[Any]) -> list[tuple[str, float, float, float]]:
    """``(text, start, end, confidence)`` of each written token; punctuation
    glued to its left neighbour, as it is in the transcript."""
    tokens: list[list[Any]] = []
    for s in spans:
        covered = words[s.start:s.end]
        if not s.text:
            continue
        if s.glue_left and tokens:
            tokens[-1][0] += s.text
            continue
        if not covered:
            continue
        confs = [w.confidence for w in covered if w.confidence is not None]
        tokens.append([s.text, covered[0].start, covered[-1].end, sum(confs) / len(confs) if confs else 0.0])
    return [tuple(t) for t in tokens]  # type: ignore[misc]


def result_json(phrase: Any, params: RecognizeParameters, *, final: bool = True,
                display_as: Mapping[str, str] | None = None) -> Optional[dict]:
    """One ``results[]`` entry for a phrase, or None when it has no words."""
    display_as = dict(display_as or {})
    undisplay = {shown: word for word, shown in display_as.items()}
    words = list(phrase.words)
    if not words and not phrase.transcript:
        return None
    best = alternative_json(words, phrase.confidence, params, final=final, best=True, display_as=display_as,
                            undisplay=undisplay)
    if not best["transcript"].strip():
        return None
    alternatives = [best]
    if final:
        for alt in list(getattr(phrase, "alternatives", None) or [])[1:params.max_alternatives]:
            alternatives.append(alternative_json(alt.words, None, params, final=final, best=False,
                                                 display_as=display_as, undisplay=undisplay))
    entry: dict[str, Any] = {"final": final, "alternatives": alternatives}
    found = getattr(phrase, "keywords", None)
    if final and params.spotting and found is not None:
        entry["keywords_result"] = keywords_json(found, params)
    if final and params.word_alternatives_threshold is not None:
        bins = getattr(phrase, "word_alternatives", None)
        if bins is not None:
            entry["word_alternatives"] = word_alternatives_json(bins, params)
    reason = getattr(phrase, "end_of_utterance", None)
    if final and params.split_transcript_at_phrase_end and reason:
        entry["end_of_utterance"] = reason
    return entry


def keywords_json(found: Mapping[str, Iterable[Any]], params: RecognizeParameters) -> dict:
    """``keywords_result``: ``{keyword: [matches]}`` for the keywords found,
    keyed by the user's strings; ``normalized_text`` is what was said,
    never masked (engine :class:`~asr_engine.results.KeywordMatch` items)."""
    return {keyword: [{"normalized_text": m.text, "start_time": _round(m.start), "end_time": _round(m.end),
                       "confidence": _round(m.confidence)} for m in matches]
            for keyword, matches in found.items() if matches}


def word_alternatives_json(bins: Iterable[Any], params: RecognizeParameters) -> list[dict]:
    """``word_alternatives``: confusion-network bins (engine
    :class:`~asr_engine.results.WordAlternatives`), profanity masked,
    ordered by confidence."""
    mask = masker(params.profanity_filter)
    out = []
    for b in bins:
        alternatives = sorted(((mask(w), float(c)) for w, c in b.alternatives), key=lambda a: -a[1])
        if alternatives:
            out.append({"start_time": _round(b.start), "end_time": _round(b.end),
                        "alternatives": [{"word": w, "confidence": _round(c)} for w, c in alternatives]})
    return out


def speaker_labels_json(labels: Sequence[Mapping[str, Any]], results: Sequence[Mapping[str, Any]]) -> list[dict]:
    """``speaker_labels``: one entry per ``timestamps`` token of the final
    results, as the service gives them (``from``/``to`` are the token's
    times). The engine labels words; a token that joins several (smart
    formatting's "20th") takes the speaker who covers most of its time,
    with that speaker's mean confidence there. ``final`` only on the last."""
    tokens = [(t[1], t[2]) for r in results for t in r["alternatives"][0].get("timestamps", [])]
    if not tokens or not labels:
        return []
    out = []
    for start, end in tokens:
        covered: dict[int, float] = {}  # speaker -> seconds of the token
        confidences: dict[int, list[float]] = {}
        for lab in labels:
            a, b = float(lab["from"]), float(lab["to"])
            o = min(end, b) - max(start, a)
            if o > 0 or (o == 0 and a <= start <= b and start == end):
                k = int(lab["speaker"])
                covered[k] = covered.get(k, 0.0) + o
                confidences.setdefault(k, []).append(float(lab["confidence"]))
        if covered:
            speaker = max(covered, key=lambda k: covered[k])
            confidence = sum(confidences[speaker]) / len(confidences[speaker])
        else:  # no word under the token: the nearest word's speaker
            centre = 0.5 * (start + end)
            near = min(labels, key=lambda lab: abs(0.5 * (float(lab["from"]) + float(lab["to"])) - centre))
            speaker, confidence = int(near["speaker"]), float(near["confidence"])
        out.append({"from": start, "to": end, "speaker": speaker, "confidence": _round(confidence),
                    "final": False})
    out[-1]["final"] = True
    return out


#: Requested features and the engine result attribute that carries each.
_FEATURES = (("keywords", "spotting", "keywords"),
             ("word_alternatives_threshold", "word_alternatives_threshold", "word_alternatives"),
             ("speaker_labels", "speaker_labels", "speaker_labels"),
             ("audio_metrics", "audio_metrics", "audio_metrics"),
             ("split_transcript_at_phrase_end", "split_transcript_at_phrase_end", "end_of_utterance"),
             ("processing_metrics", "processing_metrics", "processing_metrics"))


def _unavailable(result: Any, params: RecognizeParameters) -> list[str]:
    """A warning naming requested features the engine's result does not
    carry (an engine built without them), instead of silently empty fields."""
    phrases = phrases_of(result)
    missing = [name for name, wanted, attr in _FEATURES
               if getattr(params, wanted) not in (None, False)
               and not any(hasattr(p, attr) for p in [result, *phrases])]
    if not missing:
        return []
    return [f"Not supported by this engine: {', '.join(missing)}; the response omits their results."]


def results_json(result: Any, params: RecognizeParameters, *, display_as: Mapping[str, str] | None = None,
                 result_index: int = 0, warnings: Sequence[str] = ()) -> dict:
    """The whole ``SpeechRecognitionResults`` body of one recognition."""
    results = []
    for phrase in phrases_of(result):
        entry = result_json(phrase, params, final=True, display_as=display_as)
        if entry is not None:
            results.append(entry)
    body: dict[str, Any] = {"result_index": result_index, "results": results}
    labels = getattr(result, "speaker_labels", None)
    if params.speaker_labels and labels is not None:
        engine = [label if isinstance(label, Mapping) else label.to_dict() for label in labels]
        body["speaker_labels"] = speaker_labels_json(engine, results)
    metrics = getattr(result, "audio_metrics", None)
    if params.audio_metrics and metrics is not None:
        body["audio_metrics"] = metrics if isinstance(metrics, Mapping) else metrics.to_dict()
    all_warnings = [*params.warnings, *warnings, *_unavailable(result, params)]
    if all_warnings:
        body["warnings"] = all_warnings
    return body


__all__ = ["results_json", "result_json", "alternative_json", "keywords_json", "word_alternatives_json",
           "speaker_labels_json",
           "phrases_of"]
