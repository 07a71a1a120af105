#include "frontend/cmn.h"

#include <cmath>

#include "common/error.h"

namespace asr {

namespace {
// The running mean counts as this many frames after each update...
constexpr double kLiveWindow = 500;
// ...and is refreshed once more than this many frames have accumulated.
constexpr double kLiveHighWater = 800;
}  // namespace

CmnMode ParseCmnMode(const std::string& name) {
  if (name == "none") return CmnMode::kNone;
  if (name == "batch" || name == "current") return CmnMode::kBatch;  // "current" is the Sphinx-3 name
  if (name == "live" || name == "prior") return CmnMode::kLive;
  throw InvalidArgument("unknown CMN mode '" + name + "' (use batch, live or none)");
}

const char* CmnModeName(CmnMode mode) {
  switch (mode) {
    case CmnMode::kNone: return "none";
    case CmnMode::kBatch: return "batch";
    case CmnMode::kLive: return "live";
  }
  return "none";
}

CepstralMeanNormalizer::CepstralMeanNormalizer(int dim, std::vector<float> init)
    : dim_(dim), mean_(dim, 0.0f), sum_(dim, 0.0) {
  if (dim < 1) throw InvalidArgument("CMN dimension must be positive");
  init.resize(dim, 0.0f);
  SetLiveMean(init);
}

void CepstralMeanNormalizer::SetLiveMean(const std::vector<float>& mean) {
  if (static_cast<int>(mean.size()) != dim_)
    throw InvalidArgument("CMN mean must have " + std::to_string(dim_) + " values");
  for (int i = 0; i < dim_; ++i) {
    if (!std::isfinite(mean[i])) throw InvalidArgument("CMN mean values must be finite");
    mean_[i] = mean[i];
    sum_[i] = mean[i] * kLiveWindow;
  }
  num_frames_ = kLiveWindow;
}

void CepstralMeanNormalizer::NormalizeBatch(float* cep, int n, bool varnorm) const {
  if (n <= 0) return;
  std::vector<double> sum(dim_, 0.0);
  int counted = 0;
  for (int t = 0; t < n; ++t) {
    const float* c = cep + static_cast<size_t>(t) * dim_;
    if (c[0] < 0) continue;
    for (int i = 0; i < dim_; ++i) sum[i] += c[i];
    ++counted;
  }
  // An utterance of pure digital silence has no frame to count; fall back to
  // all frames rather than dividing by zero.
  if (counted == 0) {
    for (int t = 0; t < n; ++t)
      for (int i = 0; i < dim_; ++i) sum[i] += cep[static_cast<size_t>(t) * dim_ + i];
    counted = n;
  }
  std::vector<double> mean(dim_);
  for (int i = 0; i < dim_; ++i) mean[i] = sum[i] / counted;
  std::vector<double> scale(dim_, 1.0);
  if (varnorm) {
    std::vector<double> var(dim_, 0.0);
    for (int t = 0; t < n; ++t)
      for (int i = 0; i < dim_; ++i) {
        const double d = cep[static_cast<size_t>(t) * dim_ + i] - mean[i];
        var[i] += d * d;
      }
    for (int i = 0; i < dim_; ++i) scale[i] = var[i] > 0 ? std::sqrt(n / var[i]) : 1.0;
  }
  for (int t = 0; t < n; ++t)
    for (int i = 0; i < dim_; ++i) {
      float& v = cep[static_cast<size_t>(t) * dim_ + i];
      v = static_cast<float>((v - mean[i]) * scale[i]);
    }
}

void CepstralMeanNormalizer::NormalizeLive(float* cep, int n) {
  for (int t = 0; t < n; ++t) {
    float* c = cep + static_cast<size_t>(t) * dim_;
    if (c[0] < 0) continue;
    for (int i = 0; i < dim_; ++i) {
      sum_[i] += c[i];
      c[i] -= mean_[i];
    }
    num_frames_ += 1;
    // Checked per frame, not per call, so the output does not depend on
    // how the audio was chunked (a whole file in one call would otherwise
    // be normalised entirely by the initial mean).
    if (num_frames_ > kLiveHighWater) Decay();
  }
}

void CepstralMeanNormalizer::EndUtterance() {
  if (num_frames_ <= 0) return;
  for (int i = 0; i < dim_; ++i) mean_[i] = static_cast<float>(sum_[i] / num_frames_);
  if (num_frames_ > kLiveHighWater) Decay();
}

void CepstralMeanNormalizer::Decay() {
  for (int i = 0; i < dim_; ++i) mean_[i] = static_cast<float>(sum_[i] / num_frames_);
  const double keep = kLiveWindow / num_frames_;
  for (int i = 0; i < dim_; ++i) sum_[i] *= keep;
  num_frames_ = kLiveWindow;
}

}  // namespace asr
