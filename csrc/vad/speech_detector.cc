#include "vad/speech_detector.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/error.h"

namespace asr {

namespace {

constexpr float kLog2Pi = 1.8378770664093453f;

float LogSumExp(const float* v, int n) {
  float best = -1e30f;
  for (int i = 0; i < n; ++i) best = std::max(best, v[i]);
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) sum += std::exp(v[i] - best);
  return best + std::log(sum);
}

void CheckOptions(const SpeechDetectorOptions& o) {
  if (!(o.sensitivity >= 0.0f && o.sensitivity <= 1.0f))
    throw InvalidArgument("speech detector sensitivity must be between 0.0 and 1.0");
  if (!(o.background_suppression >= 0.0f && o.background_suppression <= 1.0f))
    throw InvalidArgument("background audio suppression must be between 0.0 and 1.0");
  if (o.densities < 1) throw InvalidArgument("speech detector densities must be at least 1");
  if (o.window < 1 || o.window % 2 == 0) throw InvalidArgument("speech detector window must be a positive odd frame count");
  if (o.hangover < 0) throw InvalidArgument("speech detector hangover must not be negative");
  if (!std::isfinite(o.threshold) || !std::isfinite(o.sensitivity_scale) || !std::isfinite(o.background_range))
    throw InvalidArgument("speech detector thresholds must be finite");
}

}  // namespace

SpeechDetector::SpeechDetector(std::shared_ptr<const AcousticModel> model, const SpeechDetectorOptions& options)
    : model_(std::move(model)), options_(options) {
  if (!model_) throw InvalidArgument("speech detector needs an acoustic model");
  CheckOptions(options_);
  frame_dim_ = model_->frame_dim();
  half_window_ = options_.window / 2;
  stream_dims_ = model_->streams().streams;
  const Mdef& mdef = model_->mdef();
  // Context-independent senones split by class: SIL and noise fillers
  // against every speech phone.
  std::vector<int> speech, noise;
  for (int s = 0; s < mdef.n_ci_senone(); ++s)
    (mdef.IsFiller(mdef.SenoneCiPhone(s)) ? noise : speech).push_back(s);
  if (speech.empty() || noise.empty())
    throw InvalidArgument("the acoustic model has no silence or no speech phones to detect speech with");
  for (int st = 0; st < static_cast<int>(stream_dims_.size()); ++st) {
    speech_.push_back(Distill(speech, st));
    noise_.push_back(Distill(noise, st));
  }
  x_.resize(frame_dim_);
  terms_.resize(options_.densities);
}

SpeechDetector::Mixture SpeechDetector::Distill(const std::vector<int>& senones, int stream) const {
  const GaussianCodebooks& cbs = *model_->codebooks();
  const MixtureWeights& w = model_->weights();
  const int n_density = cbs.n_density();
  // Class weight of each (codebook, density): the mean over the class's
  // senones of their weight for it.
  std::vector<double> weight(static_cast<size_t>(cbs.n_codebook()) * n_density, 0.0);
  for (int s : senones) {
    const int cb = model_->CodebookOfSenone(s);
    for (int d = 0; d < n_density; ++d) weight[static_cast<size_t>(cb) * n_density + d] += w.Weight(stream, d, s);
  }
  std::vector<int> order(weight.size());
  std::iota(order.begin(), order.end(), 0);
  const int keep = std::min<int>(options_.densities, static_cast<int>(order.size()));
  std::partial_sort(order.begin(), order.begin() + keep, order.end(),
                    [&](int a, int b) { return weight[a] > weight[b]; });
  double total = 0.0;
  for (int i = 0; i < keep; ++i) total += weight[order[i]];
  const int dim = cbs.veclen(stream);
  Mixture m;
  m.n = keep;
  m.mean.assign(static_cast<size_t>(dim) * keep, 0.0f);
  m.half_inv_var.assign(static_cast<size_t>(dim) * keep, 0.0f);
  m.log_const.assign(keep, 0.0f);
  for (int i = 0; i < keep; ++i) {
    const int cb = order[i] / n_density, d = order[i] % n_density;
    const float* mu = cbs.Mean(cb, stream, d);
    const float* var = cbs.Variance(cb, stream, d);
    double log_det = 0.0;
    for (int k = 0; k < dim; ++k) {
      m.mean[static_cast<size_t>(k) * keep + i] = mu[k];
      m.half_inv_var[static_cast<size_t>(k) * keep + i] = 0.5f / var[k];
      log_det += std::log(var[k]);
    }
    const double share = total > 0.0 ? weight[order[i]] / total : 1.0 / keep;
    m.log_const[i] = static_cast<float>(std::log(std::max(share, 1e-30)) - 0.5 * (dim * kLog2Pi + log_det));
  }
  return m;
}

int SpeechDetector::densities_per_frame() const {
  int n = 0;
  for (size_t st = 0; st < speech_.size(); ++st) n += speech_[st].n + noise_[st].n;
  return n;
}

float SpeechDetector::MixtureLogLikelihood(const Mixture& m, const float* x) {
  float* t = terms_.data();
  const int n = m.n;
  for (int i = 0; i < n; ++i) t[i] = m.log_const[i];
  const int dim = static_cast<int>(m.mean.size()) / std::max(n, 1);
  for (int k = 0; k < dim; ++k) {
    const float* mu = m.mean.data() + static_cast<size_t>(k) * n;
    const float* h = m.half_inv_var.data() + static_cast<size_t>(k) * n;
    const float xk = x[k];
    for (int i = 0; i < n; ++i) {
      const float diff = xk - mu[i];
      t[i] -= diff * diff * h[i];
    }
  }
  return LogSumExp(t, n);
}

float SpeechDetector::FrameScore(const float* frame) {
  float llr = 0.0f;
  for (size_t st = 0; st < stream_dims_.size(); ++st) {
    const std::vector<int>& dims = stream_dims_[st];
    for (size_t k = 0; k < dims.size(); ++k) x_[k] = frame[dims[k]];
    llr += MixtureLogLikelihood(speech_[st], x_.data()) - MixtureLogLikelihood(noise_[st], x_.data());
  }
  return llr;
}

float SpeechDetector::Threshold() const {
  const float s = options_.sensitivity;
  return options_.threshold + options_.sensitivity_scale * std::log((1.0f - s) / s);
}

SpeechFrames SpeechDetector::Accept(const float* frames, int n_frames) {
  if (n_frames < 0) throw InvalidArgument("negative frame count");
  for (int f = 0; f < n_frames; ++f) {
    const float* frame = frames + static_cast<size_t>(f) * frame_dim_;
    for (int k = 0; k < frame_dim_; ++k)
      if (!std::isfinite(frame[k])) throw InvalidArgument("features contain NaN or infinity");
    raw_.push_back(FrameScore(frame));
    level_.push_back(frame[0]);
    ++n_in_;
  }
  SpeechFrames out;
  Advance(false, &out);
  return out;
}

SpeechFrames SpeechDetector::Finish() {
  SpeechFrames out;
  Advance(true, &out);
  return out;
}

void SpeechDetector::Reset() {
  n_in_ = n_smoothed_ = n_out_ = 0;
  raw_first_ = above_first_ = 0;
  raw_.clear();
  level_.clear();
  smoothed_.clear();
  above_.clear();
  loudest_ = -1e30f;
}

void SpeechDetector::Advance(bool flush, SpeechFrames* out) {
  const int L = half_window_, H = options_.hangover;
  const float s = options_.sensitivity;
  const float threshold = (s > 0.0f && s < 1.0f) ? Threshold() : 0.0f;
  const float margin = options_.background_range * (1.0f - options_.background_suppression) + 4.0f;
  // Smooth every frame whose window is complete (or all, when flushing).
  while (n_smoothed_ < n_in_ && (flush || n_smoothed_ + L < n_in_)) {
    const int t = n_smoothed_;
    const int lo = std::max(0, t - L), hi = std::min(n_in_ - 1, t + L);
    float score = 0.0f, level = 0.0f;
    for (int f = lo; f <= hi; ++f) {
      score += raw_[f - raw_first_];
      level += level_[f - raw_first_];
    }
    score /= static_cast<float>(hi - lo + 1);
    level /= static_cast<float>(hi - lo + 1);
    bool above;
    if (s <= 0.0f) {
      above = false;
    } else if (s >= 1.0f) {
      above = true;
    } else {
      above = score > threshold;
      if (above && options_.background_suppression > 0.0f) {
        loudest_ = std::max(loudest_, level);
        above = level >= loudest_ - margin;
      }
    }
    smoothed_.push_back(score);
    above_.push_back(above ? 1 : 0);
    ++n_smoothed_;
    while (raw_first_ < n_smoothed_ - L) {
      raw_.pop_front();
      level_.pop_front();
      ++raw_first_;
    }
  }
  // Decide every frame whose look-ahead is smoothed: speech when any frame
  // from `hangover` before it to `L` after it is above the threshold.
  out->first_frame = n_out_;
  while (n_out_ < n_smoothed_ && (flush || n_out_ + L < n_smoothed_)) {
    const int t = n_out_;
    const int lo = std::max(above_first_, t - H), hi = std::min(n_smoothed_ - 1, t + L);
    bool speech = false;
    for (int f = lo; f <= hi && !speech; ++f) speech = above_[f - above_first_] != 0;
    if (s <= 0.0f) speech = false;
    out->scores.push_back(smoothed_.front());
    out->speech.push_back(speech ? 1 : 0);
    smoothed_.pop_front();
    ++n_out_;
    while (above_first_ < n_out_ - H) {
      above_.pop_front();
      ++above_first_;
    }
  }
}

}  // namespace asr
