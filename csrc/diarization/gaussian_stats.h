// Sufficient statistics of a full-covariance Gaussian over feature frames,
// and the Bayesian information criterion that speaker segmentation and
// clustering compare them with.
//
// A run of frames from one speaker is summarised by its count, sum and sum
// of outer products; two runs merge by adding them. The question "one
// speaker or two?" is the BIC difference between modelling the union with
// one Gaussian and each part with its own (Chen & Gopalakrishnan, 1998):
//
//   dBIC = n/2 log|S| - n1/2 log|S1| - n2/2 log|S2| - lambda P,
//   P    = (d + d(d+1)/2) / 2 * log n,
//
// positive when two speakers explain the frames better. Covariances are
// regularised by a share of the whole recording's variance, so that short
// runs (fewer frames than parameters) still have a finite log-determinant.
#pragma once

#include <vector>

namespace asr {

class GaussianStats {
 public:
  explicit GaussianStats(int dim = 0);

  int dim() const { return dim_; }
  double count() const { return n_; }
  void Add(const float* frame);
  void Add(const GaussianStats& other);
  void Subtract(const GaussianStats& other);

  // Mean and covariance (ML), the covariance plus `floor` on its diagonal.
  void MeanCovariance(const std::vector<double>& floor, std::vector<double>* mean,
                      std::vector<double>* cov) const;
  // log |covariance + diag(floor)|; +inf when not positive definite.
  double LogDet(const std::vector<double>& floor) const;

 private:
  int dim_;
  double n_ = 0.0;
  std::vector<double> sum_;      // [dim]
  std::vector<double> scatter_;  // [dim*dim], sum of x x^T
};

// Penalty P of one extra full-covariance Gaussian over n frames.
double BicPenalty(int dim, double n);

// dBIC of splitting a into its parts a1 and a2 (a = a1 + a2), given the
// parts' log-determinants and lambda.
double DeltaBic(const GaussianStats& a1, const GaussianStats& a2, const std::vector<double>& floor,
                double lambda);

// In-place Cholesky factor (lower) of a symmetric d x d matrix; false when
// not positive definite.
bool Cholesky(std::vector<double>* a, int d);

}  // namespace asr
