// The record of word ends found by the search: one entry per (frame, word)
// that survived the word beam, with its best predecessor. Backtracking
// through it gives the best hypothesis; all its entries together form the
// word lattice of the utterance.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
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

// One hypothesised word with its frames and scores.
struct WordSegment {
  int word = -1;          // search word
  int start_frame = 0;
  int end_frame = 0;      // inclusive
  float acoustic = 0;     // acoustic log-likelihood of the segment
  float lm = 0;           // weighted LM score (or filler penalty)
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

  // The exit a complete path ends at: the best valid exit of the last of
  // the first `frames` frames that has any, scored into silence plus
  // end_score(exit) (the weighted sentence end, or 0); -1 if there is none.
  // Its absolute score goes to *total.
  template <class EndScore>
  int BestLastExit(int frames, const EndScore& end_score, double* total) const {
    int chosen = -1;
    double best = -std::numeric_limits<double>::infinity();
    for (int t = frames - 1; t >= 0 && chosen < 0; --t) {
      const int end = t + 1 < static_cast<int>(frame_begin.size()) ? frame_begin[t + 1]
                                                                   : static_cast<int>(exits.size());
      for (int e = frame_begin[t]; e < end; ++e) {
        const WordExit& x = exits[e];
        if (!x.valid) continue;
        const double s = x.silence_score + frame_offset[t] + end_score(x);
        if (s > best) {
          best = s;
          chosen = e;
        }
      }
    }
    if (total) *total = best;
    return chosen;
  }

  // The words of the path ending at `exit`, first to last.
  std::vector<WordSegment> Backtrace(int exit) const {
    std::vector<WordSegment> out;
    for (int e = exit; e > 0 && exits[e].word >= 0; e = exits[e].prev) {
      const WordExit& x = exits[e];
      WordSegment seg;
      seg.word = x.word;
      seg.start_frame = exits[x.prev].frame + 1;
      seg.end_frame = x.frame;
      seg.lm = x.lm_score;
      seg.acoustic = static_cast<float>(Absolute(e) - Absolute(x.prev) - x.lm_score);
      out.push_back(seg);
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

  // Makes the exits of `frame` (the current one) relative to the frame's
  // best score `best`, and records it in frame_offset.
  void NormalizeFrame(int frame, float best, int silence_phone) {
    for (int e = frame_begin[frame]; e < static_cast<int>(exits.size()); ++e) {
      exits[e].score -= best;
      float* rc = rc_scores.data() + exits[e].rc_offset;
      for (int p = 0; p < num_phones; ++p) rc[p] -= best;
      exits[e].silence_score = rc[silence_phone];
    }
    const double prev = frame_offset.empty() ? 0.0 : frame_offset.back();
    frame_offset.push_back(prev + best);
  }
};

}  // namespace asr
