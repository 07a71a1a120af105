// Log mel energies to cepstra: the cosine transform chosen by the model
// (legacy Sphinx-II, DCT-II or HTK), with the sine lifter folded into the
// matrix so one frame costs one small matrix-vector product.
#pragma once

#include <vector>

#include "frontend/frontend_options.h"
#include "frontend/real_fft.h"

namespace asr {

class CepstralTransformer {
 public:
  explicit CepstralTransformer(const FrontendOptions& opts);

  int num_cepstra() const { return ncep_; }

  // log_energies: [filter][RealFft::kLanes]; writes the cepstra of the
  // first `count` lanes to cepstra[lane * num_cepstra + i].
  void Apply(const float* log_energies, int count, float* cepstra) const;

 private:
  int ncep_, nfilt_;
  std::vector<float> matrix_;  // [cepstrum][filter]
};

}  // namespace asr
