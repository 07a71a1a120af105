// Log mel energies to cepstra: the cosine transform chosen by the model
// (legacy Sphinx-II, DCT-II or HTK), with the sine lifter folded into the
// matrix so one frame costs one small matrix-vector product.
#pragma once

#include <vector>

#include "frontend/frontend_options.h"

namespace asr {

class CepstralTransformer {
 public:
  explicit CepstralTransformer(const FrontendOptions& opts);

  int num_cepstra() const { return ncep_; }

  // log_energies: num_filters values. cepstra: num_cepstra values.
  void Apply(const double* log_energies, float* cepstra) const;

 private:
  int ncep_, nfilt_;
  std::vector<double> matrix_;  // [cepstrum][filter]
};

}  // namespace asr
