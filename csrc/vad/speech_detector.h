// Frame-level speech / non-speech decisions from the acoustic model.
//
// Two small Gaussian mixtures are distilled from the model when the
// detector is built: one for speech (the context-independent senones of the
// speech phones) and one for non-speech (the senones of SIL and the noise
// fillers). Each keeps, per feature stream, only the densities that carry
// most of its class's mixture weight, so a frame costs a few dozen Gaussian
// evaluations instead of the decoder's thousands. The per-frame score is the
// log-likelihood ratio speech vs non-speech, averaged over a short centred
// window; a frame is speech when the smoothed score clears a threshold set
// by `sensitivity`, extended by a hangover so that short dips inside words
// are not cut. With `background_suppression` on, speech quieter than the
// loudest speech heard so far (by the frame's c0) is treated as background.
//
// Noise tracking (on by default): acoustic-model likelihoods alone degrade
// fast in noise (noise frames look like fricatives), so the score becomes a
// log-odds of speech that also weighs how far the frame's energy and eight
// mel-band levels (from c0 and the cepstra) rise above noise floors tracked
// per band (a floor follows the minimum down at once and rises slowly),
// and how far the loudest recent level is above the floor (a proxy of the
// SNR that tells how much to trust each cue). The combination is a
// logistic regression fitted on half of the dev utterances, clean and with
// added noise (benchmarks/train_vad.py); scores are then log-odds.
//
// Streaming: Accept() takes feature frames as they come and returns the
// decisions that are final; each frame's decision is known `delay()` frames
// after it arrived (a fixed look-ahead: half the window, plus the pre-roll).
// Finish() returns the rest.
//
// Digital silence (exact zeros: the front end's log floor, far below any
// real noise) would drag the noise floors, and with them every cue, out of
// the range the network was fitted on; levels and floors are therefore
// kept within `level_range` below the tracked peak.
// The model is shared and immutable; a detector is per stream.
#pragma once

#include <deque>
#include <memory>
#include <vector>

#include "am/acoustic_model.h"

namespace asr {

struct SpeechDetectorOptions {
  float sensitivity = 0.5f;             // 0 suppresses everything, 1 suppresses nothing
  float background_suppression = 0.0f;  // 0 off; 1 suppresses all but the loudest speech
  int densities = 128;                  // Gaussians kept per stream and class
  int window = 21;                      // frames averaged, centred (odd); look-ahead (window-1)/2
  int hangover = 10;                    // frames kept as speech after the score drops
  int preroll = 2;                      // frames marked speech before the score rises (look-ahead of the decision)
  float threshold = 0.75f;              // smoothed score at sensitivity 0.5 (log-odds; LLR nats/frame without noise tracking)
  float sensitivity_scale = 3.0f;       // threshold shift per unit of logit(sensitivity)
  float background_range = 30.0f;       // c0 below the loudest speech kept at suppression 0+ (shrinks to 4 at 1)
  bool noise_tracking = true;           // log-odds with noise-floor tracking (false: the plain LLR)
  float floor_rise = 0.005f;            // noise floors rise this much (c0 units) per frame
  float level_range = 60.0f;            // levels and floors are kept within this much (c0 units) below the peak
};

// Decisions for a run of frames, in frame order.
struct SpeechFrames {
  int first_frame = 0;          // index of the first frame (since the stream began)
  std::vector<float> scores;    // smoothed LLR per frame, nats
  std::vector<uint8_t> speech;  // 1 = speech
};

class SpeechDetector {
 public:
  SpeechDetector(std::shared_ptr<const AcousticModel> model, const SpeechDetectorOptions& options = {});

  const SpeechDetectorOptions& options() const { return options_; }
  int frame_dim() const { return frame_dim_; }
  // Frames between a frame's arrival and its decision.
  int delay() const { return half_window_ + options_.preroll; }
  // Gaussian evaluations per frame (cost measure).
  int densities_per_frame() const;

  // Raw speech-vs-non-speech log-likelihood ratio of one frame.
  float FrameScore(const float* frame);
  SpeechFrames Accept(const float* frames, int n_frames);
  SpeechFrames Finish();
  void Reset();

 private:
  // One class's mixture for one stream: dimension-major for the inner loop.
  struct Mixture {
    int n = 0;
    std::vector<float> mean;          // [dim][n]
    std::vector<float> half_inv_var;  // [dim][n]
    std::vector<float> log_const;     // [n]: log weight + Gaussian normaliser
  };
  Mixture Distill(const std::vector<int>& senones, int stream) const;
  float MixtureLogLikelihood(const Mixture& m, const float* x);
  float Threshold() const;
  // Per-frame cues before smoothing (kCues values) and the log-odds of their smoothed means.
  void FrameCues(const float* frame, float llr, float* cues);
  float LogOdds(const float* mean_cues) const;
  // Turns raw scores up to `end` (exclusive; all when flushing) into decisions.
  void Advance(bool flush, SpeechFrames* out);

  std::shared_ptr<const AcousticModel> model_;
  SpeechDetectorOptions options_;
  int frame_dim_ = 0;
  int half_window_ = 0;
  std::vector<std::vector<int>> stream_dims_;
  std::vector<Mixture> speech_, noise_;  // per stream
  std::vector<float> x_, terms_;         // scratch
  bool tracking_ = false;                // noise tracking in use (the model's features allow it)
  int cues_ = 1;                         // values per frame in raw_
  std::vector<float> band_basis_;        // [kBands+1][ncep]: c0 and mel-band levels from cepstra
  int ncep_ = 0;

  // Streaming state.
  int n_in_ = 0;               // frames received
  int n_smoothed_ = 0;         // frames whose smoothed score is known
  int n_out_ = 0;              // frames decided
  int raw_first_ = 0;          // frame of raw_[0] and level_[0]
  std::deque<float> raw_;      // cues (cues_ per frame) of frames still inside a window
  std::deque<float> recent_;   // levels of the last few frames (floor tracker input)
  std::vector<float> floor_, peak_;  // tracked per level
  bool tracker_started_ = false;
  std::deque<float> level_;    // their c0
  std::deque<float> smoothed_; // smoothed scores from frame n_out_ on
  int above_first_ = 0;        // frame of above_[0]
  std::deque<uint8_t> above_;  // threshold decisions from frame n_out_ - hangover on
  float loudest_ = -1e30f;     // highest smoothed c0 of speech so far
};

}  // namespace asr
