// Streaming MFCC front end, numerically the Sphinx front end: pre-emphasis,
// Hamming window, power spectrum, mel filterbank, optional noise removal,
// log, cosine transform and lifter.
//
// Audio can arrive in chunks of any size; the cepstra are the same as for
// one call with the whole signal. Frames start every FrameShift() samples;
// Finish() emits the last, zero-padded partial frame as Sphinx does, then
// resets the front end for the next utterance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "frontend/cepstral_transform.h"
#include "frontend/frontend_options.h"
#include "frontend/mel_filterbank.h"
#include "frontend/noise_remover.h"
#include "frontend/real_fft.h"

namespace asr {

class Frontend {
 public:
  explicit Frontend(const FrontendOptions& opts);

  const FrontendOptions& options() const { return opts_; }
  int num_cepstra() const { return opts_.num_cepstra; }

  // samples: mono audio at options().sample_rate, full scale = 1.0 (the
  // front end works internally in 16-bit units, the scale of the models'
  // training data). Appends the cepstra of every completed frame to
  // `cepstra` (num_cepstra() floats per frame).
  void AcceptWaveform(const float* samples, size_t n, std::vector<float>* cepstra);

  // Emits the final partial frame (if any audio is pending) and starts a new
  // utterance.
  void Finish(std::vector<float>* cepstra);

  // Drops pending audio and state: the next sample starts a new utterance.
  void Reset();

  // Frames the whole signal would give: 0 for no audio, else full frames
  // plus the final partial one.
  static int64_t NumFrames(const FrontendOptions& opts, int64_t num_samples);

 private:
  void QueueFrame(const float* frame, int len);
  void FlushBlock(std::vector<float>* cepstra);
  uint32_t NextRandom();

  FrontendOptions opts_;
  int frame_shift_, frame_size_, fft_size_;
  std::vector<float> window_;
  RealFft fft_;
  MelFilterbank mel_;
  CepstralTransformer dct_;
  std::unique_ptr<NoiseRemover> noise_;

  std::vector<float> pending_;   // pre-emphasised samples from the next frame start
  size_t pending_start_ = 0;     // index in pending_ of the next frame start
  float last_sample_ = 0;        // previous input sample, for pre-emphasis
  uint64_t rng_state_;

  std::vector<float> block_;     // [fft point][lane] windowed frames
  int block_count_ = 0;          // frames queued for the next block
  const float* lane_src_[RealFft::kLanes];  // each queued frame's pre-emphasised samples
  float lane_mean_[RealFft::kLanes];        // and its mean, when removing DC
  std::vector<float> partial_;   // the final partial frame, zero-padded to a window
  std::vector<float> power_;     // [bin][lane]
  std::vector<float> energies_;  // [filter][lane]
};

}  // namespace asr
