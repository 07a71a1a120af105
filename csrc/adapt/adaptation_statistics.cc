#include "adapt/adaptation_statistics.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace asr {

AdaptationStatistics::AdaptationStatistics(std::shared_ptr<const AcousticModel> model) : model_(std::move(model)) {
  if (!model_) throw InvalidArgument("AdaptationStatistics needs a model");
  const GaussianCodebooks& g = *model_->codebooks();
  n_codebook_ = g.n_codebook();
  n_density_ = g.n_density();
  veclen_ = g.veclens();
  for (int len : veclen_) {
    stream_offset_.push_back(frame_len_);
    frame_len_ += len;
  }
  codebook_frames_.assign(n_codebook_, 0.0);
  occ_.assign(static_cast<size_t>(n_codebook_) * n_stream() * n_density_, 0.0);
  x1_.assign(static_cast<size_t>(n_codebook_) * n_density_ * frame_len_, 0.0);
  x2_.assign(x1_.size(), 0.0);
  mix_.assign(static_cast<size_t>(model_->n_senone()) * n_stream() * n_density_, 0.0f);
}

void AdaptationStatistics::Accumulate(const float* features, const float* observed, int n_frames, const int* senones,
                                      const float* weights) {
  if (n_frames < 0) throw InvalidArgument("negative frame count");
  if (!observed) observed = features;
  const GaussianCodebooks& g = *model_->codebooks();
  const MixtureWeights& w = model_->weights();
  const auto& dims = model_->streams().streams;
  const int dim = model_->frame_dim();
  const int n_sen = model_->n_senone();
  std::vector<float> x, y, logp(n_density_);
  for (int t = 0; t < n_frames; ++t) {
    const int sen = senones[t];
    if (sen < 0) continue;
    if (sen >= n_sen) throw InvalidArgument("senone id " + std::to_string(sen) + " out of range");
    const float fw = weights ? weights[t] : 1.0f;
    if (!(fw > 0)) continue;
    const int cb = model_->CodebookOfSenone(sen);
    const float* f = features + static_cast<size_t>(t) * dim;
    const float* o = observed + static_cast<size_t>(t) * dim;
    frames_ += fw;
    codebook_frames_[cb] += fw;
    for (int s = 0; s < n_stream(); ++s) {
      const std::vector<int>& sd = dims[s];
      x.resize(sd.size());
      y.resize(sd.size());
      for (size_t d = 0; d < sd.size(); ++d) {
        x[d] = f[sd[d]];
        y[d] = o[sd[d]];
      }
      g.LogDensities(cb, s, x.data(), logp.data());
      float best = -INFINITY;
      for (int k = 0; k < n_density_; ++k) {
        logp[k] += std::log(std::max(w.Weight(s, k, sen), 1e-30f));
        best = std::max(best, logp[k]);
      }
      double sum = 0;
      for (int k = 0; k < n_density_; ++k) sum += (logp[k] = std::exp(logp[k] - best));
      const double scale = fw / sum;
      float* mix = &mix_[(static_cast<size_t>(sen) * n_stream() + s) * n_density_];
      for (int k = 0; k < n_density_; ++k) {
        const double post = logp[k] * scale;
        if (post < 1e-5 * fw) continue;  // negligible; keeps the loop short
        occ_[Index(cb, s, k)] += post;
        mix[k] += static_cast<float>(post);
        double* m1 = &x1_[DimOffset(cb, s, k)];
        double* m2 = &x2_[DimOffset(cb, s, k)];
        for (size_t d = 0; d < sd.size(); ++d) {
          m1[d] += post * y[d];
          m2[d] += post * y[d] * y[d];
        }
      }
    }
  }
}

void AdaptationStatistics::Merge(const AdaptationStatistics& other) {
  if (other.n_codebook_ != n_codebook_ || other.n_density_ != n_density_ || other.veclen_ != veclen_ ||
      other.mix_.size() != mix_.size())
    throw InvalidArgument("adaptation statistics of differently shaped models cannot be merged");
  frames_ += other.frames_;
  for (size_t i = 0; i < codebook_frames_.size(); ++i) codebook_frames_[i] += other.codebook_frames_[i];
  for (size_t i = 0; i < occ_.size(); ++i) occ_[i] += other.occ_[i];
  for (size_t i = 0; i < x1_.size(); ++i) {
    x1_[i] += other.x1_[i];
    x2_[i] += other.x2_[i];
  }
  for (size_t i = 0; i < mix_.size(); ++i) mix_[i] += other.mix_[i];
}

}  // namespace asr
