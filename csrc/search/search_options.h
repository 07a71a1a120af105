// Settings of the beam search. Beams and penalties are given as
// probabilities, as PocketSphinx users know them (a beam of 1e-48 keeps
// paths within a factor 1e-48 of the best); the search works with their
// natural logs. Defaults were tuned on ../shared/data/dev with
// benchmarks/tune_search.py (see src/asr_engine/search.py for the figures).
#pragma once

namespace asr {

struct SearchOptions {
  double beam = 1e-56;            // HMMs kept within this factor of the frame's best
  double phone_beam = 1e-56;      // phone exits propagated within this factor of the best
  double word_beam = 1e-34;       // word exits kept within this factor of the best exit
  int max_hmms_per_frame = 30000; // histogram pruning of active HMMs (0 = off)
  int max_words_per_frame = 60;   // distinct word exits kept per frame (0 = off)
  double language_weight = 8.0;   // LM log-probabilities are multiplied by this
  double word_insertion_penalty = 0.01;  // probability charged per word
  double silence_probability = 0.05;     // per <sil> inserted
  double filler_probability = 1e-8;      // per noise word inserted
  double garbage_phone_probability = 1e-4;  // per phone absorbed by a grammar's $GARBAGE
  bool lm_lookahead = true;       // add the best unigram below each tree node to its paths
  bool compute_all_senones = false;  // score every senone, not only the active ones
  bool bestpath = true;             // rescore the word lattice for the final hypothesis
  double bestpath_language_weight = 9.5;  // LM weight of that rescoring
  double acoustic_scale = 0.05;     // path scores are scaled by this for posteriors
  bool consensus = true;            // final hypothesis from the confusion network (else the lattice's best path):
                                    // 35.48 % dev WER against 36.04 %
  double consensus_acoustic_scale = 0.12;  // posterior scale of that confusion network
  // Second pass over a flat lexicon of the first pass's words (PocketSphinx's
  // fwdflat; search/flat_search.h), run by Decoder::SecondPass.
  bool fwdflat = false;
  int fwdflat_window = 25;            // frames around a first-pass word start where the word may start
  int fwdflat_min_end_frames = 4;     // a first-pass (start, word) needs end frames spanning this many
  double fwdflat_beam = 1e-64;        // HMMs kept within this factor of the frame's best
  double fwdflat_word_beam = 7e-29;   // word exits kept within this factor of the frame's best
  double fwdflat_language_weight = 7.0;  // LM weight of the flat pass
  bool fwdflat_merge_lattice = false;  // the lattice holds both passes' word exits (else the second's only)
};

// The natural-log width of a beam or penalty given as a probability
// (-ln p); throws InvalidArgument naming the option unless 0 < p <= 1.
float LogWidth(double probability, const char* name);

}  // namespace asr
