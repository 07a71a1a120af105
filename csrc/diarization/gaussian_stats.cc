#include "diarization/gaussian_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace asr {

GaussianStats::GaussianStats(int dim)
    : dim_(dim), sum_(static_cast<size_t>(dim), 0.0), scatter_(static_cast<size_t>(dim) * dim, 0.0) {}

void GaussianStats::Add(const float* x) {
  n_ += 1.0;
  for (int i = 0; i < dim_; ++i) {
    sum_[i] += x[i];
    double* row = scatter_.data() + static_cast<size_t>(i) * dim_;
    const double xi = x[i];
    for (int j = 0; j <= i; ++j) row[j] += xi * x[j];
  }
}

void GaussianStats::Add(const GaussianStats& o) {
  n_ += o.n_;
  for (size_t i = 0; i < sum_.size(); ++i) sum_[i] += o.sum_[i];
  for (size_t i = 0; i < scatter_.size(); ++i) scatter_[i] += o.scatter_[i];
}

void GaussianStats::Subtract(const GaussianStats& o) {
  n_ -= o.n_;
  for (size_t i = 0; i < sum_.size(); ++i) sum_[i] -= o.sum_[i];
  for (size_t i = 0; i < scatter_.size(); ++i) scatter_[i] -= o.scatter_[i];
}

void GaussianStats::MeanCovariance(const std::vector<double>& floor, std::vector<double>* mean,
                                   std::vector<double>* cov) const {
  const int d = dim_;
  mean->assign(d, 0.0);
  cov->assign(static_cast<size_t>(d) * d, 0.0);
  if (n_ <= 0.0) {
    for (int i = 0; i < d; ++i) (*cov)[static_cast<size_t>(i) * d + i] = floor[i];
    return;
  }
  for (int i = 0; i < d; ++i) (*mean)[i] = sum_[i] / n_;
  // Only the lower triangle of scatter_ is accumulated.
  for (int i = 0; i < d; ++i)
    for (int j = 0; j <= i; ++j) {
      const double c = scatter_[static_cast<size_t>(i) * d + j] / n_ - (*mean)[i] * (*mean)[j];
      (*cov)[static_cast<size_t>(i) * d + j] = c;
      (*cov)[static_cast<size_t>(j) * d + i] = c;
    }
  for (int i = 0; i < d; ++i) (*cov)[static_cast<size_t>(i) * d + i] += floor[i];
}

double GaussianStats::LogDet(const std::vector<double>& floor) const {
  std::vector<double> mean, cov;
  MeanCovariance(floor, &mean, &cov);
  if (!Cholesky(&cov, dim_)) return std::numeric_limits<double>::infinity();
  double s = 0.0;
  for (int i = 0; i < dim_; ++i) s += 2.0 * std::log(cov[static_cast<size_t>(i) * dim_ + i]);
  return s;
}

bool Cholesky(std::vector<double>* m, int d) {
  std::vector<double>& a = *m;
  for (int j = 0; j < d; ++j) {
    double diag = a[static_cast<size_t>(j) * d + j];
    for (int k = 0; k < j; ++k) diag -= a[static_cast<size_t>(j) * d + k] * a[static_cast<size_t>(j) * d + k];
    if (!(diag > 0.0)) return false;
    const double l = std::sqrt(diag);
    a[static_cast<size_t>(j) * d + j] = l;
    for (int i = j + 1; i < d; ++i) {
      double v = a[static_cast<size_t>(i) * d + j];
      for (int k = 0; k < j; ++k) v -= a[static_cast<size_t>(i) * d + k] * a[static_cast<size_t>(j) * d + k];
      a[static_cast<size_t>(i) * d + j] = v / l;
    }
    for (int k = j + 1; k < d; ++k) a[static_cast<size_t>(j) * d + k] = 0.0;
  }
  return true;
}

double BicPenalty(int dim, double n) {
  return 0.5 * (dim + 0.5 * dim * (dim + 1)) * std::log(std::max(n, 1.0));
}

double DeltaBic(const GaussianStats& a1, const GaussianStats& a2, const std::vector<double>& floor,
                double lambda) {
  GaussianStats a = a1;
  a.Add(a2);
  const double n = a.count();
  return 0.5 * (n * a.LogDet(floor) - a1.count() * a1.LogDet(floor) - a2.count() * a2.LogDet(floor)) -
         lambda * BicPenalty(a.dim(), n);
}

}  // namespace asr
