"""From a finished search to a :class:`~asr_engine.results.Result`.

The decoder leaves a word lattice; what the user gets is decided here: the
final words (consensus over the lattice, the isolated-word decision, or the
n-best list re-scored by forced alignment, :mod:`asr_engine.nbest_rescoring`),
their confidences, the n-best alternatives, keywords and word alternatives,
grammar output checked against a free phone loop, and custom words shown as
their ``display_as``. :class:`HypothesisBuilder` is the part of
:class:`~asr_engine.recognizer.Recognizer` that does it; it reads the
recognizer's models (``frame_rate``, ``language_model``, ``acoustic_model``,
``dictionary``, ``_display_as``, ``_phone_loop``).
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Callable, Optional

import numpy as np

from . import _core
from .results import Alternative, Result, WordResult
from .search import SearchOptions
from .spotting import SpottingRequest, keyword_matches, word_alternatives

#: Nats per frame below the phone loop at which grammar output is rejected.
DEFAULT_REJECTION_THRESHOLD = 1.0


class HypothesisBuilder:
    """Turns a decoder's lattice into results (mixed into ``Recognizer``)."""

    # Set by Recognizer.__init__.
    frame_rate: float
    acoustic_model: Any
    dictionary: Any
    language_model: Any
    _display_as: dict[str, str]
    _phone_loop: Any

    def _words(self, lattice: Any, instances: list[Any], ids: list[int],
               fit: Optional[Callable[[int, int, float], float]] = None) -> list[WordResult]:
        """The words of a lattice path, with confidences from one native pass
        over the lattice (times ``fit`` of each word with a grammar)."""
        step = 1.0 / self.frame_rate
        words = []
        for i, conf in zip(ids, lattice.confidences(ids)):
            text, start, end, ac, filler = instances[i]
            if filler:
                continue
            if fit is not None:
                conf *= fit(start, end, ac)
            words.append(WordResult(text, round(start * step, 3), round((end + 1) * step, 3), round(conf, 4)))
        return words

    @staticmethod
    def _lattice_options(options: SearchOptions, acoustic_scale: float) -> Any:
        """The native lattice weights of ``options`` (as the decoder's own lattice) at another posterior scale."""
        lo = _core.LatticeOptions()
        lo.language_weight = options.bestpath_language_weight
        lo.word_insertion_penalty = options.word_insertion_penalty
        lo.silence_probability = options.silence_probability
        lo.filler_probability = options.filler_probability
        lo.garbage_phone_probability = options.garbage_phone_probability
        lo.acoustic_scale = acoustic_scale
        return lo

    def _consensus_words(self, decoder: Any, lattice: Any, options: SearchOptions,
                         fit: Optional[Callable[[int, int, float], float]] = None) -> list[WordResult]:
        """The best path of a confusion network built at ``consensus_acoustic_scale``,
        as words with their confidences in ``lattice`` (the usual scale)."""
        step = 1.0 / self.frame_rate
        # `lattice` has the decoder's weights: only the posterior scale differs.
        sharp = lattice.rescaled(options.consensus_acoustic_scale)
        network = sharp.confusion_network()
        bins, best = network.bins, network.best_path()
        ids = [bins[b][4][k][2] for b, k, *_ in best]
        instances = lattice.instances
        words = []
        for (_b, _k, start, end, _p), i, conf in zip(best, ids, lattice.confidences(ids) if ids else []):
            text, s, e, ac, _f = instances[i]
            if fit is not None:
                conf *= fit(s, e, ac)
            words.append(WordResult(text, round(start * step, 3), round((end + 1) * step, 3), round(conf, 4)))
        return words

    def _result(self, decoder: Any, duration: float, final: bool, options: SearchOptions,
                max_alternatives: int = 1, fit: Optional[Callable[[int, int, float], float]] = None,
                spotting: Optional[SpottingRequest] = None, features: Optional[np.ndarray] = None,
                acoustic: Any = None) -> Result:
        """The final (or interim) result of ``decoder``; with ``features`` (and the
        ``acoustic`` model the search used, wrapper or native, None for the
        recognizer's) the lattice's n-best list is re-scored by forced alignment."""
        step = 1.0 / self.frame_rate
        if not final or not options.bestpath:
            segments, _score = decoder.best_path(final)
            words = [WordResult(text, round(s * step, 3), round((e + 1) * step, 3), None)
                     for text, s, e, _ac, _lm, filler in segments if not filler]
            return Result(" ".join(w.word for w in words), None, words, [], round(duration, 3), final)
        lattice = decoder.lattice()
        if lattice.empty:
            return Result("", 0.0, [], [], round(duration, 3), True)
        instances = lattice.instances
        chosen = None
        if options.isolated_word_prior + options.one_word_sentence_prior > 0 and fit is None:
            from .isolated_words import isolated_word_path

            chosen = isolated_word_path(lattice, self.language_model, options.isolated_word_prior,
                                        options.bestpath_language_weight, options.one_word_sentence_prior)
        rescored = []  # the re-scored n-best candidates when they override the lattice's best path
        if features is not None and fit is None and options.nbest_rescoring > 1:
            rescored = self._rescored_candidates(lattice, features, options, acoustic)
            if rescored and rescored[0][0] != list(lattice.best_path()[0]):
                chosen = rescored[0][0]
            else:
                rescored = []
        if chosen is not None:
            words = self._words(lattice, instances, chosen, fit)
        elif options.consensus:
            words = self._consensus_words(decoder, lattice, options, fit)
        else:
            ids, _score = lattice.best_path()
            words = self._words(lattice, instances, ids, fit)
        confidence = float(np.mean([w.confidence for w in words])) if words else 0.0
        alternatives = []
        if max_alternatives > 1:
            k, total = options.acoustic_scale, lattice.log_total
            if rescored:
                # The re-scored candidates share their lattice posterior mass by their new scores.
                mass = sum(self._path_posterior(lattice_score, k, total) for _p, _s, lattice_score in rescored)
                top = rescored[0][1]
                norm = sum(math.exp(k * (s - top)) for _p, s, _l in rescored)
                paths = [(p, s, mass * math.exp(k * (s - top)) / norm) for p, s, _l in rescored[:max_alternatives]]
            else:
                paths = [(p, s, self._path_posterior(s, k, total)) for p, s in lattice.nbest(max_alternatives)]
            for path, score, posterior in paths:
                if fit is not None:  # times the mean in-grammar probability of its words
                    fits = [fit(s, e, ac) for _t, s, e, ac, filler in (instances[i] for i in path) if not filler]
                    posterior *= float(np.mean(fits)) if fits else 1.0
                alt_words = self._words(lattice, instances, path, fit)
                alternatives.append(Alternative(" ".join(w.word for w in alt_words), round(posterior, 4),
                                                alt_words, round(float(score), 3)))
        result = Result(" ".join(w.word for w in words), round(confidence, 4), words, alternatives,
                        round(duration, 3), True)
        if spotting is not None:
            result.keywords = keyword_matches(lattice, spotting, self.frame_rate)
            if spotting.word_alternatives_threshold is not None:
                result.word_alternatives = word_alternatives(lattice.confusion_network(),
                                                             spotting.word_alternatives_threshold, self.frame_rate)
        return result

    def _rescored_aligner(self, options: SearchOptions, acoustic: Any) -> Any:
        """The native aligner of n-best re-scoring for this acoustic model and these filler penalties (one per pair)."""
        from .nbest_rescoring import BEAM

        model = _native_model(acoustic) or self.acoustic_model.native
        key = (id(model), options.silence_probability, options.filler_probability)
        aligners = self.__dict__.setdefault("_nbest_aligners", {})
        held = aligners.get(key)
        if held is None or held[0] is not model:  # the id of a collected model can be reused
            held = aligners[key] = (model, _core.ForcedAligner(
                model, beam=BEAM, allow_silence=True, allow_noise=True,
                silence_penalty=math.log(options.silence_probability),
                noise_penalty=math.log(options.filler_probability)))
        return held[1]

    @staticmethod
    def _path_posterior(score: float, scale: float, log_total: float) -> float:
        """A lattice path's posterior from its score and the lattice's forward total."""
        return math.exp(min(0.0, scale * score - log_total)) if math.isfinite(log_total) else 0.0

    def _rescored_candidates(self, lattice: Any, features: np.ndarray, options: SearchOptions,
                             acoustic: Any) -> list[tuple[list[int], float, float]]:
        """The lattice's n-best candidates re-scored by forced alignment, best first
        (see :mod:`asr_engine.nbest_rescoring`)."""
        from .nbest_rescoring import NbestRescorer

        model = _native_model(acoustic) or self.acoustic_model.native
        return NbestRescorer(lattice, features, self._rescored_aligner(options, acoustic), self.dictionary.native,
                             self.language_model, int(model.frame_dim), options.bestpath_language_weight,
                             options.word_insertion_penalty, options.isolated_word_prior,
                             options.one_word_sentence_prior).candidates(options.nbest_rescoring)

    def _displayed(self, result: Result) -> Result:
        """The result with custom words shown as their ``display_as``."""
        if not self._display_as:
            return result
        show = self._display_as

        def words(ws: list[WordResult]) -> list[WordResult]:
            return [replace(w, word=show.get(w.word, w.word)) for w in ws]

        result.words = words(result.words)
        result.transcript = " ".join(show.get(t, t) for t in result.transcript.split())
        result.alternatives = [replace(a, transcript=" ".join(show.get(t, t) for t in a.transcript.split()),
                                       words=words(a.words)) for a in result.alternatives]
        result.keywords = {kw: [replace(m, text=" ".join(show.get(t, t) for t in m.text.split())) for m in ms]
                           for kw, ms in result.keywords.items()}
        result.word_alternatives = [replace(b, alternatives=[(show.get(w, w), c) for w, c in b.alternatives])
                                    for b in result.word_alternatives]
        result.phrases = [replace(p, words=words(p.words), transcript=" ".join(show.get(t, t) for t in p.transcript.split()))
                          for p in result.phrases]
        return result

    def _grammar_result(self, decoder: Any, feats: np.ndarray, duration: float, opts: SearchOptions,
                        max_alternatives: int, threshold: Optional[float],
                        spotting: Optional[SpottingRequest] = None) -> Result:
        """Grammar output, checked against a free phone loop.

        The margin is the grammar's best path minus the loop, per frame of
        acoustic log-likelihood: in-grammar speech scores above the loop (the
        cards recordings: +0.7 to +1.3 nats/frame), other speech well below
        it (-2.8 to -6.3 on cards, librivox and IEEE audio under the wrong
        grammars), hence the default threshold of 1: below ``-threshold`` the
        result is rejected.

        Word confidences: within a grammar the lattice's posteriors are near 1
        even for a wrong word (the grammar leaves it no competitor), so each
        is multiplied by P(grammar | grammar or loop) over the whole audio and
        by P(word | word or loop) over the word's own frames, the hypothesis
        and the loop (handicapped by the threshold per frame) being the two
        paths of one lattice: sigmoid(acoustic_scale * frames * (margin +
        threshold)). On goforward.raw the right words have margins +0.4 to
        +2.2 nats/frame, a wrong "one" for "ten" -2.3.
        """
        segments, _ = decoder.best_path(True)
        frames = max(1, int(decoder.frames))
        if not segments:
            return Result("", 0.0, [], [], round(duration, 3), True, rejected=True)
        grammar_ac = sum(s[3] for s in segments) / frames
        margin = grammar_ac - self._phone_loop.acoustic_score(feats, opts) / frames
        if threshold is not None and margin < -threshold:
            return Result("", 0.0, [], [], round(duration, 3), True, rejected=True,
                          rejection_margin=round(margin, 4))
        handicap = DEFAULT_REJECTION_THRESHOLD if threshold is None else float(threshold)
        utterance = _against_loop(opts.acoustic_scale * frames * (margin + handicap))
        cache: dict[tuple[int, int], float] = {}

        def fit(start: int, end: int, acoustic: float) -> float:
            if (start, end) not in cache:
                n = end - start + 1
                loop = self._phone_loop.acoustic_score(feats[start:end + 1], opts)
                cache[(start, end)] = utterance * _against_loop(opts.acoustic_scale * n * ((acoustic - loop) / n
                                                                                           + handicap))
            return cache[(start, end)]

        result = self._result(decoder, duration, True, opts, max_alternatives, fit, spotting)
        result.rejection_margin = round(margin, 4)
        return result


def _native_model(acoustic: Any) -> Any:
    """The native acoustic model of an adapted model given either way (Python wrapper or native), or None."""
    return getattr(acoustic, "native", acoustic)


def _against_loop(x: float) -> float:
    """sigmoid(x): the posterior of a hypothesis against the phone loop, x
    being their scaled log-likelihood difference."""
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0
