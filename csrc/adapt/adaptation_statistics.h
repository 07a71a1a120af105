// Sufficient statistics for adapting an acoustic model to new audio.
//
// For every Gaussian (codebook, stream, density): its occupancy (summed
// posterior), and the posterior-weighted sums of the observations and of
// their squares; for every senone, stream and density: the occupancy of
// that density in the senone's mixture (for MAP mixture weights).
//
// Frames arrive with the senone an alignment put them in (a Viterbi state
// alignment, one senone per frame; -1 for frames to skip) and an optional
// weight per frame (word confidence). Inside the senone's mixture, each
// density's posterior comes from the model given at construction (the base
// model, or an adapted one for another iteration). The statistics may be
// gathered from other features than those that give the posteriors: with
// stereo data (one recording through two channels) the clean channel
// decides which Gaussian a frame belongs to and the other is observed.
#pragma once

#include <memory>
#include <vector>

#include "am/acoustic_model.h"

namespace asr {

class AdaptationStatistics {
 public:
  explicit AdaptationStatistics(std::shared_ptr<const AcousticModel> model);

  // Adds n_frames frames (n_frames x frame_dim). senones[t] < 0 skips frame
  // t; `weights` (may be null) scales each frame's posteriors; `observed`
  // (may be null: `features`) are the features the sums are taken over.
  void Accumulate(const float* features, const float* observed, int n_frames, const int* senones,
                  const float* weights);
  // Adds another set gathered with the same model shape.
  void Merge(const AdaptationStatistics& other);

  const AcousticModel& model() const { return *model_; }
  int n_codebook() const { return n_codebook_; }
  int n_stream() const { return static_cast<int>(veclen_.size()); }
  int n_density() const { return n_density_; }
  int veclen(int stream) const { return veclen_[stream]; }

  double frames() const { return frames_; }  // weighted frames accumulated
  double CodebookFrames(int cb) const { return codebook_frames_[cb]; }
  double Occupancy(int cb, int stream, int density) const { return occ_[Index(cb, stream, density)]; }
  // veclen(stream) sums of posterior x observation (and its square).
  const double* FirstOrder(int cb, int stream, int density) const { return &x1_[DimOffset(cb, stream, density)]; }
  const double* SecondOrder(int cb, int stream, int density) const { return &x2_[DimOffset(cb, stream, density)]; }
  // Occupancy of `density` in `senone`'s mixture for `stream`.
  float MixtureCount(int senone, int stream, int density) const {
    return mix_[(static_cast<size_t>(senone) * n_stream() + stream) * n_density_ + density];
  }

 private:
  size_t Index(int cb, int stream, int density) const {
    return (static_cast<size_t>(cb) * n_stream() + stream) * n_density_ + density;
  }
  size_t DimOffset(int cb, int stream, int density) const {
    return (static_cast<size_t>(cb) * n_density_ + density) * frame_len_ + stream_offset_[stream];
  }

  std::shared_ptr<const AcousticModel> model_;
  int n_codebook_ = 0;
  int n_density_ = 0;
  std::vector<int> veclen_;
  std::vector<int> stream_offset_;  // offset of a stream in one Gaussian's frame_len_ values
  int frame_len_ = 0;               // sum of stream lengths
  double frames_ = 0;
  std::vector<double> codebook_frames_;
  std::vector<double> occ_;  // [cb][stream][density]
  std::vector<double> x1_;   // [cb][density][all stream dims]
  std::vector<double> x2_;
  std::vector<float> mix_;   // [senone][stream][density]
};

}  // namespace asr
