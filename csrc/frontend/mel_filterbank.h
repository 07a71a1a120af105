// Triangular filters spaced evenly on the mel scale, applied to a power
// spectrum. Built exactly as the Sphinx front end builds them (edges in
// single precision, optionally rounded to FFT bins and normalised to unit
// area), because the shipped models were trained on those energies.
//
// Vocal-tract-length normalisation warps the frequency axis the way Sphinx's
// piecewise_linear warp does: the mel scale is laid over the warped
// frequency w(f) = alpha f below the cutoff F, and a straight line from
// (F, alpha F) to (Nyquist, Nyquist) above it. The band edges lower_freq and
// upper_freq are warped and unwarped alike, so they stay where they are;
// inside the band a filter whose mel position falls at warped frequency g
// sits at w^-1(g): with alpha < 1 the filters move up in frequency (fit for
// voices with higher formants than the model's), with alpha > 1 down.
// With warp_band_edges the band edges move as well (the HTK / Kaldi way).
#pragma once

#include <vector>

#include "frontend/frontend_options.h"
#include "frontend/real_fft.h"

namespace asr {

// The warp of FrontendOptions::warp_alpha / warp_cutoff at a sample rate.
class FrequencyWarp {
 public:
  explicit FrequencyWarp(const FrontendOptions& opts);
  bool identity() const { return identity_; }
  float Warp(float hz) const;    // physical frequency -> warped
  float Unwarp(float hz) const;  // warped -> physical frequency

 private:
  bool identity_;
  float alpha_, cutoff_, slope_ = 0, offset_ = 0;  // the top piece: w = slope f + offset
};

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
