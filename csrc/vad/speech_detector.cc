#include "vad/speech_detector.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/error.h"

namespace asr {

namespace {

constexpr float kLog2Pi = 1.8378770664093453f;
constexpr int kBands = 8;           // mel-band levels recovered from the cepstra
constexpr int kLevels = kBands + 1;  // plus c0
constexpr int kCues = kLevels + 2;   // llr, levels above their floors, spread
constexpr int kRecent = 5;           // frames averaged (causally) before floor tracking
constexpr double kPi = 3.14159265358979323846;

// A small network (14 inputs, 6 tanh units, logistic output) over the
// smoothed cues, fitted by benchmarks/train_vad.py on the even-numbered dev
// utterances, clean and with white noise at 20/10/5 dB SNR; the odd ones are
// its held-out check. Inputs: llr, c0 above floor, spread, llr*spread,
// c0rel*spread, 8 band levels above floor, mean of their positive parts;
// standardised by kCueMean / kCueScale.
constexpr int kInputs = kBands + 6;
constexpr int kHidden = 6;
constexpr float kCueMean[14] = {-0.379685f, 9.658483f, 22.81101f, 10.90611f, 356.3642f, 16.37118f, 14.12526f, 11.24121f, 10.26875f, 8.945616f, 9.024473f, 7.977183f, 7.204805f, 10.65201f};
constexpr float kCueScale[14] = {0.2899444f, 0.09030461f, 0.06329294f, 0.00816129f, 0.001352788f, 0.08074663f, 0.07899508f, 0.08420297f, 0.0854654f, 0.08951278f, 0.08666177f, 0.09068121f, 0.09516136f, 0.09123424f};
constexpr float kHiddenWeights[84] = {-0.07103229f, 0.1464283f, 0.04898145f, -0.6642984f, 0.3578162f, -0.4103788f, 0.2244347f, 0.1945613f, -0.03017518f, -0.1410707f, -0.2120558f, -0.008193343f, -0.01241022f, -0.4269944f, 0.4669278f, 0.5343262f, 0.1271827f, 1.407626f, 0.09634093f, 0.213545f, 0.744934f, -0.2647873f, 0.3611874f, -1.004102f, -1.177912f, 0.2076832f, 0.4493701f, -0.1961886f, -0.7407706f, 1.172777f, -3.927259f, 0.3451541f, -0.4926276f, -0.2710651f, 0.1881685f, 0.3356289f, 0.4471472f, 0.8564326f, -0.4022735f, 0.4107095f, 1.223986f, -0.06455496f, -0.2896961f, -0.6383042f, -1.22379f, 0.9468963f, 0.8403029f, 0.2732121f, -0.4848891f, -0.4903219f, -0.1854366f, 0.2300553f, -0.4566913f, 0.4636876f, -0.9516885f, -0.1903957f, -0.434902f, 0.1993858f, 0.8278134f, 0.2924141f, 1.586524f, -1.51355f, -0.511286f, -0.5397186f, 0.4002589f, 0.3667684f, -0.06897436f, 0.1503385f, -0.2827476f, -0.765319f, 1.231055f, 0.1742088f, 0.2968444f, -0.2145036f, 1.391158f, 0.4560268f, -0.5890007f, -0.9420932f, -0.6777091f, -0.6521232f, -0.8038865f, -0.5888534f, 0.4154845f, -0.1066743f};
constexpr float kHiddenBias[6] = {-1.008663f, 0.5587431f, -1.883132f, -0.9742381f, -0.8516804f, 0.2315503f};
constexpr float kOutputWeights[6] = {-2.086206f, 2.214302f, -2.953141f, 0.959601f, -2.340128f, -1.924837f};
constexpr float kOutputBias = 0.7964506f;

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
  if (o.preroll < 0 || o.preroll > 1000) throw InvalidArgument("speech detector preroll must be 0 to 1000 frames");
  if (!std::isfinite(o.level_range) || o.level_range <= 0.0f)
    throw InvalidArgument("speech detector level_range must be finite and positive");
  if (!std::isfinite(o.threshold) || !std::isfinite(o.sensitivity_scale) || !std::isfinite(o.background_range))
    throw InvalidArgument("speech detector thresholds must be finite");
  if (!std::isfinite(o.floor_rise) || o.floor_rise < 0.0f)
    throw InvalidArgument("speech detector floor_rise must be finite and not negative");
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
  // Noise tracking reads c0..c(n-1) from the front of each frame (the
  // 1s_c_d_dd layout); other layouts keep the plain LLR.
  const FeatParams& fp = model_->feat_params();
  ncep_ = fp.GetInt("ceplen", 13);
  tracking_ = options_.noise_tracking && fp.GetString("feat", "1s_c_d_dd") == "1s_c_d_dd" && ncep_ >= 2 &&
              ncep_ <= frame_dim_;
  if (tracking_) {
    // Level b is the inverse DCT of the un-liftered cepstra at band centre b
    // (row 0 is c0 itself).
    const int lifter = fp.GetInt("lifter", 0);
    band_basis_.assign(static_cast<size_t>(kLevels) * ncep_, 0.0f);
    band_basis_[0] = 1.0f;
    for (int b = 0; b < kBands; ++b)
      for (int n = 0; n < ncep_; ++n) {
        const double lift = lifter > 0 ? 1.0 + 0.5 * lifter * std::sin(kPi * n / lifter) : 1.0;
        band_basis_[static_cast<size_t>(b + 1) * ncep_ + n] =
            static_cast<float>(std::cos(kPi * n * (b + 0.5) / kBands) / lift);
      }
    cues_ = kCues;
  }
}

void SpeechDetector::FrameCues(const float* frame, float llr, float* cues) {
  float level[kLevels];
  for (int b = 0; b < kLevels; ++b) {
    const float* w = band_basis_.data() + static_cast<size_t>(b) * ncep_;
    float v = 0.0f;
    for (int n = 0; n < ncep_; ++n) v += w[n] * frame[n];
    if (tracker_started_) v = std::max(v, peak_[b] - options_.level_range);
    level[b] = v;
    recent_.push_back(v);
  }
  while (recent_.size() > static_cast<size_t>(kRecent * kLevels)) recent_.pop_front();
  const int n_recent = static_cast<int>(recent_.size()) / kLevels;
  if (!tracker_started_) {
    floor_.assign(kLevels, 0.0f);
    peak_.assign(kLevels, 0.0f);
  }
  for (int b = 0; b < kLevels; ++b) {
    float mean = 0.0f;
    for (int i = 0; i < n_recent; ++i) mean += recent_[static_cast<size_t>(i) * kLevels + b];
    mean /= static_cast<float>(n_recent);
    if (!tracker_started_) {
      floor_[b] = peak_[b] = mean;
    } else {
      floor_[b] = mean < floor_[b] ? mean : floor_[b] + options_.floor_rise;
      peak_[b] = mean > peak_[b] ? mean : peak_[b] - options_.floor_rise;
      floor_[b] = std::max(floor_[b], peak_[b] - options_.level_range);
    }
    cues[1 + b] = level[b] - floor_[b];
  }
  tracker_started_ = true;
  cues[0] = llr;
  cues[kCues - 1] = peak_[0] - floor_[0];
}

float SpeechDetector::LogOdds(const float* m) const {
  const float llr = m[0], rel0 = m[1], spread = m[kCues - 1];
  float in[kInputs] = {llr, rel0, spread, llr * spread, rel0 * spread};
  float positive = 0.0f;
  for (int b = 0; b < kBands; ++b) {
    in[5 + b] = m[2 + b];
    positive += std::max(m[2 + b], 0.0f);
  }
  in[5 + kBands] = positive / kBands;
  for (int i = 0; i < kInputs; ++i) in[i] = (in[i] - kCueMean[i]) * kCueScale[i];
  float z = kOutputBias;
  for (int h = 0; h < kHidden; ++h) {
    float a = kHiddenBias[h];
    for (int i = 0; i < kInputs; ++i) a += kHiddenWeights[h * kInputs + i] * in[i];
    z += kOutputWeights[h] * std::tanh(a);
  }
  return z;
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
    const float llr = FrameScore(frame);
    if (tracking_) {
      float cues[kCues];
      FrameCues(frame, llr, cues);
      raw_.insert(raw_.end(), cues, cues + kCues);
    } else {
      raw_.push_back(llr);
    }
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
  recent_.clear();
  tracker_started_ = false;
  level_.clear();
  smoothed_.clear();
  above_.clear();
  loudest_ = -1e30f;
}

void SpeechDetector::Advance(bool flush, SpeechFrames* out) {
  const int L = half_window_, H = options_.hangover, P = options_.preroll;
  const float s = options_.sensitivity;
  const float threshold = (s > 0.0f && s < 1.0f) ? Threshold() : 0.0f;
  const float margin = options_.background_range * (1.0f - options_.background_suppression) + 4.0f;
  // Smooth every frame whose window is complete (or all, when flushing).
  while (n_smoothed_ < n_in_ && (flush || n_smoothed_ + L < n_in_)) {
    const int t = n_smoothed_;
    const int lo = std::max(0, t - L), hi = std::min(n_in_ - 1, t + L);
    float mean[kCues] = {0.0f};
    float level = 0.0f;
    for (int f = lo; f <= hi; ++f) {
      const size_t at = static_cast<size_t>(f - raw_first_) * cues_;
      for (int k = 0; k < cues_; ++k) mean[k] += raw_[at + k];
      level += level_[f - raw_first_];
    }
    for (int k = 0; k < cues_; ++k) mean[k] /= static_cast<float>(hi - lo + 1);
    level /= static_cast<float>(hi - lo + 1);
    const float score = tracking_ ? LogOdds(mean) : mean[0];
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
      raw_.erase(raw_.begin(), raw_.begin() + cues_);
      level_.pop_front();
      ++raw_first_;
    }
  }
  // Decide every frame whose look-ahead is smoothed: speech when any frame
  // from `hangover` before it to `preroll` after it is above the threshold.
  out->first_frame = n_out_;
  while (n_out_ < n_smoothed_ && (flush || n_out_ + P < n_smoothed_)) {
    const int t = n_out_;
    const int lo = std::max(above_first_, t - H), hi = std::min(n_smoothed_ - 1, t + P);
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
