#include "frontend/mel_filterbank.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "common/error.h"

namespace asr {

namespace {
float HzToMel(float hz) { return static_cast<float>(2595.0 * std::log10(1.0 + hz / 700.0)); }
float MelToHz(float mel) { return static_cast<float>(700.0 * (std::pow(10.0, mel / 2595.0) - 1.0)); }
}  // namespace

FrequencyWarp::FrequencyWarp(const FrontendOptions& o)
    : identity_(o.warp_alpha == 1.0),
      alpha_(static_cast<float>(o.warp_alpha)),
      cutoff_(static_cast<float>(o.WarpCutoff())) {
  const float nyquist = static_cast<float>(o.sample_rate / 2);
  // The top piece joins (cutoff, alpha cutoff) to (Nyquist, Nyquist); with
  // the cutoff at or above Nyquist the warp is a plain scaling of the band.
  if (cutoff_ < nyquist) {
    slope_ = (nyquist - alpha_ * cutoff_) / (nyquist - cutoff_);
    offset_ = nyquist * cutoff_ * (alpha_ - 1) / (nyquist - cutoff_);
  }
}

float FrequencyWarp::Warp(float hz) const {
  if (identity_) return hz;
  return hz < cutoff_ ? hz * alpha_ : slope_ * hz + offset_;
}

float FrequencyWarp::Unwarp(float hz) const {
  if (identity_) return hz;
  return hz < alpha_ * cutoff_ ? hz / alpha_ : (hz - offset_) / slope_;
}

MelFilterbank::MelFilterbank(const FrontendOptions& o) {
  const FrequencyWarp warp(o);
  const int nfft = o.FftSize();
  const int nfilt = o.num_filters;
  const float rate = static_cast<float>(o.sample_rate);
  // Sphinx warps the band edges too, so that unwarping puts them back; with
  // warp_band_edges the mel band is laid over the warped axis as it is.
  const float lower = static_cast<float>(o.lower_freq), upper = static_cast<float>(o.upper_freq);
  float melmin = HzToMel(o.warp_band_edges ? lower : warp.Warp(lower));
  float melmax = HzToMel(o.warp_band_edges ? upper : warp.Warp(upper));
  if (o.warp_band_edges && warp.Unwarp(MelToHz(melmax)) > rate / 2)
    throw InvalidArgument("the warped mel band reaches above half the sample rate; lower the warp cutoff");
  const float melbw = (melmax - melmin) / (nfilt + 1);
  if (o.double_bandwidth) {
    melmin -= melbw;
    melmax += melbw;
    if (warp.Unwarp(MelToHz(melmin)) < 0 || warp.Unwarp(MelToHz(melmax)) > rate / 2)
      throw InvalidArgument("double-bandwidth mel filters reach outside 0 Hz to half the sample rate");
  }
  const float bin_hz = rate / static_cast<float>(nfft);
  start_.resize(nfilt);
  weights_.resize(nfilt);
  for (int i = 0; i < nfilt; ++i) {
    float edge[3];
    for (int j = 0; j < 3; ++j) {
      const int step = o.double_bandwidth ? i + 2 * j : i + j;
      edge[j] = warp.Unwarp(MelToHz(step * melbw + melmin));
      if (o.round_filters) edge[j] = static_cast<int>(edge[j] / bin_hz + 0.5f) * bin_hz;
    }
    if (!(edge[0] < edge[1] && edge[1] < edge[2]))
      throw InvalidArgument("mel filter " + std::to_string(i) +
                            " is narrower than one FFT bin; use fewer filters or a larger FFT");
    start_[i] = -1;
    // The Nyquist bin is never part of a filter, as in Sphinx.
    for (int k = 0; k < nfft / 2; ++k) {
      const float hz = k * bin_hz;
      if (hz < edge[0]) continue;
      if (hz > edge[2]) break;
      if (start_[i] < 0) start_[i] = k;
      float up = (hz - edge[0]) / (edge[1] - edge[0]);
      float down = (edge[2] - hz) / (edge[2] - edge[1]);
      if (o.unit_area) {
        up *= 2 / (edge[2] - edge[0]);
        down *= 2 / (edge[2] - edge[0]);
      }
      weights_[i].push_back(std::min(up, down));
    }
    if (start_[i] < 0 || weights_[i].empty())
      throw InvalidArgument("mel filter " + std::to_string(i) +
                            " covers no FFT bin; use fewer filters or a larger FFT");
  }
}

void MelFilterbank::Apply(const float* power, float* energies) const {
  constexpr int L = RealFft::kLanes;
  for (size_t f = 0; f < start_.size(); ++f) {
    const std::vector<float>& w = weights_[f];
    const float* p = power + static_cast<size_t>(start_[f]) * L;
    LaneVector acc = {};
    for (size_t k = 0; k < w.size(); ++k) {
      LaneVector pk;
      std::memcpy(&pk, p + k * L, sizeof(pk));
      acc += w[k] * pk;
    }
    std::memcpy(energies + f * L, &acc, sizeof(acc));
  }
}

}  // namespace asr
