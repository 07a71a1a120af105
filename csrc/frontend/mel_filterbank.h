// Triangular filters spaced evenly on the mel scale, applied to a power
// spectrum. Built exactly as the Sphinx front end builds them (edges in
// single precision, optionally rounded to FFT bins and normalised to unit
// area), because the shipped models were trained on those energies.
#pragma once

#include <vector>

#include "frontend/frontend_options.h"
#include "frontend/real_fft.h"

namespace asr {

class MelFilterbank {
 public:
  explicit MelFilterbank(const FrontendOptions& opts);

  int num_filters() const { return static_cast<int>(start_.size()); }

  // power: [bin][RealFft::kLanes] interleaved spectra. energies:
  // [filter][RealFft::kLanes].
  void Apply(const float* power, float* energies) const;

  // The weights of filter f over FFT bins [FirstBin(f), FirstBin(f)+Weights(f).size()).
  int FirstBin(int f) const { return start_[f]; }
  const std::vector<float>& Weights(int f) const { return weights_[f]; }

 private:
  std::vector<int> start_;
  std::vector<std::vector<float>> weights_;
};

}  // namespace asr
