// Diagonal-covariance Gaussian codebooks of an acoustic model (the `means`
// and `variances` files): n_codebook x n_stream x n_density Gaussians.
//
// A semi-continuous model has one codebook shared by all senones, a PTM
// model one per CI phone, a continuous model one per senone. Besides the
// raw parameters the object keeps a scoring layout — per codebook and
// stream, dimension-major arrays so the inner loop runs over densities and
// vectorises — built once at load time. Immutable after construction.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace asr {

struct CodebookOptions {
  float variance_floor = 1e-4f;  // variances below this are raised to it (Sphinx -varfloor)
};

// Affine mean transform per regression class (MLLR): mu' = A mu + b, one
// (A, b) per class and stream; optional per-dimension variance scaling.
struct MeanTransform {
  int n_class = 1;
  // [class][stream] -> veclen*veclen row-major matrix A.
  std::vector<std::vector<std::vector<float>>> a;
  // [class][stream] -> veclen offset b.
  std::vector<std::vector<std::vector<float>>> b;
  // [class][stream] -> veclen variance multipliers; empty for none.
  std::vector<std::vector<std::vector<float>>> var_scale;
  // Regression class of each codebook; empty puts every codebook in class 0.
  std::vector<int> class_of_codebook;
};

class GaussianCodebooks {
 public:
  static std::shared_ptr<const GaussianCodebooks> Load(const std::string& means_path,
                                                       const std::string& variances_path,
                                                       const CodebookOptions& options = {});
  // Built from raw parameters ([cb][stream][density][dim] flattened).
  GaussianCodebooks(int n_codebook, int n_density, std::vector<int> veclen,
                    std::vector<float> means, std::vector<float> variances,
                    const CodebookOptions& options);

  // A copy with adapted means; throws InvalidArgument if the transform's
  // shape does not fit.
  std::shared_ptr<const GaussianCodebooks> Transformed(const MeanTransform& transform) const;

  int n_codebook() const { return n_codebook_; }
  int n_stream() const { return static_cast<int>(veclen_.size()); }
  int n_density() const { return n_density_; }
  int veclen(int stream) const { return veclen_[stream]; }
  const std::vector<int>& veclens() const { return veclen_; }
  int n_floored() const { return n_floored_; }  // variances raised to the floor

  // Raw parameters of one Gaussian (after flooring, for variances).
  const float* Mean(int cb, int stream, int density) const;
  const float* Variance(int cb, int stream, int density) const;

  // Log densities of all n_density Gaussians of (cb, stream) at x.
  void LogDensities(int cb, int stream, const float* x, float* out) const;

 private:
  size_t RawOffset(int cb, int stream, int density) const;
  void BuildScoringLayout();

  int n_codebook_ = 0;
  int n_density_ = 0;
  std::vector<int> veclen_;
  std::vector<size_t> stream_offset_;  // offset of a stream inside one codebook, in floats per density
  size_t codebook_size_ = 0;          // floats per codebook (all streams, all densities)
  CodebookOptions options_;
  std::vector<float> means_;
  std::vector<float> variances_;
  int n_floored_ = 0;
  // Scoring layout: per (cb, stream) block, [dim][density] arrays.
  std::vector<float> mean_t_;
  std::vector<float> half_inv_var_t_;
  std::vector<float> log_norm_;  // [cb][stream][density]
};

}  // namespace asr
