#include "am/gaussian_codebooks.h"

#include <cmath>

#include "am/sphinx_binary.h"
#include "common/cpu_dispatch.h"
#include "common/error.h"

namespace asr {

namespace {

struct RawGaussians {
  int n_codebook = 0, n_stream = 0, n_density = 0;
  std::vector<int> veclen;
  std::vector<float> values;
};

RawGaussians ReadGaussianFile(const std::string& path, const char* what) {
  SphinxBinaryReader r(path);
  RawGaussians g;
  g.n_codebook = r.ReadInt32("number of codebooks");
  g.n_stream = r.ReadInt32("number of streams");
  g.n_density = r.ReadInt32("number of densities");
  if (g.n_codebook <= 0 || g.n_codebook > 1000000) r.Fail("bad number of codebooks " + std::to_string(g.n_codebook));
  if (g.n_stream <= 0 || g.n_stream > 64) r.Fail("bad number of feature streams " + std::to_string(g.n_stream));
  if (g.n_density <= 0 || g.n_density > 1000000) r.Fail("bad number of densities " + std::to_string(g.n_density));
  int64_t block = 0;
  for (int i = 0; i < g.n_stream; ++i) {
    int32_t len = r.ReadInt32("stream lengths");
    if (len <= 0 || len > 10000) r.Fail("bad length " + std::to_string(len) + " of stream " + std::to_string(i));
    g.veclen.push_back(len);
    block += len;
  }
  const int32_t n = r.ReadInt32("number of values");
  const int64_t expected = static_cast<int64_t>(g.n_codebook) * g.n_density * block;
  if (n != expected)
    r.Fail(std::string(what) + " count " + std::to_string(n) + " does not match " + std::to_string(g.n_codebook) +
           " codebooks x " + std::to_string(g.n_density) + " densities x " + std::to_string(block) + " dimensions");
  if (static_cast<size_t>(n) > r.remaining() / 4)
    r.Fail(std::string("truncated: ") + std::to_string(n) + " " + what + " declared, " +
           std::to_string(r.remaining() / 4) + " present");
  g.values.resize(static_cast<size_t>(n));
  r.ReadFloats(g.values.data(), g.values.size(), what);
  r.Finish();
  for (float v : g.values) {
    if (!std::isfinite(v)) r.Fail(std::string("non-finite value among the ") + what);
  }
  return g;
}

}  // namespace

std::shared_ptr<const GaussianCodebooks> GaussianCodebooks::Load(const std::string& means_path,
                                                                 const std::string& variances_path,
                                                                 const CodebookOptions& options) {
  RawGaussians m = ReadGaussianFile(means_path, "means");
  RawGaussians v = ReadGaussianFile(variances_path, "variances");
  if (m.n_codebook != v.n_codebook || m.n_stream != v.n_stream || m.n_density != v.n_density ||
      m.veclen != v.veclen) {
    throw FormatError(variances_path + ": shape (" + std::to_string(v.n_codebook) + " codebooks, " +
                      std::to_string(v.n_stream) + " streams, " + std::to_string(v.n_density) +
                      " densities) differs from " + means_path + " (" + std::to_string(m.n_codebook) + ", " +
                      std::to_string(m.n_stream) + ", " + std::to_string(m.n_density) + ")");
  }
  for (float x : v.values) {
    if (x < 0) throw FormatError(variances_path + ": negative variance");
  }
  return std::make_shared<const GaussianCodebooks>(m.n_codebook, m.n_density, m.veclen, std::move(m.values),
                                                   std::move(v.values), options);
}

GaussianCodebooks::GaussianCodebooks(int n_codebook, int n_density, std::vector<int> veclen,
                                     std::vector<float> means, std::vector<float> variances,
                                     const CodebookOptions& options)
    : n_codebook_(n_codebook), n_density_(n_density), veclen_(std::move(veclen)), options_(options),
      means_(std::move(means)), variances_(std::move(variances)) {
  size_t total = 0;
  for (int len : veclen_) {
    stream_offset_.push_back(total * n_density_);
    total += len;
  }
  codebook_size_ = total * n_density_;
  if (means_.size() != codebook_size_ * n_codebook_ || variances_.size() != means_.size())
    throw InvalidArgument("Gaussian parameter arrays do not match the codebook shape");
  if (!(options_.variance_floor > 0)) throw InvalidArgument("variance floor must be positive");
  for (float& x : variances_) {
    if (x < options_.variance_floor) {
      x = options_.variance_floor;
      ++n_floored_;
    }
  }
  BuildScoringLayout();
}

size_t GaussianCodebooks::RawOffset(int cb, int stream, int density) const {
  return cb * codebook_size_ + stream_offset_[stream] + static_cast<size_t>(density) * veclen_[stream];
}

const float* GaussianCodebooks::Mean(int cb, int stream, int density) const {
  return means_.data() + RawOffset(cb, stream, density);
}

const float* GaussianCodebooks::Variance(int cb, int stream, int density) const {
  return variances_.data() + RawOffset(cb, stream, density);
}

void GaussianCodebooks::BuildScoringLayout() {
  mean_t_.resize(means_.size());
  half_inv_var_t_.resize(means_.size());
  log_norm_.resize(static_cast<size_t>(n_codebook_) * n_stream() * n_density_);
  const double log_2pi = std::log(2.0 * M_PI);
  for (int cb = 0; cb < n_codebook_; ++cb) {
    for (int s = 0; s < n_stream(); ++s) {
      const size_t base = cb * codebook_size_ + stream_offset_[s];
      const int len = veclen_[s];
      for (int k = 0; k < n_density_; ++k) {
        const float* mu = Mean(cb, s, k);
        const float* var = Variance(cb, s, k);
        double norm = 0;
        for (int d = 0; d < len; ++d) {
          mean_t_[base + static_cast<size_t>(d) * n_density_ + k] = mu[d];
          half_inv_var_t_[base + static_cast<size_t>(d) * n_density_ + k] = static_cast<float>(0.5 / var[d]);
          norm += log_2pi + std::log(static_cast<double>(var[d]));
        }
        log_norm_[(static_cast<size_t>(cb) * n_stream() + s) * n_density_ + k] = static_cast<float>(-0.5 * norm);
      }
    }
  }
}

ASR_HOT_KERNEL void GaussianCodebooks::LogDensities(int cb, int stream, const float* x, float* __restrict out) const {
  const size_t base = cb * codebook_size_ + stream_offset_[stream];
  const int nd = n_density_;
  const float* __restrict norm = log_norm_.data() + (static_cast<size_t>(cb) * n_stream() + stream) * nd;
  for (int k = 0; k < nd; ++k) out[k] = norm[k];
  const int len = veclen_[stream];
  for (int d = 0; d < len; ++d) {
    const float xd = x[d];
    const float* __restrict mu = mean_t_.data() + base + static_cast<size_t>(d) * nd;
    const float* __restrict iv = half_inv_var_t_.data() + base + static_cast<size_t>(d) * nd;
    for (int k = 0; k < nd; ++k) {
      const float diff = xd - mu[k];
      out[k] -= diff * diff * iv[k];
    }
  }
}

std::shared_ptr<const GaussianCodebooks> GaussianCodebooks::Transformed(const MeanTransform& t) const {
  const int ns = n_stream();
  if (t.n_class <= 0 || static_cast<int>(t.a.size()) != t.n_class || static_cast<int>(t.b.size()) != t.n_class)
    throw InvalidArgument("mean transform: A and b must have one entry per regression class");
  if (!t.var_scale.empty() && static_cast<int>(t.var_scale.size()) != t.n_class)
    throw InvalidArgument("mean transform: variance scales must have one entry per regression class");
  if (!t.class_of_codebook.empty() && static_cast<int>(t.class_of_codebook.size()) != n_codebook_)
    throw InvalidArgument("mean transform: class_of_codebook must have one entry per codebook");
  for (int c = 0; c < t.n_class; ++c) {
    if (static_cast<int>(t.a[c].size()) != ns || static_cast<int>(t.b[c].size()) != ns)
      throw InvalidArgument("mean transform: one A and b per feature stream expected");
    for (int s = 0; s < ns; ++s) {
      const size_t len = veclen_[s];
      if (t.a[c][s].size() != len * len || t.b[c][s].size() != len)
        throw InvalidArgument("mean transform: stream " + std::to_string(s) + " needs a " + std::to_string(len) +
                              "x" + std::to_string(len) + " matrix");
      if (!t.var_scale.empty() && t.var_scale[c][s].size() != len)
        throw InvalidArgument("mean transform: variance scale of stream " + std::to_string(s) + " has wrong length");
    }
  }
  std::vector<float> means(means_.size()), vars = variances_;
  for (int cb = 0; cb < n_codebook_; ++cb) {
    const int c = t.class_of_codebook.empty() ? 0 : t.class_of_codebook[cb];
    if (c < 0 || c >= t.n_class) throw InvalidArgument("mean transform: regression class out of range");
    for (int s = 0; s < ns; ++s) {
      const int len = veclen_[s];
      const std::vector<float>& a = t.a[c][s];
      const std::vector<float>& b = t.b[c][s];
      for (int k = 0; k < n_density_; ++k) {
        const size_t off = RawOffset(cb, s, k);
        for (int i = 0; i < len; ++i) {
          double acc = b[i];
          for (int j = 0; j < len; ++j) acc += static_cast<double>(a[static_cast<size_t>(i) * len + j]) * means_[off + j];
          means[off + i] = static_cast<float>(acc);
          if (!t.var_scale.empty()) vars[off + i] *= t.var_scale[c][s][i];
        }
      }
    }
  }
  return std::make_shared<const GaussianCodebooks>(n_codebook_, n_density_, veclen_, std::move(means),
                                                   std::move(vars), options_);
}

}  // namespace asr
