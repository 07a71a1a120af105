// Who spoke when: speaker-change detection and clustering over cepstra.
//
// The pipeline is the classic one of broadcast-news diarization, on
// statistics of frames the front end already computes:
//   1. speech frames only (the caller's speech detector marks them); each
//      run of speech between pauses is a region;
//   2. speaker changes inside a region at the peaks of dBIC between the
//      windows either side of a candidate point (gaussian_stats.h);
//   3. agglomerative clustering of the segments: merge the pair with the
//      lowest dBIC while it is negative, which estimates the number of
//      speakers (and always until at most `max_speakers` are left);
//   4. Viterbi resegmentation of the speech frames against one
//      full-covariance Gaussian per speaker, with a penalty per speaker
//      switch, re-estimating the Gaussians a few times.
// The per-frame log-likelihoods of the final speaker models come back too,
// so the caller can give each word a posterior confidence.
#pragma once

#include <cstdint>
#include <vector>

namespace asr {

struct SpeakerDiarizerOptions {
  int change_window = 100;          // frames each side of a candidate speaker change
  int change_step = 5;              // frames between candidate change points
  float change_penalty = 1.0f;      // BIC lambda of change detection (higher: fewer changes)
  int min_segment = 100;            // frames: shortest segment change detection makes
  float cluster_penalty = 2.0f;     // BIC lambda of clustering (higher: fewer speakers)
  int min_speakers = 1;             // clustering stops at this many
  int max_speakers = 6;             // and always merges down to this many
  float switch_penalty = 40.0f;     // nats per speaker switch in resegmentation
  float pause_switch_penalty = 10.0f;  // the same across a pause
  int resegment_iterations = 2;     // Viterbi / re-estimation rounds (0: keep the clusters)
  float variance_floor = 0.3f;      // share of the recording's variance added to each covariance
};

struct Diarization {
  int n_speakers = 0;
  std::vector<int> speaker;        // per frame; -1 where not speech
  std::vector<float> loglik;       // [frame][speaker] per-frame log-likelihood (speech frames; 0 elsewhere)
  std::vector<int> change_points;  // frames where step 2 found a speaker change
};

class SpeakerDiarizer {
 public:
  explicit SpeakerDiarizer(const SpeakerDiarizerOptions& options = {});
  const SpeakerDiarizerOptions& options() const { return options_; }

  // features: n_frames x dim, row-major; speech: n_frames flags (1 = speech).
  Diarization Run(const float* features, int n_frames, int dim, const uint8_t* speech) const;

 private:
  SpeakerDiarizerOptions options_;
};

}  // namespace asr
