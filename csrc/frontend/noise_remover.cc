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

// Tracks the lower envelope: rises slowly, falls fast. Written with
// selects rather than branches so the loop vectorises.
void LowerEnvelope(const std::vector<double>& in, std::vector<double>& env) {
  const size_t n = in.size();
  const double* x = in.data();
  double* e = env.data();
  for (size_t i = 0; i < n; ++i) {
    const double lambda = x[i] >= e[i] ? kLambdaA : kLambdaB;
    e[i] = lambda * e[i] + (1 - lambda) * x[i];
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
    const double peak = peak_[i] * kLambdaT;
    const double masked = in < kLambdaT * peak ? peak * kMuT : in;
    peak_[i] = in > peak ? in : peak;
    const double sig = std::max(masked, floor_[i]);
    const double gain = sig < kMaxGain * power_[i] ? sig / power_[i] : kMaxGain;
    gain_[i] = std::max(gain, 1.0 / kMaxGain);
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
