// The top-N Gaussian selections of one utterance's frames, kept for
// several searches over the same features.
//
// N-best re-scoring aligns up to 8 word sequences of one utterance to its
// features, and most of each alignment's time is the Gaussian densities of
// the codebooks its live states need (SenoneScorer::EvalCodebook). Those
// top-N selections depend only on the frame and the codebook, not on which
// other codebooks a search scores, so a scorer given this cache computes
// each (frame, codebook) once and copies it afterwards: the senone scores
// stay bit-identical. (The density floor and the mixtures do depend on the
// set of codebooks scored in the frame, so they are recomputed each time.)
//
// Entries are filled lazily and stored sparsely (one block per used frame
// and codebook), so memory follows what the searches touched, not frames x
// codebooks. The cache keeps a copy of the features it was made for and
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

  std::mutex& mutex() { return mutex_; }

 private:
  std::vector<float> features_;
  int n_frames_, frame_dim_;
  const GaussianCodebooks* codebooks_ = nullptr;
  int top_n_ = 0, n_stream_ = 0;
  std::unordered_map<int64_t, size_t> index_;  // (frame, codebook) -> offset into tops_
  std::vector<GaussianTop> tops_;
  std::mutex mutex_;
};

}  // namespace asr
