#include "frontend/cepstral_transform.h"

#include <cmath>
#include <cstring>

namespace asr {

CepstralTransformer::CepstralTransformer(const FrontendOptions& o)
    : ncep_(o.num_cepstra), nfilt_(o.num_filters), matrix_(static_cast<size_t>(ncep_) * nfilt_) {
  const double n = nfilt_;
  for (int i = 0; i < ncep_; ++i) {
    double lift = 1.0;
    if (o.lifter > 0) lift = 1 + o.lifter / 2.0 * std::sin(i * M_PI / o.lifter);
    for (int j = 0; j < nfilt_; ++j) {
      const double cosine = std::cos(M_PI / n * i * (j + 0.5));
      double w;
      switch (o.transform) {
        case CepstralTransform::kLegacy:
          // Sphinx-II: first filter weighted by 1/2, all normalised by N.
          w = (j == 0 ? 0.5 : 1.0) * cosine / n;
          break;
        case CepstralTransform::kDct:
          w = cosine * (i == 0 ? std::sqrt(1.0 / n) : std::sqrt(2.0 / n));
          break;
        case CepstralTransform::kHtk:
        default:
          w = cosine * std::sqrt(2.0 / n);
          break;
      }
      matrix_[static_cast<size_t>(i) * nfilt_ + j] = static_cast<float>(w * lift);
    }
  }
}

void CepstralTransformer::Apply(const float* log_energies, int count, float* cepstra) const {
  constexpr int L = RealFft::kLanes;
  for (int i = 0; i < ncep_; ++i) {
    const float* row = matrix_.data() + static_cast<size_t>(i) * nfilt_;
    LaneVector acc = {};
    for (int j = 0; j < nfilt_; ++j) {
      LaneVector e;
      std::memcpy(&e, log_energies + static_cast<size_t>(j) * L, sizeof(e));
      acc += row[j] * e;
    }
    for (int l = 0; l < count; ++l) cepstra[static_cast<size_t>(l) * ncep_ + i] = acc[l];
  }
}

}  // namespace asr
