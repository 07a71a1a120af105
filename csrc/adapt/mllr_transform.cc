#include "adapt/mllr_transform.h"

#include <cmath>

#include "common/error.h"

namespace asr {

namespace {

// Solves the symmetric positive definite system G w = k in place (Cholesky);
// false if G is not positive definite.
bool SolveSpd(std::vector<double>& g, std::vector<double>& k, int n) {
  for (int j = 0; j < n; ++j) {
    double d = g[j * n + j];
    for (int p = 0; p < j; ++p) d -= g[j * n + p] * g[j * n + p];
    if (!(d > 1e-12)) return false;
    d = std::sqrt(d);
    g[j * n + j] = d;
    for (int i = j + 1; i < n; ++i) {
      double v = g[i * n + j];
      for (int p = 0; p < j; ++p) v -= g[i * n + p] * g[j * n + p];
      g[i * n + j] = v / d;
    }
  }
  for (int i = 0; i < n; ++i) {  // L y = k
    double v = k[i];
    for (int p = 0; p < i; ++p) v -= g[i * n + p] * k[p];
    k[i] = v / g[i * n + i];
  }
  for (int i = n - 1; i >= 0; --i) {  // L^T w = y
    double v = k[i];
    for (int p = i + 1; p < n; ++p) v -= g[p * n + i] * k[p];
    k[i] = v / g[i * n + i];
  }
  return true;
}

MeanTransform IdentityClasses(const std::vector<int>& veclens, int n_class) {
  MeanTransform t;
  t.n_class = n_class;
  t.a.assign(n_class, {});
  t.b.assign(n_class, {});
  for (int c = 0; c < n_class; ++c) {
    for (int len : veclens) {
      std::vector<float> a(static_cast<size_t>(len) * len, 0.0f);
      for (int i = 0; i < len; ++i) a[static_cast<size_t>(i) * len + i] = 1.0f;
      t.a[c].push_back(std::move(a));
      t.b[c].push_back(std::vector<float>(len, 0.0f));
    }
  }
  return t;
}

}  // namespace

MllrTransform MllrTransform::Identity(const std::vector<int>& veclens) {
  MllrTransform m(IdentityClasses(veclens, 1));
  m.names_ = {"all"};
  m.frames_ = {0.0};
  return m;
}

MllrTransform::MllrTransform(MeanTransform transform) : t_(std::move(transform)) {
  if (t_.n_class <= 0 || static_cast<int>(t_.a.size()) != t_.n_class || static_cast<int>(t_.b.size()) != t_.n_class)
    throw InvalidArgument("MLLR transform: A and b must have one entry per class");
  if (t_.a[0].empty()) throw InvalidArgument("MLLR transform: no feature streams");
  for (const auto& a : t_.a[0]) {
    const int len = static_cast<int>(std::lround(std::sqrt(static_cast<double>(a.size()))));
    if (len <= 0 || static_cast<size_t>(len) * len != a.size())
      throw InvalidArgument("MLLR transform: a stream's matrix is not square");
    veclen_.push_back(len);
  }
  for (int c = 0; c < t_.n_class; ++c) {
    if (t_.a[c].size() != veclen_.size() || t_.b[c].size() != veclen_.size() ||
        (!t_.var_scale.empty() && t_.var_scale[c].size() != veclen_.size()))
      throw InvalidArgument("MLLR transform: every class needs one matrix per stream");
    for (size_t s = 0; s < veclen_.size(); ++s) {
      const size_t len = veclen_[s];
      if (t_.a[c][s].size() != len * len || t_.b[c][s].size() != len ||
          (!t_.var_scale.empty() && t_.var_scale[c][s].size() != len))
        throw InvalidArgument("MLLR transform: stream " + std::to_string(s) + " of class " + std::to_string(c) +
                              " has the wrong size");
      for (float v : t_.a[c][s])
        if (!std::isfinite(v)) throw InvalidArgument("MLLR transform: non-finite matrix entry");
      for (float v : t_.b[c][s])
        if (!std::isfinite(v)) throw InvalidArgument("MLLR transform: non-finite bias");
      if (!t_.var_scale.empty())
        for (float v : t_.var_scale[c][s])
          if (!(v > 0) || !std::isfinite(v)) throw InvalidArgument("MLLR transform: variance scales must be positive");
    }
  }
  for (int c : t_.class_of_codebook)
    if (c < 0 || c >= t_.n_class) throw InvalidArgument("MLLR transform: codebook class out of range");
}

MllrTransform MllrTransform::Estimate(const GaussianCodebooks& prior, const AdaptationStatistics& stats,
                                      const RegressionTree& tree, const MllrOptions& options) {
  if (prior.n_codebook() != stats.n_codebook() || prior.n_density() != stats.n_density() ||
      prior.veclens() != std::vector<int>([&] {
        std::vector<int> v;
        for (int s = 0; s < stats.n_stream(); ++s) v.push_back(stats.veclen(s));
        return v;
      }()))
    throw InvalidArgument("MLLR: statistics were gathered for a model of another shape");
  const int n_cb = prior.n_codebook();
  std::vector<double> cb_frames(n_cb);
  for (int cb = 0; cb < n_cb; ++cb) cb_frames[cb] = stats.CodebookFrames(cb);
  RegressionClasses rc;
  if (options.regression_tree) {
    rc = tree.Choose(cb_frames, options.min_frames);
  } else {
    rc.nodes = {0};
    rc.class_of_codebook.assign(n_cb, 0);
  }
  const int n_class = static_cast<int>(rc.nodes.size());
  const std::vector<int>& veclens = prior.veclens();
  MllrTransform m(IdentityClasses(veclens, n_class));
  const int ceplen = stats.model().streams().ceplen;
  for (int c = 0; c < n_class; ++c) {
    const RegressionNode& node = tree.node(rc.nodes[c]);
    double frames = 0;
    for (int cb : node.codebooks) frames += cb_frames[cb];
    m.names_.push_back(node.name);
    m.frames_.push_back(frames);
    if (frames <= 0) continue;  // identity
    for (int s = 0; s < prior.n_stream(); ++s) {
      const int len = veclens[s];
      const int block = options.block_diagonal && ceplen > 0 && len > ceplen && len % ceplen == 0 ? ceplen : len;
      for (int lo = 0; lo < len; lo += block) {
        const int n = block + 1;  // extended mean [mu_block, 1]
        // One (n x n) G and n-vector k per row of the block.
        std::vector<double> g(static_cast<size_t>(block) * n * n, 0.0), k(static_cast<size_t>(block) * n, 0.0);
        std::vector<double> xi(n);
        for (int cb : node.codebooks) {
          for (int d = 0; d < prior.n_density(); ++d) {
            const double occ = stats.Occupancy(cb, s, d);
            if (occ <= 0) continue;
            const float* mu = prior.Mean(cb, s, d);
            const float* var = prior.Variance(cb, s, d);
            const double* x1 = stats.FirstOrder(cb, s, d);
            for (int j = 0; j < block; ++j) xi[j] = mu[lo + j];
            xi[block] = 1.0;
            for (int i = 0; i < block; ++i) {
              const double iv = 1.0 / var[lo + i];
              double* gi = &g[static_cast<size_t>(i) * n * n];
              const double wgt = occ * iv;
              for (int p = 0; p < n; ++p)
                for (int q = 0; q <= p; ++q) gi[p * n + q] += wgt * xi[p] * xi[q];
              const double ki = x1[lo + i] * iv;
              for (int p = 0; p < n; ++p) k[static_cast<size_t>(i) * n + p] += ki * xi[p];
            }
          }
        }
        for (int i = 0; i < block; ++i) {
          std::vector<double> gi(g.begin() + static_cast<size_t>(i) * n * n, g.begin() + static_cast<size_t>(i + 1) * n * n);
          std::vector<double> ki(k.begin() + static_cast<size_t>(i) * n, k.begin() + static_cast<size_t>(i + 1) * n);
          for (int p = 0; p < n; ++p)
            for (int q = p + 1; q < n; ++q) gi[p * n + q] = gi[q * n + p];
          // Ridge towards the identity row: adds lambda (w - e_i)^2.
          double diag = 0;
          for (int p = 0; p < n; ++p) diag += gi[p * n + p];
          const double lambda = options.ridge * diag / n;
          for (int p = 0; p < n; ++p) gi[p * n + p] += lambda;
          ki[i] += lambda;
          if (!SolveSpd(gi, ki, n)) continue;  // keep the identity row
          bool finite = true;
          for (double v : ki) finite = finite && std::isfinite(v);
          if (!finite) continue;
          float* arow = &m.t_.a[c][s][static_cast<size_t>(lo + i) * len];
          for (int j = 0; j < len; ++j) arow[j] = 0.0f;
          for (int j = 0; j < block; ++j) arow[lo + j] = static_cast<float>(ki[j]);
          m.t_.b[c][s][lo + i] = static_cast<float>(ki[block]);
        }
      }
    }
  }
  m.t_.class_of_codebook = rc.class_of_codebook;
  return m;
}

std::shared_ptr<const GaussianCodebooks> MllrTransform::Apply(const GaussianCodebooks& codebooks) const {
  if (codebooks.veclens() != veclen_)
    throw InvalidArgument("MLLR transform: its streams do not match the model's");
  return codebooks.Transformed(t_);
}

}  // namespace asr
