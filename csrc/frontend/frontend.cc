#include "frontend/frontend.h"

#include <algorithm>
#include <cmath>

#include "common/fast_math.h"

namespace asr {

namespace {
constexpr int kLanes = RealFft::kLanes;
// Scale of 16-bit PCM: the models were trained on integer sample values.
constexpr float kPcmScale = 32768.0f;
// Added before the log so that silent filters stay finite, as in Sphinx.
constexpr float kLogFloor = 1e-4f;
}  // namespace

Frontend::Frontend(const FrontendOptions& opts)
    : opts_((opts.Validate(), opts)),
      frame_shift_(opts.FrameShift()),
      frame_size_(opts.FrameSize()),
      fft_size_(opts.FftSize()),
      fft_(opts.FftSize()),
      mel_(opts),
      dct_(opts) {
  window_.resize(frame_size_);
  for (int i = 0; i < frame_size_; ++i) {
    const int k = std::min(i, frame_size_ - 1 - i);
    // Sphinx windows the two halves symmetrically and leaves an odd middle
    // sample unscaled (its Hamming weight is 1 anyway).
    window_[i] = (frame_size_ % 2 == 1 && i == frame_size_ / 2)
                     ? 1.0f
                     : static_cast<float>(0.54 - 0.46 * std::cos(2 * M_PI * k / (frame_size_ - 1.0)));
  }
  if (opts.remove_noise) noise_ = std::make_unique<NoiseRemover>(opts.num_filters);
  // Points past the window stay zero: QueueFrame only writes the window.
  block_.assign(static_cast<size_t>(fft_size_) * kLanes, 0.0f);
  power_.resize(static_cast<size_t>(fft_.NumBins()) * kLanes);
  energies_.resize(static_cast<size_t>(opts.num_filters) * kLanes);
  Reset();
}

void Frontend::Reset() {
  pending_.clear();
  pending_start_ = 0;
  last_sample_ = 0;
  block_count_ = 0;
  rng_state_ = opts_.seed >= 0 ? static_cast<uint64_t>(opts_.seed) : 0x853c49e6748fea9bULL;
  if (noise_) noise_->Reset();
}

uint32_t Frontend::NextRandom() {
  // xorshift64*: cheap, deterministic per utterance, independent of chunking.
  rng_state_ ^= rng_state_ >> 12;
  rng_state_ ^= rng_state_ << 25;
  rng_state_ ^= rng_state_ >> 27;
  return static_cast<uint32_t>((rng_state_ * 0x2545F4914F6CDD1DULL) >> 32);
}

int64_t Frontend::NumFrames(const FrontendOptions& opts, int64_t n) {
  if (n <= 0) return 0;
  const int64_t size = opts.FrameSize(), shift = opts.FrameShift();
  const int64_t full = n >= size ? 1 + (n - size) / shift : 0;
  return full + 1;  // the final partial frame always holds some samples
}

void Frontend::AcceptWaveform(const float* samples, size_t n, std::vector<float>* cepstra) {
  const float alpha = static_cast<float>(opts_.preemphasis);
  const size_t old = pending_.size();
  pending_.resize(old + n);
  float* out = pending_.data() + old;
  float prev = last_sample_;
  for (size_t i = 0; i < n; ++i) {
    float x = samples[i] * kPcmScale;
    if (opts_.dither && (NextRandom() % 4 == 0)) x += 1.0f;
    out[i] = x - alpha * prev;
    prev = x;
  }
  last_sample_ = prev;
  while (pending_.size() - pending_start_ >= static_cast<size_t>(frame_size_)) {
    QueueFrame(pending_.data() + pending_start_, frame_size_);
    pending_start_ += frame_shift_;
    if (block_count_ == kLanes) FlushBlock(cepstra);
  }
  FlushBlock(cepstra);
  // Compact so the buffer holds less than one window between calls.
  if (pending_start_ > 0) {
    pending_.erase(pending_.begin(), pending_.begin() + pending_start_);
    pending_start_ = 0;
  }
}

void Frontend::Finish(std::vector<float>* cepstra) {
  const size_t left = pending_.size() - pending_start_;
  if (left > 0) {
    QueueFrame(pending_.data() + pending_start_, static_cast<int>(left));
    FlushBlock(cepstra);
  }
  Reset();
}

void Frontend::QueueFrame(const float* frame, int len) {
  if (len < frame_size_) {
    // Only the last frame of an utterance is short; pad it with zeros.
    partial_.assign(frame_size_, 0.0f);
    std::copy(frame, frame + len, partial_.begin());
    frame = partial_.data();
  }
  const int lane = block_count_++;
  float mean = 0;
  if (opts_.remove_dc) {
    double sum = 0;
    for (int i = 0; i < frame_size_; ++i) sum += frame[i];
    mean = static_cast<float>(sum / frame_size_);  // zero padding counts, as in Sphinx
  }
  lane_src_[lane] = frame;
  lane_mean_[lane] = mean;
}

void Frontend::FlushBlock(std::vector<float>* cepstra) {
  if (block_count_ == 0) return;
  // Window the queued frames into the interleaved block: sample by sample,
  // so every store is one contiguous group of lanes.
  const int count = block_count_;
  for (int l = count; l < kLanes; ++l) {  // idle lanes read a real frame; their output is dropped
    lane_src_[l] = lane_src_[0];
    lane_mean_[l] = lane_mean_[0];
  }
  for (int i = 0; i < frame_size_; ++i) {
    const float w = window_[i];
    float* dst = block_.data() + static_cast<size_t>(i) * kLanes;
    for (int l = 0; l < kLanes; ++l) dst[l] = (lane_src_[l][i] - lane_mean_[l]) * w;
  }
  fft_.PowerSpectrum(block_.data(), power_.data());
  mel_.Apply(power_.data(), energies_.data());
  // Noise removal carries state from frame to frame, so lanes go in order.
  if (noise_)
    for (int lane = 0; lane < block_count_; ++lane) noise_->Process(energies_.data() + lane, kLanes);
  for (float& e : energies_) e = FastLog(e + kLogFloor);  // vectorises, unlike logf
  const size_t base = cepstra->size();
  cepstra->resize(base + static_cast<size_t>(block_count_) * opts_.num_cepstra);
  dct_.Apply(energies_.data(), block_count_, cepstra->data() + base);
  block_count_ = 0;
}

}  // namespace asr
