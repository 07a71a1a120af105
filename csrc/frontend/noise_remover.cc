#include "frontend/noise_remover.h"

#include <algorithm>

namespace asr {

namespace {
// Constants of the Sphinx noise-removal algorithm (smoothing window in
// filters, forgetting factors, masking and gain limits).
constexpr int kSmoothWindow = 4;
constexpr double kLambdaPower = 0.7;
constexpr double kLambdaA = 0.995;
constexpr double kLambdaB = 0.5;
constexpr double kLambdaT = 0.85;
constexpr double kMuT = 0.2;
constexpr double kMaxGain = 20;

// Tracks the lower envelope: rises slowly, falls fast.
void LowerEnvelope(const std::vector<double>& in, std::vector<double>& env) {
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] >= env[i])
      env[i] = kLambdaA * env[i] + (1 - kLambdaA) * in[i];
    else
      env[i] = kLambdaB * env[i] + (1 - kLambdaB) * in[i];
  }
}
}  // namespace

NoiseRemover::NoiseRemover(int num_filters)
    : n_(num_filters),
      power_(num_filters), noise_(num_filters), floor_(num_filters),
      peak_(num_filters), signal_(num_filters), gain_(num_filters), signal_in_(num_filters), prefix_(num_filters + 1) {}

void NoiseRemover::Process(float* energies, int stride) {
  double* mf = signal_in_.data();
  for (int i = 0; i < n_; ++i) mf[i] = energies[i * stride];
  if (!initialised_) {
    for (int i = 0; i < n_; ++i) {
      power_[i] = mf[i];
      noise_[i] = mf[i] / kMaxGain;
      floor_[i] = mf[i] / kMaxGain;
      peak_[i] = 0;
    }
    initialised_ = true;
  }
  for (int i = 0; i < n_; ++i) power_[i] = kLambdaPower * power_[i] + (1 - kLambdaPower) * mf[i];
  LowerEnvelope(power_, noise_);
  for (int i = 0; i < n_; ++i) signal_[i] = std::max(power_[i] - noise_[i], 1.0);
  LowerEnvelope(signal_, floor_);
  // Temporal masking: a filter far below its decaying recent peak is
  // replaced by a fraction of that peak.
  for (int i = 0; i < n_; ++i) {
    const double in = signal_[i];
    peak_[i] *= kLambdaT;
    if (signal_[i] < kLambdaT * peak_[i]) signal_[i] = peak_[i] * kMuT;
    if (in > peak_[i]) peak_[i] = in;
  }
  for (int i = 0; i < n_; ++i) {
    signal_[i] = std::max(signal_[i], floor_[i]);
    gain_[i] = signal_[i] < kMaxGain * power_[i] ? signal_[i] / power_[i] : kMaxGain;
    gain_[i] = std::max(gain_[i], 1.0 / kMaxGain);
  }
  // Each filter's gain is averaged over its +-kSmoothWindow neighbours.
  prefix_[0] = 0;
  for (int i = 0; i < n_; ++i) prefix_[i + 1] = prefix_[i] + gain_[i];
  for (int i = 0; i < n_; ++i) {
    const int lo = std::max(i - kSmoothWindow, 0);
    const int hi = std::min(i + kSmoothWindow, n_ - 1);
    energies[i * stride] = static_cast<float>(mf[i] * (prefix_[hi + 1] - prefix_[lo]) / (hi - lo + 1));
  }
}

}  // namespace asr
