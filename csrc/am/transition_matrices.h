// HMM transition probabilities of an acoustic model (transition_matrices).
//
// Each matrix has n_state emitting source states and n_state + 1 targets
// (the last is the non-emitting exit). Stored as natural-log probabilities
// after Sphinx's normalisation and flooring, so the aligner and the decoder
// add them to senone log-likelihoods directly.
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace asr {

struct TransitionOptions {
  float floor = 1e-4f;  // nonzero probabilities are raised to this (Sphinx -tmatfloor)
};

class TransitionMatrices {
 public:
  static TransitionMatrices Load(const std::string& path, const TransitionOptions& options = {});

  int n_tmat() const { return n_tmat_; }
  int n_state() const { return n_state_; }  // emitting states
  // log P(to | from); `to` == n_state() is the exit. -inf if impossible.
  float LogProb(int tmat, int from, int to) const {
    return logp_[(static_cast<size_t>(tmat) * n_state_ + from) * (n_state_ + 1) + to];
  }
  const float* Matrix(int tmat) const {
    return logp_.data() + static_cast<size_t>(tmat) * n_state_ * (n_state_ + 1);
  }

 private:
  int n_tmat_ = 0;
  int n_state_ = 0;
  std::vector<float> logp_;
};

}  // namespace asr
