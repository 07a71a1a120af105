// Maximum a posteriori re-estimation (Gauvain & Lee 1994) of Gaussian
// means, optionally variances, and mixture weights, from
// AdaptationStatistics:
//
//   mean     mu' = (tau mu0 + sum_t g(t) o(t)) / (tau + sum_t g(t))
//   variance s2' = (tau (s2_0 + mu0^2) + sum_t g(t) o(t)^2) / (tau + sum_t g(t)) - mu'^2
//   weight   w'  = (tau_w w0 + n_k) / (tau_w + sum_k n_k)
//
// tau is the prior's weight in frames: a Gaussian seen for much fewer
// frames keeps (nearly) its prior, one seen for many more moves to the
// data. The prior is usually the MLLR-adapted model, so sparse Gaussians
// still move with their regression class.
#pragma once

#include <memory>

#include "adapt/adaptation_statistics.h"
#include "am/gaussian_codebooks.h"
#include "am/mixture_weights.h"

namespace asr {

struct MapOptions {
  float mean_prior = 8.0f;      // tau for means, in frames; 0 leaves the means alone
  float variance_prior = 0.0f;  // tau for variances; 0 leaves the variances alone
  float weight_prior = 0.0f;    // tau_w for mixture weights; 0 leaves the weights alone
  float variance_floor = 1e-4f; // adapted variances below this are raised to it
  // Adapted weights below this are raised to it: Sphinx's -mixwfloor, which
  // any reader of the float mixture_weights file they are saved in applies.
  float weight_floor = 1e-7f;
};

class MapAdaptation {
 public:
  // Codebooks with MAP means (and variances) around `prior`.
  static std::shared_ptr<const GaussianCodebooks> Codebooks(const GaussianCodebooks& prior,
                                                            const AdaptationStatistics& stats,
                                                            const MapOptions& options);
  // MAP mixture weights around `prior` (whatever it was read from: a float
  // mixture_weights file or a quantized sendump).
  static std::shared_ptr<const MixtureWeights> Weights(const MixtureWeights& prior, const AdaptationStatistics& stats,
                                                       const std::vector<int>& codebook_of_senone,
                                                       const MapOptions& options);
};

}  // namespace asr
