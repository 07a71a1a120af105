// The top-N Gaussian selections of one utterance's frames, kept for
// several searches over the same features.
//
// N-best re-scoring aligns up to 8 word sequences of one utterance to its
// features, and most of each alignment's time is the Gaussian densities of
// the codebooks its live states need (SenoneScorer::EvalCodebook). Those
// top-N selections depend only on the frame and the codebook, not on which
// other codebooks a search scores, so a scorer given this cache computes
// each (frame, codebook) once and copies it afterwards: the senone scores
// stay bit-identical. The senone mixtures of a codebook are kept too, with
// the density floors they were computed under: a floor is relative to the
// best codebook scored in the frame, so they are reused only where the
// floors clamp the same densities (same floor, or none clamped under
// either), which again gives identical scores.
//
// Entries are filled lazily and stored sparsely (one block per used frame
// and codebook), so memory follows what the searches touched, not frames x
// codebooks; mixtures stop being stored past kMaxMixtureBytes (a
// semi-continuous model's one codebook holds every senone). The cache keeps a copy of the features it was made for and
// refuses other features, other codebooks or another top-N. It is not for
// concurrent use: a search holds its lock while it runs.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace asr {

class GaussianCodebooks;

// One selected Gaussian: its index in the codebook and its log density.
struct GaussianTop {
  int cw;
  float score;
};

class GaussianScoreCache {
 public:
  // `features`: n_frames x frame_dim, copied.
  GaussianScoreCache(const float* features, int n_frames, int frame_dim);

  int n_frames() const { return n_frames_; }
  int frame_dim() const { return frame_dim_; }
  // Number of (frame, codebook) selections stored.
  size_t size() const { return index_.size(); }
  // Throws InvalidArgument unless `features` are the cache's own.
  void CheckFeatures(const float* features, int n_frames, int frame_dim) const;
  // Binds the cache to one scorer configuration on first use; throws
  // InvalidArgument if a later scorer differs (its selections would).
  void Bind(const GaussianCodebooks* codebooks, int top_n, int n_stream);
  // The stored selection of (frame, codebook), n_stream x top_n entries
  // best first per stream, or nullptr if it was never computed.
  const GaussianTop* Find(int frame, int codebook) const;
  // Stores the selection of (frame, codebook) (n_stream x top_n entries).
  void Store(int frame, int codebook, const GaussianTop* tops);
  // The codebook's senone scores (in the weights' order) stored for
  // (frame, codebook) if they hold under the per-stream density `floors`
  // (-inf: none), else nullptr. Needs the selection stored first.
  const float* FindMixtures(int frame, int codebook, const float* floors) const;
  // Stores them (n_senones floats) with the floors they were computed under.
  void StoreMixtures(int frame, int codebook, const float* floors, const float* scores, int n_senones);

  static constexpr size_t kMaxMixtureBytes = size_t{64} << 20;

  std::mutex& mutex() { return mutex_; }

 private:
  std::vector<float> features_;
  int n_frames_, frame_dim_;
  const GaussianCodebooks* codebooks_ = nullptr;
  int top_n_ = 0, n_stream_ = 0;
  struct Entry {
    size_t tops;      // offset into tops_ (n_stream x top_n)
    size_t mixtures;  // offset into mixtures_, or kNone
  };
  static constexpr size_t kNone = ~size_t{0};
  std::unordered_map<int64_t, size_t> index_;  // (frame, codebook) -> index into entries_
  std::vector<Entry> entries_;
  std::vector<GaussianTop> tops_;
  std::vector<float> floors_;    // n_stream per entry: the floors its mixtures were computed under
  std::vector<float> mixtures_;
  std::mutex mutex_;
};

}  // namespace asr
