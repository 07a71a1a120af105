// Maximum-likelihood linear regression of Gaussian means (Leggetter &
// Woodland; diagonal covariances as in Gales & Woodland 1996):
// mu' = A mu + b, one (A, b) per regression class and feature stream.
//
// A stream's matrix is full or block-diagonal: a single 39-dimensional
// `1s_c_d_dd` stream splits into cepstra / deltas / double deltas blocks
// (the en-us model's three 13-dimensional streams already are the blocks).
// Each row of [A b] is the solution of a small linear system built from the
// Gaussians' occupancies and observation sums (AdaptationStatistics),
// regularised towards the identity so that a class with few frames cannot
// produce a wild transform.
//
// Files: Sphinx's text matrix format, the one PocketSphinx reads with
// -mllr and sphinxtrain's mllr_solve writes (see mllr_file.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapt/adaptation_statistics.h"
#include "adapt/regression_tree.h"
#include "am/gaussian_codebooks.h"

namespace asr {

struct MllrOptions {
  double min_frames = 3000;     // frames a regression class needs for its own transform
  bool regression_tree = true;  // false: one global transform
  bool block_diagonal = true;   // split streams longer than -ceplen into ceplen-sized blocks
  double ridge = 1e-2;          // weight, relative to each row's mean diagonal, pulling rows towards identity
};

class MllrTransform {
 public:
  // The identity transform (one class) for streams of these lengths.
  static MllrTransform Identity(const std::vector<int>& veclens);
  // Estimates the transform of `prior`'s means that best explains `stats`.
  static MllrTransform Estimate(const GaussianCodebooks& prior, const AdaptationStatistics& stats,
                                const RegressionTree& tree, const MllrOptions& options = {});
  // From explicit matrices (checked for shape).
  explicit MllrTransform(MeanTransform transform);
  MllrTransform() = default;

  int n_class() const { return t_.n_class; }
  int n_stream() const { return static_cast<int>(veclen_.size()); }
  const std::vector<int>& veclens() const { return veclen_; }
  const MeanTransform& mean_transform() const { return t_; }
  // Codebook -> class; empty means every codebook uses class 0.
  const std::vector<int>& class_of_codebook() const { return t_.class_of_codebook; }
  void set_class_of_codebook(std::vector<int> classes) { t_.class_of_codebook = std::move(classes); }
  // Regression tree node of each class (empty when not estimated here).
  const std::vector<std::string>& class_names() const { return names_; }
  const std::vector<double>& class_frames() const { return frames_; }

  // Codebooks with adapted means (and variances, if the file scaled them).
  std::shared_ptr<const GaussianCodebooks> Apply(const GaussianCodebooks& codebooks) const;

 private:
  MeanTransform t_;
  std::vector<int> veclen_;
  std::vector<std::string> names_;
  std::vector<double> frames_;
};

}  // namespace asr
