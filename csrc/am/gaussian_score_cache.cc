#include "am/gaussian_score_cache.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include "common/error.h"

namespace asr {

namespace {
inline int64_t Key(int frame, int codebook) { return (static_cast<int64_t>(frame) << 32) | static_cast<uint32_t>(codebook); }
}  // namespace

GaussianScoreCache::GaussianScoreCache(const float* features, int n_frames, int frame_dim)
    : n_frames_(n_frames), frame_dim_(frame_dim) {
  if (n_frames < 0 || frame_dim <= 0) throw InvalidArgument("a score cache needs n_frames >= 0 and frame_dim > 0");
  features_.assign(features, features + static_cast<size_t>(n_frames) * frame_dim);
}

void GaussianScoreCache::CheckFeatures(const float* features, int n_frames, int frame_dim) const {
  if (n_frames != n_frames_ || frame_dim != frame_dim_ ||
      (!features_.empty() && std::memcmp(features, features_.data(), features_.size() * sizeof(float)) != 0))
    throw InvalidArgument("the score cache was made for other features");
}

void GaussianScoreCache::Bind(const GaussianCodebooks* codebooks, int top_n, int n_stream) {
  if (codebooks_ == nullptr) {
    codebooks_ = codebooks;
    top_n_ = top_n;
    n_stream_ = n_stream;
  } else if (codebooks != codebooks_ || top_n != top_n_ || n_stream != n_stream_) {
    throw InvalidArgument("the score cache was filled by a scorer with other codebooks or another top_n");
  }
}

const GaussianTop* GaussianScoreCache::Find(int frame, int codebook) const {
  auto it = index_.find(Key(frame, codebook));
  return it == index_.end() ? nullptr : tops_.data() + entries_[it->second].tops;
}

void GaussianScoreCache::Store(int frame, int codebook, const GaussianTop* tops) {
  const size_t n = static_cast<size_t>(top_n_) * n_stream_;
  const auto [it, added] = index_.emplace(Key(frame, codebook), entries_.size());
  if (!added) {
    std::copy(tops, tops + n, tops_.begin() + entries_[it->second].tops);
    entries_[it->second].mixtures = kNone;
    return;
  }
  entries_.push_back({tops_.size(), kNone});
  tops_.insert(tops_.end(), tops, tops + n);
  floors_.resize(floors_.size() + n_stream_);
}

const float* GaussianScoreCache::FindMixtures(int frame, int codebook, const float* floors) const {
  auto it = index_.find(Key(frame, codebook));
  if (it == index_.end()) return nullptr;
  const Entry& e = entries_[it->second];
  if (e.mixtures == kNone) return nullptr;
  const float* stored = floors_.data() + it->second * n_stream_;
  for (int s = 0; s < n_stream_; ++s) {
    // Densities are raised to the floor: equal floors, or a floor below
    // the stream's worst selected density in both cases, clamp the same.
    const float worst = tops_[e.tops + static_cast<size_t>(s + 1) * top_n_ - 1].score;
    if (!(stored[s] == floors[s] || (worst >= stored[s] && worst >= floors[s]))) return nullptr;
  }
  return mixtures_.data() + e.mixtures;
}

void GaussianScoreCache::StoreMixtures(int frame, int codebook, const float* floors, const float* scores,
                                       int n_senones) {
  auto it = index_.find(Key(frame, codebook));
  if (it == index_.end()) throw std::logic_error("mixtures stored before the Gaussian selection");
  if ((mixtures_.size() + n_senones) * sizeof(float) > kMaxMixtureBytes) return;
  entries_[it->second].mixtures = mixtures_.size();
  mixtures_.insert(mixtures_.end(), scores, scores + n_senones);
  std::copy(floors, floors + n_stream_, floors_.begin() + it->second * n_stream_);
}

}  // namespace asr
