// The record of word ends found by the search: one entry per (frame, word)
// that survived the word beam, with its best predecessor. Backtracking
// through it gives the best hypothesis; all its entries together form the
// word lattice of the utterance.
#pragma once

#include <cstdint>
#include <vector>

#include "lm/word_sequence_model.h"

namespace asr {

struct WordExit {
  int32_t frame = -1;     // last frame of the word
  int32_t word = -1;      // search word, -1 for the utterance start
  int32_t prev = -1;      // predecessor exit
  float score = 0;        // path score at the exit, relative to the frame's best
  float lm_score = 0;     // weighted LM score (or filler penalty) added here
  lm::State lm_state;     // word-sequence state after this word
  float silence_score = 0;  // path score when silence (or the utterance end) follows
  int16_t last_phone = 0; // left context the next word sees
  int32_t rc_offset = 0;  // current frame only: per-phone exit scores in WordExitTable::rc_scores
  bool valid = true;      // false once pruned by the word beam
};

struct WordExitTable {
  std::vector<WordExit> exits;
  // Exit scores per right-context phone, num_phones per exit, kept for the
  // current frame only (the next words enter from them; afterwards only the
  // best and the silence scores matter, so long utterances stay small).
  std::vector<float> rc_scores;
  std::vector<int32_t> frame_begin;    // first exit of each frame (frames + 1 entries)
  std::vector<double> frame_offset;    // cumulative score normalisation per frame
  int num_phones = 0;

  // Absolute path score of an exit.
  double Absolute(int e) const {
    const WordExit& x = exits[e];
    return x.score + (x.frame >= 0 ? frame_offset[x.frame] : 0.0);
  }
  const float* RcScores(int e) const { return rc_scores.data() + exits[e].rc_offset; }
};

}  // namespace asr
