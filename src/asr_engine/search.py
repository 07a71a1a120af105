"""Search options, mirrored one to one from the native ``SearchOptions``.

Defaults were chosen on the development set (``../shared/data/dev``, 205
utterances, 1,243 words) with ``benchmarks/tune_search.py``, which decodes
every utterance once per first-pass setting and rescores its lattice:

* ``language_weight`` 8 (first pass): 6.5 / 8 / 10 gave 38.05 / 37.41 / 39.26 %
  WER after rescoring (other settings at PocketSphinx's values).
* ``word_insertion_penalty`` 0.01: 0.65 / 0.2 / 0.1 / 0.05 / 0.02 / 0.01 / 0.005
  gave 37.41 / 37.01 / 36.52 / 36.20 / 35.88 / 35.80 / 35.96 % — the lattice's
  rescoring favours short hypotheses less than the first pass does, and the
  dev set's insertions (fillers, breaths) want a strong per-word cost.
* ``silence_probability`` 0.05: 0.005 / 0.05 / 0.2 gave 36.60 / 36.52 / 36.85 %
  (at wip 0.1).
* ``bestpath_language_weight`` 9.5: 8 / 9.5 / 11 / 13 gave 38.46 / 37.41 / 37.65 /
  38.37 % at lw 8; rescoring gains 4-5 points over the first pass alone.
* ``consensus`` on, ``consensus_acoustic_scale`` 0.12: consensus decoding
  (the confusion network's best path, ``benchmarks/bench_confusion_network.py``)
  gave 35.48 % against 36.04 % for the lattice best path on the whole dev set
  (40.14 % at the confidences' scale 0.05; on 52 utterances 0.08 / 0.12 / 0.2
  gave 36.6 / 35.7 / 35.7 % against 36.9 %), so it is the default (issue 13).
  ``consensus=False`` gives the lattice best path's words (n-best
  alternatives are always lattice paths).
* Re-checked with consensus on and 8 kHz recordings on the narrowband
  model (``benchmarks/tune_rescoring.py``, issue 17): ``bestpath_language_weight``
  8.5 / 9.5 / 10.5 / 11.5 at wip 0.01 gave 34.27 / 33.55 / 35.08 / 35.64 %;
  wip 0.05 / 0.2 at lw 9.5 gave 34.03 / 33.95 % (33.55 % at 0.01), so both
  stay. ``benchmarks/error_analysis.py`` splits the remaining errors:
  8 % search errors, 69 % model errors, 23 % out-of-vocabulary words
  (at the beams below, before they were widened).
* ``beam`` and ``phone_beam`` 1e-64, ``word_beam`` 1e-38, ``max_words_per_frame``
  80 (issue 17; were PocketSphinx's 1e-48 / 1e-48 / 7e-29 and 40): the error
  analysis put 35 of 441 word errors on the search (16 utterances, short
  function words lost at word exits); the wider search gave 32.98 % against
  33.55 % dev WER at 1.5x the decoding time (RTF 0.80 vs 0.53 at load 12-15,
  ``tune_rescoring.py --set beam=1e-64 --set phone_beam=1e-64 --set
  word_beam=1e-38 --set max_words_per_frame=80``), still well inside half
  PocketSphinx's time. ``max_hmms_per_frame`` is PocketSphinx's 30000.
* ``beam`` and ``phone_beam`` 1e-56, ``word_beam`` 1e-34, ``max_words_per_frame``
  60 (issue 17, re-tuned once ``nbest_rescoring`` re-scores word boundaries
  on the decision side and the first pass got its exact speed-ups): whole
  dev set, ``tune_rescoring.py --set beam=B --set phone_beam=B --set
  word_beam=W --set max_words_per_frame=M``, one run per setting, load
  1.4-2.1. B / W / M = 1e-64 / 1e-38 / 80 (the old default): 30.57 % (380
  errors), first-pass RTF 0.169; 1e-60 / 1e-36 / 70: 30.49 % (379), 88 s
  against 111 s for the whole run; 1e-56 / 1e-38 / 80: 30.73 % (382);
  1e-56 / 1e-34 / 60: 30.49 % (379), RTF 0.097; 1e-52 / 1e-32 / 50: 30.81 %
  (383), 61 s; PocketSphinx's 1e-48 / 7e-29 / 40: 31.38 % (390), RTF 0.059
  (cathy 78 vs 73, psx 19 vs 16, mfa 45 vs 44 errors). The WER is flat
  (379-383 errors, the noise of one utterance) from 1e-52 to 1e-64 and
  rises below; 1e-56 / 1e-34 / 60 sits inside the flat part, a step from
  its edge, at 0.57x the old first pass's time (per source against the old
  default: cathy 75 vs 73, mfa 41 vs 44 errors, no other source changed).
  ``compare_pocketsphinx.py`` (now interleaving the two engines per
  utterance) with these beams, n-best re-scoring and its shared Gaussian
  scores: 30.49 % against 36.69 % (0.831x), RTF 0.1017 against 0.2834
  (ratio 0.359) at load 0.8-1.0, peak RSS 280 against 141 MB; arctic,
  fsdd and libri equal to PocketSphinx, every other source ahead. Error
  analysis after it: 379 errors, 20 search (11 utterances), 264 model, 95
  out-of-vocabulary (before the issue's work: 441, 35 / 305 / 101).
* ``silence_probability`` / ``filler_probability`` re-checked at those beams:
  0.05 / 1e-8 gave 32.98 %, 0.2 / 1e-8 33.15 %, 0.05 / 1e-5 33.15 %.
* ``isolated_word_prior`` 0.01 (issue 17, :mod:`asr_engine.isolated_words`:
  the LM mixed with a one-word-utterance model for the final hypothesis):
  0 / 0.01 / 0.03 / 0.1 / 0.2 gave 32.98 / 32.58 / 32.82 / 32.90 / 32.98 %
  (``tune_rescoring.py --axes --grid isolated_word_prior=...``, one decode,
  load 11-17); speechcmd 22 -> 18 errors at every value, fsdd 5 / 4 / 7 / 8 / 9
  (the unigram prior also pulls "two" to "to"), no other source changed.
  No measurable decoding time (n-best of lattices under 3 s only). Error
  analysis after it (osr now on the narrowband model, as recognize() routes
  it): 405 word errors, 30 search (7 %), 279 model (69 %), 96 OOV (24 %);
  the isolated-word prior changes the final words, not the lattice's best path.
* ``one_word_sentence_prior`` 0.2 with ``isolated_word_prior`` 0 (issue 17,
  replaces the unigram component as the default): the one-word utterance
  drawn from the LM's own one-word sentences ``P(<s> w </s>) / Z`` instead
  of the unigram, which pulled "two" to "to" on fsdd. One decode
  (``tune_rescoring.py --set isolated_word_prior=0 --axes --grid
  one_word_sentence_prior=0.1,0.2,0.3 --grid isolated_word_prior=0.01``, load
  10-13, first pass RTF 1.49): 0.1 / 0.2 / 0.3 gave 32.50 / 32.26 / 32.26 %
  (404 / 401 / 401 errors) against 32.58 % (405) for the unigram prior 0.01;
  fsdd 3 vs 4, speechcmd 15 vs 18 errors, no other source changed (only
  lattices under 3 s are looked at). Both components together (0.01 + 0.2)
  gave 161 errors on the 147 utterances under 3.2 s as 0.2 alone, but fsdd 4.
  No decoding time; ``Z`` costs 0.3 s once per LM.
* Tried in the same run, none kept: ``consensus_acoustic_scale`` 0.08 / 0.1 /
  0.15 gave 33.71 / 33.23 / 33.55 % against 32.98 % at 0.12 (prior off).
* Tried and not kept (issue 17): forced-alignment rescoring of the first 3 /
  5 distinct n-best word sequences of lattices under 3 s for the
  isolated-word decision (the lattice's word-boundary right-context
  approximation; ``benchmarks/error_analysis.py`` puts fsdd's "one" ->
  "want" on the search, +22.5 nats for the reference): on the 147 dev
  utterances under 3.2 s, at one-word-sentence prior 0.3, 162 / 159 errors
  against 159 without (fsdd 2 vs 3, speechcmd 19 / 16 vs 15) for ~35 s more
  decoding of those utterances at load ~11 (about +6 % of the dev set's
  time); on a clip cut from goforward (zero padding) it turned "meters"
  into "leaders", unexplained, so it was taken out.
* Tried and not kept (issue 17): a MAP cepstral mean for short utterances
  (``benchmarks/bench_cmn_prior.py --tau 100``, the model's ``cmn_init`` as
  prior, 100 frames' weight) gave 34.27 % against 32.98 % (fsdd 7 vs 5,
  osr 51 vs 44), same decoding time.
* Decoding time (issue 17): a ``py-spy --native`` profile of every tenth dev
  utterance puts 53 % of recognize() in ``TreeSearch::Step`` (``Evaluate``
  26 %, ``ActiveSenones`` 12 %), 12 % in GMM scoring (top-N Gaussian
  selection is already on, ``top_n`` 4) and 10 % in the two lattice builds
  (default and consensus scales; their Viterbi is 4 %, forward-backward 6 %,
  so sharing one build saves at most ~4 %). Landed, exact: survivors are
  compacted in place and a non-multiplexed node's senones are looked up once
  (identical transcripts, word times, confidences and 3-best on 26 dev
  utterances; RTF 3.69 vs 3.83 run side by side at load ~10, noisy).
  Tried and not kept: a second pass over the first pass's lattice words
  (a restricted RecognitionModel, about 690 words per utterance, beams
  1e-80 / 1e-80 / 1e-50) changed no transcript on 11 utterances and cost
  0.7x the first pass: a vocabulary narrowed without PocketSphinx's time
  windows is too wide to be cheap.
  ``compare_pocketsphinx.py`` after the speed-up: 32.58 % against 36.69 %
  (0.89x; arctic 41.9 / 37.2 %, fsdd 28.6 / 14.3 %, libri 23.5 / 17.6 % are
  the sources more than 2 points behind); its RTF ratio 1.62 measured
  nothing but the load (ours ran at load ~10, PocketSphinx at ~1-4).
  A quiet run (load 0-1) with the one-word-sentence prior: 32.26 % against
  36.69 % (0.879x), RTF 0.2469 against 0.3704: ratio 0.667, over the
  issue's 0.5. The wide beams above spent the time lead.
* ``nbest_rescoring`` 8 (issue 17, :mod:`asr_engine.nbest_rescoring`): the
  lattice's first 8 distinct word sequences (within 60 nats of its best
  path) are force-aligned to the features and re-scored with exact n-gram
  histories and the one-word-sentence mixture; the best replaces the
  consensus words when it is not the lattice's best path. Why
  (``benchmarks/compare_decisions.py``, per utterance against
  PocketSphinx): PocketSphinx had fewer errors on 27 dev utterances (35
  errors), we on 44; our lattice held PocketSphinx's words on all 27, and
  on 16 of them its words scored better than our lattice's best path under
  our own model (forced alignment, rescoring weights). The losses are
  short words at word boundaries ("began [a] confused", "had he married
  [a] more", "was [the] king grass", "[but] that is", "the" for "then"),
  isolated digits and commands ("one" -> "want" / "was", "nine" ->
  "manning") and consensus dropping a word its best path had ("now [as] i
  think", "parked" -> "part"). PocketSphinx decides by bestpath (lw 9.5,
  wip 0.65, fillers bypassed at silprob 0.005, no consensus) over the
  lattice of its fwdflat pass, a second Viterbi pass whose exact cross-word
  triphones re-score every word boundary; our lattice keeps the first
  pass's boundary acoustics, and aligning the n-best list re-scores them on
  the decision side. Offline, on one decode with 50-best lists (load 4-6):
  lattice best path 420 errors, consensus 401; the n-best re-scored with
  exact LM histories but lattice acoustics 410 (404-421 over lw 8.5-10.5 x
  wip 0.005-0.1), so the LM history approximation is not the cause;
  aligned top k = 2 / 3 / 4 / 5 / 6 / 8 / 10 / 12 / 16 gave 399 / 400 / 397 /
  394 / 388 / 381 / 383 / 384 / 382; at k 8, lw 8.5 / 10.5 / 11.5 gave 387 /
  393 / 400 and wip 0.005 / 0.05 / 0.2 381 / 385 / 393 (9.5 / 0.01 stay);
  the one-word-sentence mixture in the aligned scores (q 0.05 / 0.1 / 0.2 /
  0.3) 382 / 381 / 380 / 380 (fsdd 2 instead of 3); skipping paths more
  than 10 / 20 / 30 / 40 / 60 / 100 nats behind in the lattice 395 / 383 /
  382 / 380 / 380 / 380 errors for 537 / 851 / 1081 / 1269 / 1483 / 1635 of
  1640 alignments; unpruned alignment and beam 100 the same choices.
  ``tune_rescoring.py --axes --grid nbest_rescoring=0,4`` (load 6):
  30.57 % (380 errors) against 32.26 % (401) without and 31.86 % at 4;
  arctic 16 vs 18, fsdd 2 vs 3, libri 3 vs 4, psx 16 vs 22, speechcmd 13 vs
  15, cathy 73 vs 76, ieee 18 vs 20, mfa 44 vs 45, osr 42 vs 44, no source
  worse. Cost: second-pass RTF 0.134 against 0.074 with the first pass at
  RTF 0.625 (alignment beam 100), about +10 % of the decoding time; beam 50
  (the default) picks the same candidates on every fifth dev utterance for
  23 % less alignment time. Whole-audio and one-shot phrase-by-phrase decoding
  re-score (each phrase with its own features); live decoding (streams),
  grammars and speaker adaptation keep the lattice's decision. With it, the n-best alternatives are the
  re-scored candidates in their new order when they override the lattice.
  ``compare_pocketsphinx.py`` with it (beam 50): 30.57 % against 36.69 %
  (0.833x, target 0.85x), no source behind by more than 2 points (arctic
  16 / 16 errors, fsdd 2 / 2, libri 3 / 3; cathy 17.9 / 21.8 %, ieee 11.9 /
  13.9 %, psx 16.7 / 21.9 %, speechcmd 21.0 / 35.5 %); against the run
  without it, 34 word errors fixed and 13 made (9 utterances: sonnets,
  cathy "apron" -> "paper and", vctk p255 3 -> 6). RTF 0.2337 against
  0.2604 (ratio 0.897) at load 0.4-1.7, and 0.5322 against 0.8327 (0.639)
  at load 5-6: PocketSphinx's own RTF moved from 0.37 to 0.26 between quiet
  runs, so these ratios measure the machine more than the lever; the
  side-by-side cost is the +10 % of decoding time above. Merged with main's
  exact speed-ups: 30.57 % against 36.69 %, RTF 0.1667 against 0.2963
  (ratio 0.563) at load 0.5-1.
  The candidates of an utterance share their top-N Gaussian selections and
  senone mixtures (``_core.GaussianScoreCache``, bit-identical scores):
  alignment time 0.26x, recognize() 0.946x / 0.932x main's in two runs on
  every fifth dev utterance (``bench_decode_speed.py --ab``, load 1.3-2),
  results identical.
  ``error_analysis.py`` (final words as recognize() gives them, load ~1):
  without it 401 word errors, 29 search (7 %) in 15 utterances, 276 model
  (69 %), 96 OOV (24 %); with it 380: 18 search (5 %) in 11, 267 model
  (70 %), 95 OOV (25 %).
* Decoding time, second round (issue 17; all exact: identical transcripts,
  word times, confidences and 3-best on all 205 dev utterances, and
  bit-identical search scores, lattice totals and posteriors on 25; timed
  with ``benchmarks/bench_decode_speed.py --ab``, this tree against
  another build in two worker processes interleaved per utterance, on the
  44 utterances of ``--step 5``; an A/B of one build against itself gives
  1.015 at load ~6, the noise floor). Profile on main (``py-spy --native -r
  200``, the same 44, load 3-4): ``TreeSearch::Step`` 50.6 % inclusive
  (``Evaluate`` 21.7, ``ActiveSenones`` 11.9, ``Enter`` 5.4, ``Senones`` 3.8,
  ``nth_element`` 3.5, ``RecordWordExits`` 3.1), ``ScoreActive`` 10.9, the two
  lattice builds 17.0 (forward-backward 12.1, ``LinkScore`` 5.9, Viterbi
  4.7), the 8 kHz files' narrowband route 20.7 inclusive, one-off imports
  2.7 (``scipy.signal`` for the first resampled file, 0.8 s, and the
  narrowband model's load fall inside the first such recognize() call).
  Landed, as time relative to the step before:
  HMMs resolve their senone sequences and transition matrix once when
  activated, active senones are marked with generation stamps (no clearing
  of n_senone marks per frame), the Viterbi update is unrolled for the
  model's 3 states, and histogram pruning ranks only the HMMs inside the
  beam (the same threshold): 0.805 (load 3.5-3.7). Viterbi stores the
  lattice's link weights (forward-backward, n-best and the confusion network
  asked the LM again) and the consensus lattice is the default one
  ``rescaled`` (only forward-backward depends on the posterior scale) instead
  of a second build: 0.762 of main (load 3.3-4.1). Pruning moves survivors
  in runs, not per node group (``memmove`` was 3.1 % in ``perf``), and the
  lattice's log-add skips ``exp``/``log1p`` when the smaller term is under
  the larger's rounding (``log1p`` 2.7 %, ``exp`` 1.7 %): 0.987 (load 6.2-6.5).
  ``ScoreActive`` scores every senone of an active codebook in one
  vectorised pass over the top-N weight rows (35 % of it was the gather of
  single weights, cache misses), with the per-senone arithmetic unchanged:
  0.960 (load 6.1). Together 0.680 of main's recognize() time (load 5.9-6.0),
  0.699 on a quieter machine (load 0.9-1.5: 17.34 s against 24.82 s for
  112 s of audio); ``--time --step 5`` right after, interleaved with
  PocketSphinx: RTF 0.1515 against 0.2488, ratio 0.609 (load 1.6-1.9; main's
  ratio on the whole dev set was 0.667, this sample's PocketSphinx RTF is
  lower than its dev-set 0.37).
  ``perf`` after them: ``EvaluateAll`` 13.8 %, ``Step`` itself 13.8 (cache
  misses on tree nodes: the children's look-ahead and ``ends_words``),
  ``Enter`` 8.6 (misses on the entered HMM), ``ActiveSenones`` 7.2, Gaussian
  densities 7.7. Tried and not kept (within the noise floor): scoring the
  requested senones in weight order, 1.004 (load 5.3-5.6); copying the node
  fields the loops read into the HMM and a dense look-ahead array, 1.011
  (load 6.0); a branch-free Viterbi (selects into an index of token
  sources), 1.031 (load 5.4-6.0); listing the next frame's senones in the
  normalisation pass, 1.018 (load 5.8-6.5); an AVX2 clone of the Viterbi
  update, 1.004 (load 5.1-5.3).
* Tried and not kept as a default (issue 17): vocal-tract-length
  normalisation, ``vtln`` (:mod:`asr_engine.adapt.vtln`: Sphinx's
  piecewise-linear filterbank warp, the maximum-likelihood warp per
  utterance from a 256-Gaussian-per-stream background GMM pooled from the
  model's own codebooks, grid 0.80-1.20 step 0.04 refined by 0.02, CMN per
  warp, speech frames only; ``benchmarks/bench_vtln.py``, both ways side by
  side on the whole dev set): 33.79 % against 32.58 % (fsdd 9 vs 4 errors,
  sonnet 141 / 134, osr 47 / 44; arctic 16 / 18, psx 19 / 22) at RTF 0.337
  vs 0.318 (load 2.5); half the ML warp's shift (``--strength 0.5``) 32.58 %,
  a quarter 33.39 % (load 5-9). The warps are sensible (women below 1:
  kathleen mean 0.86, osr 0.85, arctic axb 0.84; men above: sonnets 1.18,
  librivox 1.14, cards 1.13, ieee 1.07) but do not buy words on this model,
  which was not trained on warped features. Scoring the warps against the
  first pass's force-aligned senones instead and decoding again when the
  best warp is 0.04 or more from 1 (``--two-pass``, grid 0.84-1.16) picked
  the same sides (kathleen 0.91, sonnets 1.12) and gave 33.23 % at 2.2x the
  decoding time (RTF 0.93 vs 0.43, load 4-10). Moving the band edges too
  (HTK / Kaldi style, ``FrontendOptions.warp_band_edges``, cutoff 0.8 x
  upper_freq) gave 41.35 % (sonnet 201 vs 134 errors). So ``vtln`` stays off.
* Tried and not kept as a default (issue 17): a second pass over a flat
  lexicon, ``fwdflat`` (PocketSphinx's fwdflat in our own
  ``csrc/search/flat_search.*``; ``benchmarks/bench_fwdflat.py``: the same
  first pass of every dev utterance with and without it, in one run). Every
  word the tree pass ended is searched again as its own chain of the tree's
  HMMs, entered with the exact n-gram score of each predecessor, and only
  where the first pass started it within ``fwdflat_window`` 25 frames with
  end frames spanning ``fwdflat_min_end_frames`` 4 (PocketSphinx's
  -fwdflatsfwin / -fwdflatefwid, read from ngram_search_fwdflat.c); fillers
  may start at every frame from the best exit into silence; beams 1e-64 /
  7e-29 (-fwdflatbeam / -fwdflatwbeam); about 1,230 words per utterance.
  Its exits feed the same lattice, rescoring and consensus. Whole dev set,
  401 errors (32.26 %) without it:

  - first phones multiplexed on the left context as PocketSphinx does
    (load ~3.5): ``fwdflat_language_weight`` 8 / 8.5 / 9.5 gave 32.74 /
    33.55 / 35.56 % (407 / 417 / 442 errors) at +28 / +26 / +19 % of
    recognize() time;
  - a first-phone copy per left context (as landed: then it is an exact
    Viterbi search under a bigram, which ``tests/test_flat_search.py``
    checks against exhaustive forced alignment; the multiplexed HMM lost
    1.5 nats on goforward there), load 5-6: lw 7 / 8 gave 32.50 / 33.07 %
    (404 / 411) at +66 / +46 % of recognize() time; word beam 1e-38 gave
    32.82 / 33.15 % at +158 / +110 %;
  - both passes' word ends in one lattice (``fwdflat_merge_lattice``),
    load ~3.5: lw 7 / 8 gave 33.55 / 33.63 % (417 / 418) at +75 / +57 %;
  - the landed option (lw 7, flat lattice) in a quieter run (load ~2,
    recognize() RTF 0.234 without it): window 25 / 10 frames gave 32.50 /
    32.90 % (404 / 409) at +55 / +29 % of recognize() time (the second pass
    alone 0.66 / 0.40 of it).

  Per source at lw 7 (flat lattice): osr 44 -> 41, ieee 20 -> 18, psx 22 ->
  21 errors better; speechcmd 15 -> 19 (at every setting), cathy 76 -> 79,
  cv 4 -> 5 worse; about 44 transcripts change, 16 better and 14 worse.
  ``benchmarks/error_analysis.py --source osr,speechcmd`` (74 utterances)
  before / after (lw 7): search errors 2 / 3 utterances (3 / 5 word
  errors), model errors 24 / 24 (56 / 55): the pass fixes little search
  (there were few search errors left) and its narrower lattice costs the
  one-word decisions model errors (speechcmd model errors 12 -> 15). So
  ``fwdflat`` stays off; its defaults are the best figures above (lw 7,
  lattice of the second pass only).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from . import _core
from .validation import check_fields, check_keywords, field_names, option, with_field_docs


@with_field_docs
@dataclass(frozen=True)
class SearchOptions:
    """Beam-search settings, checked when built (a wrong type or a value out
    of range raises :class:`~asr_engine.errors.InvalidArgumentError` naming
    the field). Beams and penalties are probabilities, as in PocketSphinx;
    weights multiply natural-log scores."""

    beam: float = option(1e-56, "HMMs kept within this factor of the frame's best path", low=0, high=1, low_open=True)
    phone_beam: float = option(1e-56, "phone exits propagated within this factor", low=0, high=1, low_open=True)
    word_beam: float = option(1e-34, "word exits kept within this factor of the best exit", low=0, high=1,
                              low_open=True)
    max_hmms_per_frame: int = option(30000, "histogram pruning of active HMMs (0 = off)", low=0, high=10_000_000,
                                     kind=int)
    max_words_per_frame: int = option(60, "word exits kept per frame (0 = off)", low=0, high=100_000, kind=int)
    language_weight: float = option(8.0, "multiplies LM log-probabilities in the first pass", low=0, high=100,
                                    low_open=True)
    word_insertion_penalty: float = option(0.01, "probability charged per word", low=0, high=1000, low_open=True)
    silence_probability: float = option(0.05, "probability charged per inserted silence", low=0, high=1,
                                        low_open=True)
    filler_probability: float = option(1e-8, "probability charged per inserted noise word", low=0, high=1,
                                       low_open=True)
    garbage_phone_probability: float = option(1e-4, "probability charged per phone a grammar's $GARBAGE absorbs",
                                              low=0, high=1, low_open=True)
    lm_lookahead: bool = option(True, "unigram LM lookahead inside the lexicon tree", kind=bool)
    compute_all_senones: bool = option(False, "score every senone each frame", kind=bool)
    bestpath: bool = option(True, "rescore the word lattice for the final hypothesis", kind=bool)
    bestpath_language_weight: float = option(9.5, "LM weight of the lattice rescoring", low=0, high=100,
                                             low_open=True)
    acoustic_scale: float = option(0.05, "scales log path scores into word posteriors (confidences)", low=0,
                                   high=10, low_open=True)
    consensus: bool = option(True, "final words from the confusion network's best path (consensus decoding) "
                             "instead of the lattice's", kind=bool)
    consensus_acoustic_scale: float = option(0.12, "posterior scale of the consensus confusion network", low=0,
                                             high=10, low_open=True)
    isolated_word_prior: float = option(0.0, "prior probability that an utterance is one word said alone, mixed "
                                        "into the LM for the final hypothesis (see asr_engine.isolated_words; "
                                        "0 = off)", low=0, high=0.5)
    vtln: bool = option(False, "warp the filterbank per utterance by the maximum-likelihood VTLN warp before decoding "
                        "(asr_engine.adapt.vtln; whole-audio decoding only)", kind=bool)
    one_word_sentence_prior: float = option(0.2, "prior probability that an utterance is one word drawn from the "
                                            "LM's own one-word sentences (see asr_engine.isolated_words; 0 = off)",
                                            low=0, high=0.49)
    nbest_rescoring: int = option(8, "distinct lattice paths re-scored by forced alignment for the final hypothesis "
                                  "(see asr_engine.nbest_rescoring; 0 or 1 = off)", low=0, high=1000, kind=int)
    fwdflat: bool = option(False, "search whole-audio utterances again over a flat lexicon of the first pass's "
                           "words (PocketSphinx's fwdflat; n-gram models only)", kind=bool)
    fwdflat_window: int = option(25, "frames around a first-pass start of a word where the second pass may "
                                 "start it", low=1, high=1_000_000, kind=int)
    fwdflat_min_end_frames: int = option(4, "a first-pass (start, word) is searched again only if its end "
                                         "frames span this many frames", low=0, high=1_000_000, kind=int)
    fwdflat_beam: float = option(1e-64, "second pass: HMMs kept within this factor of the frame's best", low=0,
                                 high=1, low_open=True)
    fwdflat_word_beam: float = option(7e-29, "second pass: word exits kept within this factor of the frame's best",
                                      low=0, high=1, low_open=True)
    fwdflat_language_weight: float = option(7.0, "multiplies LM log-probabilities in the second pass", low=0,
                                            high=100, low_open=True)
    fwdflat_merge_lattice: bool = option(False, "the lattice holds the word ends of both passes (else the second "
                                         "pass's only)", kind=bool)

    def __post_init__(self) -> None:
        check_fields(self)

    def with_overrides(self, **overrides: Any) -> "SearchOptions":
        """A copy with some fields changed; unknown names or bad values raise InvalidArgumentError."""
        check_keywords("SearchOptions", overrides, field_names(SearchOptions))
        return replace(self, **overrides)

    def to_native(self) -> "_core.SearchOptions":
        native = _core.SearchOptions()
        for name, value in asdict(self).items():
            if name not in _PYTHON_ONLY:
                setattr(native, name, value)
        return native


#: settings applied in Python after the native search (no native field)
_PYTHON_ONLY = frozenset({"isolated_word_prior", "one_word_sentence_prior", "vtln", "nbest_rescoring"})

__all__ = ["SearchOptions"]
