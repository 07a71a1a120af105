// Senone log-likelihoods for feature frames: the acoustic scores that the
// aligner and the decoder add to their path scores.
//
// Per frame and codebook/stream it keeps the top-N Gaussians (Sphinx -topn),
// raises densities that fall too far below the frame's best to a floor (as
// Sphinx's tied-mixture scorers do), and mixes them with the senones'
// weights. It can score every senone or only those a search asks for.
//
// The model is shared and immutable; a scorer holds per-thread scratch
// space, so use one scorer per thread or stream. Adaptation plugs in
// without changing this interface: pass codebooks from
// GaussianCodebooks::Transformed (an MLLR mean transform) as `codebooks`.
#pragma once

#include <memory>
#include <vector>

#include "am/acoustic_model.h"
#include "am/gaussian_score_cache.h"

namespace asr {

// Sphinx's tied-mixture scorers clamp densities at 96 quantisation steps of
// 1024 * ln(1.0001) below the best density of the frame.
constexpr float kSphinxDensityFloor = 96.0f * 1024.0f * 9.99950003e-5f;

struct ScorerOptions {
  int top_n = 4;  // Gaussians kept per codebook and stream (Sphinx -topn)
  // Densities more than this many nats below the frame's best (per stream)
  // are raised to that level; negative picks Sphinx's choice for the model
  // kind (kSphinxDensityFloor for semi/ptm, none for cont), 0 disables.
  float density_floor = -1.0f;
};

class SenoneScorer {
 public:
  explicit SenoneScorer(std::shared_ptr<const AcousticModel> model, const ScorerOptions& options = {},
                        std::shared_ptr<const GaussianCodebooks> codebooks = nullptr);

  int n_senone() const { return model_->n_senone(); }
  int frame_dim() const { return model_->frame_dim(); }
  int top_n() const { return top_n_; }
  const AcousticModel& model() const { return *model_; }

  // Log-likelihoods of all senones for one frame (frame_dim floats).
  void ScoreAll(const float* frame, float* out);
  // Log-likelihoods of the listed senones only: writes out[senones[i]]
  // and leaves the rest of `out` alone.
  void ScoreActive(const float* frame, const int* senones, int n_active, float* out);
  // The same, taking the frame's top-N Gaussian selections from `cache`
  // (entry `frame_index`) where present and storing those it computes:
  // bit-identical scores, one Gaussian evaluation per (frame, codebook)
  // across all searches sharing the cache.
  void ScoreActive(const float* frame, const int* senones, int n_active, float* out, GaussianScoreCache* cache,
                   int frame_index);
  // n_frames consecutive frames into an n_frames x n_senone matrix.
  void ScoreFrames(const float* frames, int n_frames, float* out);

 private:
  using Top = GaussianTop;
  void GatherStreams(const float* frame);
  void EvalCodebook(int cb);           // fills top_[cb]
  void ApplyDensityFloor(const std::vector<int>& codebooks);
  void StreamFloors(const std::vector<int>& codebooks);  // fills floors_ from the raw selections
  void ClampCodebook(int cb);                            // applies floors_ to top_[cb], sets coef_

  std::shared_ptr<const AcousticModel> model_;
  std::shared_ptr<const GaussianCodebooks> codebooks_;
  const MixtureWeights* weights_;
  int top_n_;
  float density_floor_;
  int n_stream_;
  std::vector<std::vector<int>> stream_dims_;
  // Scratch, reused across frames.
  std::vector<std::vector<float>> x_;  // per-stream feature slices
  std::vector<float> dens_;            // densities of one codebook/stream
  std::vector<Top> top_;               // [cb][stream][top_n], best first
  std::vector<float> coef_;            // exp(score - best score) for top_
  std::vector<float> floors_;          // per stream: the density floor of the frame
  std::vector<float> acc_;             // per-senone mixture sums
  std::vector<float> total_;           // scores in scoring order
  std::vector<int> all_codebooks_;
  std::vector<int> active_codebooks_;
  std::vector<uint8_t> cb_mark_;
};

}  // namespace asr
