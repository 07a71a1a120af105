// The tokens of one left-to-right HMM and their one-frame Viterbi update,
// shared by the tree search and the flat second pass (both keep, per
// state, the best path score, the word exit it started from and the left
// context it carries, and let a token enter state 0 each frame).
#pragma once

#include <cstdint>
#include <limits>

namespace asr {

constexpr int kMaxHmmStates = 5;  // emitting states of the largest topology we decode

struct HmmTokens {
  static constexpr float kDead = -std::numeric_limits<float>::infinity();

  float score[kMaxHmmStates];  // best path score per state
  int32_t bp[kMaxHmmStates];   // word exit each state's path started from
  uint8_t lc[kMaxHmmStates];   // left-context phone each path carries
  float in_score;              // token entering state 0 this frame
  int32_t in_bp;
  uint8_t in_lc;
  float best;                  // best state score after the last update
  float exit_score;            // best score leaving the last state after it
  int32_t exit_bp;

  // No live token.
  void Reset() {
    for (int j = 0; j < kMaxHmmStates; ++j) {
      score[j] = kDead;
      bp[j] = -1;
      lc[j] = 0;
    }
    in_score = kDead;
    in_bp = -1;
    in_lc = 0;
    best = kDead;
    exit_score = kDead;
    exit_bp = -1;
  }

  // Scores relative to the frame's best (`best` is subtracted).
  void Normalize(int n_state, float frame_best) {
    for (int j = 0; j < n_state; ++j) score[j] -= frame_best;
    in_score -= frame_best;
  }
};

// One frame of Viterbi over the left-to-right states, the entering token
// included; `a` is the (n_state + 1)-wide transition matrix (log), the last
// column the exit. A state's emission is senones[senones_of(lc)[j]], with
// lc the left context its token carries (multiplexed first phones have a
// sequence per context). N_ is a compile-time state count (the loops
// unroll) or 0 for n_state. Returns the best state score, also left in
// h.best; the entering token is consumed.
template <int N_, class SenonesOf>
inline float UpdateHmmTokens(HmmTokens& h, int n_state, const float* a, const float* senones,
                             const SenonesOf& senones_of) {
  const int N = N_ > 0 ? N_ : n_state;
  const int stride = N + 1;
  float ns[kMaxHmmStates];
  int32_t nbp[kMaxHmmStates];
  uint8_t nlc[kMaxHmmStates];
  for (int j = 0; j < N; ++j) {
    float best = HmmTokens::kDead;
    int from = -2;
    if (j == 0 && h.in_score > best) {
      best = h.in_score;
      from = -1;
    }
    for (int i = 0; i <= j; ++i) {
      const float v = h.score[i] + a[i * stride + j];
      if (v > best) {
        best = v;
        from = i;
      }
    }
    ns[j] = best;
    if (from == -1) {
      nbp[j] = h.in_bp;
      nlc[j] = h.in_lc;
    } else if (from >= 0) {
      nbp[j] = h.bp[from];
      nlc[j] = h.lc[from];
    } else {
      nbp[j] = -1;
      nlc[j] = 0;
    }
  }
  float best = HmmTokens::kDead, exit = HmmTokens::kDead;
  int32_t exit_bp = -1;
  for (int j = 0; j < N; ++j) {
    if (ns[j] > HmmTokens::kDead) {
      ns[j] += senones[senones_of(nlc[j])[j]];
      if (ns[j] > best) best = ns[j];
      const float x = ns[j] + a[j * stride + N];
      if (x > exit) {
        exit = x;
        exit_bp = nbp[j];
      }
    }
    h.score[j] = ns[j];
    h.bp[j] = nbp[j];
    h.lc[j] = nlc[j];
  }
  h.in_score = HmmTokens::kDead;
  h.best = best;
  h.exit_score = exit;
  h.exit_bp = exit_bp;
  return best;
}

}  // namespace asr
