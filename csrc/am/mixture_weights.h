// Senone mixture weights: for every senone, stream and codebook density the
// weight of that Gaussian in the senone's mixture. Read from a float
// `mixture_weights` file or from a quantized `sendump` (8-bit log weights,
// or 4-bit indices into a 16-entry table), in either byte order.
//
// Weights are kept linear (not log) in "scoring order": senones sorted by
// the codebook they draw from, so that one codebook's senones are
// contiguous and the scorer's inner loop is a vectorisable multiply-add
// over them. Immutable after loading.
#pragma once

#include <string>
#include <vector>

namespace asr {

struct MixtureWeightOptions {
  float floor = 1e-7f;  // weights below this are raised to it (Sphinx -mixwfloor); float files only
};

class MixtureWeights {
 public:
  // `codebook_of_senone` has one entry per senone; its length is the
  // senone count the file must have.
  static MixtureWeights LoadFloat(const std::string& path, int n_stream, int n_density,
                                  const std::vector<int>& codebook_of_senone,
                                  const MixtureWeightOptions& options = {});
  static MixtureWeights LoadSendump(const std::string& path, int n_stream, int n_density,
                                    const std::vector<int>& codebook_of_senone);
  // From linear weights laid out [senone][stream][density] (e.g. adapted
  // ones); each mixture must be non-negative with a positive sum, and is
  // normalised.
  static MixtureWeights FromLinear(int n_stream, int n_density, const std::vector<int>& codebook_of_senone,
                                   const std::vector<float>& weights);

  int n_senone() const { return static_cast<int>(position_.size()); }
  int n_stream() const { return n_stream_; }
  int n_density() const { return n_density_; }
  int n_codebook() const { return static_cast<int>(range_begin_.size()) - 1; }

  // Linear weights of `density` in `stream` for all senones, scoring order.
  const float* Row(int stream, int density) const {
    return w_.data() + (static_cast<size_t>(stream) * n_density_ + density) * n_senone();
  }
  float Weight(int stream, int density, int senone) const { return Row(stream, density)[position_[senone]]; }
  // Position of a senone in scoring order, and the inverse.
  int position(int senone) const { return position_[senone]; }
  int senone_at(int pos) const { return order_[pos]; }
  // Scoring-order range [begin, end) of the senones of a codebook.
  int range_begin(int cb) const { return range_begin_[cb]; }
  int range_end(int cb) const { return range_begin_[cb + 1]; }

 private:
  MixtureWeights(int n_stream, int n_density, const std::vector<int>& codebook_of_senone);

  int n_stream_ = 0;
  int n_density_ = 0;
  std::vector<int> order_;     // pos -> senone
  std::vector<int> position_;  // senone -> pos
  std::vector<int> range_begin_;
  std::vector<float> w_;  // [stream][density][pos]
};

}  // namespace asr
