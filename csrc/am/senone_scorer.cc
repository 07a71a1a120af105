#include "am/senone_scorer.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/cpu_dispatch.h"
#include "common/fast_math.h"
#include "common/error.h"

namespace asr {

SenoneScorer::SenoneScorer(std::shared_ptr<const AcousticModel> model, const ScorerOptions& options,
                           std::shared_ptr<const GaussianCodebooks> codebooks)
    : model_(std::move(model)) {
  if (!model_) throw InvalidArgument("SenoneScorer needs a model");
  codebooks_ = codebooks ? std::move(codebooks) : model_->codebooks();
  const GaussianCodebooks& base = *model_->codebooks();
  if (codebooks_->n_codebook() != base.n_codebook() || codebooks_->n_density() != base.n_density() ||
      codebooks_->veclens() != base.veclens())
    throw InvalidArgument("adapted codebooks do not have the shape of the model's codebooks");
  if (options.top_n <= 0) throw InvalidArgument("top_n must be positive");
  weights_ = &model_->weights();
  top_n_ = std::min(options.top_n, codebooks_->n_density());
  if (options.density_floor < 0) {
    density_floor_ = model_->kind() == ModelKind::kCont ? 0.0f : kSphinxDensityFloor;
  } else {
    density_floor_ = options.density_floor;
  }
  n_stream_ = codebooks_->n_stream();
  stream_dims_ = model_->streams().streams;
  x_.resize(n_stream_);
  for (int s = 0; s < n_stream_; ++s) x_[s].resize(stream_dims_[s].size());
  dens_.resize(codebooks_->n_density());
  const int n_cb = codebooks_->n_codebook();
  top_.resize(static_cast<size_t>(n_cb) * n_stream_ * top_n_);
  coef_.resize(top_.size());
  floors_.resize(n_stream_);
  cb_mark_.assign(n_cb, 0);
  for (int cb = 0; cb < n_cb; ++cb) all_codebooks_.push_back(cb);
  int widest = 0;
  for (int cb = 0; cb < n_cb; ++cb) widest = std::max(widest, weights_->range_end(cb) - weights_->range_begin(cb));
  acc_.resize(widest);
  total_.resize(n_senone());
}

void SenoneScorer::GatherStreams(const float* frame) {
  for (int s = 0; s < n_stream_; ++s) {
    const std::vector<int>& dims = stream_dims_[s];
    float* x = x_[s].data();
    for (size_t d = 0; d < dims.size(); ++d) x[d] = frame[dims[d]];
  }
}

namespace {

constexpr int kLanes = 16;

// Inserts `v` (density index `vi`) into a best-first list of n entries.
template <typename T>
inline void InsertTop(T* t, int n, int vi, float v) {
  if (!(v > t[n - 1].score)) return;
  int j = n - 1;
  while (j > 0 && v > t[j - 1].score) {
    t[j] = t[j - 1];
    --j;
  }
  t[j] = {vi, v};
}

// Branch-free per-lane top-N over rows of kLanes densities (the lane loop
// vectorises), then an exact merge of the N * kLanes survivors.
template <int N, typename T>
ASR_INLINE_IN_KERNEL void LaneTopN(const float* dens, int nd, T* t) {
  alignas(64) float lv[N][kLanes];
  alignas(64) int li[N][kLanes];
  for (int j = 0; j < N; ++j)
    for (int l = 0; l < kLanes; ++l) {
      lv[j][l] = -std::numeric_limits<float>::infinity();
      li[j][l] = 0;
    }
  for (int row = 0; row < nd; row += kLanes) {
    for (int l = 0; l < kLanes; ++l) {
      float v = dens[row + l];
      int vi = row + l;
#pragma GCC unroll 8
      for (int j = 0; j < N; ++j) {
        const float old_v = lv[j][l];
        const int old_i = li[j][l];
        const bool gt = v > old_v;
        lv[j][l] = gt ? v : old_v;
        li[j][l] = gt ? vi : old_i;
        v = gt ? old_v : v;
        vi = gt ? old_i : vi;
      }
    }
  }
  for (int j = 0; j < N; ++j)
    for (int l = 0; l < kLanes; ++l) InsertTop(t, N, li[j][l], lv[j][l]);
}

}  // namespace

ASR_HOT_KERNEL void SenoneScorer::EvalCodebook(int cb) {
  const int nd = codebooks_->n_density();
  const int n = top_n_;
  for (int s = 0; s < n_stream_; ++s) {
    codebooks_->LogDensities(cb, s, x_[s].data(), dens_.data());
    const float* dens = dens_.data();
    Top* t = &top_[(static_cast<size_t>(cb) * n_stream_ + s) * n];
    for (int k = 0; k < n; ++k) t[k] = {k, -std::numeric_limits<float>::infinity()};
    if (n == 4 && nd % kLanes == 0) {
      LaneTopN<4>(dens, nd, t);
    } else {
      for (int k = 0; k < nd; ++k) InsertTop(t, n, k, dens[k]);
    }
  }
}

void SenoneScorer::StreamFloors(const std::vector<int>& codebooks) {
  const int n = top_n_;
  for (int s = 0; s < n_stream_; ++s) {
    float floor = -std::numeric_limits<float>::infinity();
    if (density_floor_ > 0) {
      float best = -std::numeric_limits<float>::infinity();
      for (int cb : codebooks) best = std::max(best, top_[(static_cast<size_t>(cb) * n_stream_ + s) * n].score);
      floor = best - density_floor_;
    }
    floors_[s] = floor;
  }
}

void SenoneScorer::ClampCodebook(int cb) {
  const int n = top_n_;
  for (int s = 0; s < n_stream_; ++s) {
    const size_t off = (static_cast<size_t>(cb) * n_stream_ + s) * n;
    Top* t = &top_[off];
    for (int k = 0; k < n; ++k) t[k].score = std::max(t[k].score, floors_[s]);
    // Mixture terms are summed relative to the best density, so the
    // exponentials stay in [0, 1] whatever the frame's overall level.
    const float best = t[0].score;
    for (int k = 0; k < n; ++k) coef_[off + k] = std::exp(t[k].score - best);
  }
}

void SenoneScorer::ApplyDensityFloor(const std::vector<int>& codebooks) {
  StreamFloors(codebooks);
  for (int cb : codebooks) ClampCodebook(cb);
}

ASR_HOT_KERNEL void SenoneScorer::ScoreAll(const float* frame, float* out) {
  GatherStreams(frame);
  for (int cb : all_codebooks_) EvalCodebook(cb);
  ApplyDensityFloor(all_codebooks_);
  const int n = top_n_;
  float* __restrict total = total_.data();
  float* __restrict acc = acc_.data();
  for (int cb : all_codebooks_) {
    const int begin = weights_->range_begin(cb);
    const int len = weights_->range_end(cb) - begin;
    if (len == 0) continue;
    for (int i = 0; i < len; ++i) total[begin + i] = 0.0f;
    for (int s = 0; s < n_stream_; ++s) {
      const size_t off = (static_cast<size_t>(cb) * n_stream_ + s) * n;
      const Top* t = &top_[off];
      const float* c = &coef_[off];
      const float best = t[0].score;
      float* __restrict tot = total + begin;
      if (n == 4) {
        // Sphinx's default: one fused pass, no intermediate sums in memory.
        const float* __restrict w0 = weights_->Row(s, t[0].cw) + begin;
        const float* __restrict w1 = weights_->Row(s, t[1].cw) + begin;
        const float* __restrict w2 = weights_->Row(s, t[2].cw) + begin;
        const float* __restrict w3 = weights_->Row(s, t[3].cw) + begin;
        const float c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
        for (int i = 0; i < len; ++i) {
          const float mix = c0 * w0[i] + c1 * w1[i] + c2 * w2[i] + c3 * w3[i];
          tot[i] += best + FastLog(mix);
        }
        continue;
      }
      {
        const float* __restrict w = weights_->Row(s, t[0].cw) + begin;
        const float c0 = c[0];
        for (int i = 0; i < len; ++i) acc[i] = c0 * w[i];
      }
      for (int k = 1; k < n; ++k) {
        const float* __restrict w = weights_->Row(s, t[k].cw) + begin;
        const float ck = c[k];
        for (int i = 0; i < len; ++i) acc[i] += ck * w[i];
      }
      for (int i = 0; i < len; ++i) tot[i] += best + FastLog(acc[i]);
    }
  }
  const int n_sen = n_senone();
  for (int p = 0; p < n_sen; ++p) out[weights_->senone_at(p)] = total[p];
}

ASR_HOT_KERNEL void SenoneScorer::ScoreActive(const float* frame, const int* senones, int n_active, float* out) {
  ScoreActive(frame, senones, n_active, out, nullptr, 0);
}

ASR_HOT_KERNEL void SenoneScorer::ScoreActive(const float* frame, const int* senones, int n_active, float* out,
                                              GaussianScoreCache* cache, int frame_index) {
  const int n_sen = n_senone();
  active_codebooks_.clear();
  for (int i = 0; i < n_active; ++i) {
    const int sen = senones[i];
    if (sen < 0 || sen >= n_sen) throw InvalidArgument("senone id " + std::to_string(sen) + " out of range");
    const int cb = model_->CodebookOfSenone(sen);
    if (!cb_mark_[cb]) {
      cb_mark_[cb] = 1;
      active_codebooks_.push_back(cb);
    }
  }
  for (int cb : active_codebooks_) cb_mark_[cb] = 0;
  if (active_codebooks_.empty()) return;
  if (cache == nullptr) {
    GatherStreams(frame);
    for (int cb : active_codebooks_) EvalCodebook(cb);
  } else {
    cache->Bind(codebooks_.get(), top_n_, n_stream_);
    const size_t block = static_cast<size_t>(n_stream_) * top_n_;
    bool gathered = false;
    for (int cb : active_codebooks_) {
      Top* t = &top_[cb * block];
      if (const Top* known = cache->Find(frame_index, cb)) {
        std::copy(known, known + block, t);
        continue;
      }
      if (!gathered) {
        GatherStreams(frame);
        gathered = true;
      }
      EvalCodebook(cb);
      cache->Store(frame_index, cb, t);
    }
  }
  StreamFloors(active_codebooks_);
  // Every senone of an active codebook is scored, in the weights' storage
  // order: the loops stream the top-N weight rows and vectorise, which is
  // cheaper than gathering the requested senones' weights one by one
  // (cache misses), although most codebooks' senones are not all requested.
  // Each senone's arithmetic is the per-senone sum written out: the same
  // result whichever senones are scored.
  const int n = top_n_;
  float* __restrict total = total_.data();
  for (int cb : active_codebooks_) {
    const int begin = weights_->range_begin(cb);
    const int len = weights_->range_end(cb) - begin;
    float* __restrict tot = total + begin;
    if (cache != nullptr) {
      if (const float* known = cache->FindMixtures(frame_index, cb, floors_.data())) {
        std::copy(known, known + len, tot);
        continue;
      }
    }
    ClampCodebook(cb);
    for (int i = 0; i < len; ++i) tot[i] = 0.0f;
    for (int s = 0; s < n_stream_; ++s) {
      const size_t off = (static_cast<size_t>(cb) * n_stream_ + s) * n;
      const Top* t = &top_[off];
      const float* c = &coef_[off];
      const float best = t[0].score;
      if (n == 4) {
        const float* __restrict w0 = weights_->Row(s, t[0].cw) + begin;
        const float* __restrict w1 = weights_->Row(s, t[1].cw) + begin;
        const float* __restrict w2 = weights_->Row(s, t[2].cw) + begin;
        const float* __restrict w3 = weights_->Row(s, t[3].cw) + begin;
        const float c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
        for (int i = 0; i < len; ++i) {
          float acc = 0.0f;
          acc += c0 * w0[i];
          acc += c1 * w1[i];
          acc += c2 * w2[i];
          acc += c3 * w3[i];
          tot[i] += best + FastLog(acc);
        }
      } else {
        for (int i = 0; i < len; ++i) {
          float acc = 0.0f;
          for (int k = 0; k < n; ++k) acc += c[k] * weights_->Row(s, t[k].cw)[begin + i];
          tot[i] += best + FastLog(acc);
        }
      }
    }
    if (cache != nullptr) cache->StoreMixtures(frame_index, cb, floors_.data(), tot, len);
  }
  for (int i = 0; i < n_active; ++i) out[senones[i]] = total[weights_->position(senones[i])];
}

void SenoneScorer::ScoreFrames(const float* frames, int n_frames, float* out) {
  const size_t dim = frame_dim();
  const size_t n_sen = n_senone();
  for (int t = 0; t < n_frames; ++t) ScoreAll(frames + t * dim, out + t * n_sen);
}

}  // namespace asr
