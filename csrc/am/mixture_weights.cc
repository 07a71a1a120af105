#include "am/mixture_weights.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "am/sphinx_binary.h"
#include "common/error.h"

namespace asr {

MixtureWeights::MixtureWeights(int n_stream, int n_density, const std::vector<int>& codebook_of_senone)
    : n_stream_(n_stream), n_density_(n_density) {
  const int n_sen = static_cast<int>(codebook_of_senone.size());
  int n_cb = 0;
  for (int cb : codebook_of_senone) n_cb = std::max(n_cb, cb + 1);
  order_.resize(n_sen);
  for (int s = 0; s < n_sen; ++s) order_[s] = s;
  std::stable_sort(order_.begin(), order_.end(),
                   [&](int a, int b) { return codebook_of_senone[a] < codebook_of_senone[b]; });
  position_.resize(n_sen);
  for (int p = 0; p < n_sen; ++p) position_[order_[p]] = p;
  range_begin_.assign(n_cb + 1, 0);
  for (int cb : codebook_of_senone) ++range_begin_[cb + 1];
  for (int cb = 0; cb < n_cb; ++cb) range_begin_[cb + 1] += range_begin_[cb];
  w_.assign(static_cast<size_t>(n_stream) * n_density * n_sen, 0.0f);
}

MixtureWeights MixtureWeights::LoadFloat(const std::string& path, int n_stream, int n_density,
                                         const std::vector<int>& codebook_of_senone,
                                         const MixtureWeightOptions& options) {
  SphinxBinaryReader r(path);
  const int32_t n_sen = r.ReadInt32("number of senones");
  const int32_t n_feat = r.ReadInt32("number of streams");
  const int32_t n_cw = r.ReadInt32("number of densities");
  const int32_t n = r.ReadInt32("number of values");
  const int expected_sen = static_cast<int>(codebook_of_senone.size());
  if (n_sen != expected_sen)
    r.Fail("has " + std::to_string(n_sen) + " senones but the model definition has " + std::to_string(expected_sen));
  if (n_feat != n_stream)
    r.Fail("has " + std::to_string(n_feat) + " feature streams but the Gaussians have " + std::to_string(n_stream));
  if (n_cw != n_density)
    r.Fail("has " + std::to_string(n_cw) + " densities per mixture but the codebooks have " + std::to_string(n_density));
  if (static_cast<int64_t>(n) != static_cast<int64_t>(n_sen) * n_feat * n_cw)
    r.Fail("value count " + std::to_string(n) + " does not match " + std::to_string(n_sen) + " x " +
           std::to_string(n_feat) + " x " + std::to_string(n_cw));
  if (static_cast<size_t>(n) > r.remaining() / 4)
    r.Fail("truncated: " + std::to_string(n) + " weights declared, " + std::to_string(r.remaining() / 4) + " present");
  MixtureWeights mw(n_stream, n_density, codebook_of_senone);
  std::vector<float> pdf(n_cw);
  for (int s = 0; s < n_sen; ++s) {
    for (int f = 0; f < n_feat; ++f) {
      r.ReadFloats(pdf.data(), pdf.size(), "mixture weights");
      double sum = 0;
      for (float x : pdf) {
        if (!(x >= 0) || !std::isfinite(x)) r.Fail("invalid weight for senone " + std::to_string(s));
        sum += x;
      }
      // Like Sphinx: normalise, floor, renormalise. An all-zero mixture
      // (an unused senone) ends up uniform at the floor.
      if (sum > 0) for (float& x : pdf) x = static_cast<float>(x / sum);
      sum = 0;
      for (float& x : pdf) {
        if (x < options.floor) x = options.floor;
        sum += x;
      }
      const int pos = mw.position_[s];
      for (int c = 0; c < n_cw; ++c) {
        mw.w_[(static_cast<size_t>(f) * n_density + c) * n_sen + pos] = static_cast<float>(pdf[c] / sum);
      }
    }
  }
  r.Finish();
  return mw;
}

MixtureWeights MixtureWeights::LoadSendump(const std::string& path, int n_stream, int n_density,
                                           const std::vector<int>& codebook_of_senone) {
  const std::vector<uint8_t> b = ReadFileBytes(path);
  auto fail = [&](const std::string& m) -> void { throw FormatError(path + ": " + m); };
  size_t pos = 0;
  bool swap = false;
  auto i32 = [&](const char* what) {
    if (b.size() - pos < 4) fail(std::string("truncated while reading ") + what);
    uint32_t v;
    std::memcpy(&v, b.data() + pos, 4);
    pos += 4;
    return static_cast<int32_t>(swap ? ByteSwap32(v) : v);
  };
  // Title and header must be NUL-terminated; later strings need not be
  // (the en-us model ends its list with an unterminated "!!!").
  auto str = [&](int32_t len, const char* what, bool need_nul) {
    if (len <= 0 || len > 4096) fail(std::string("bad length ") + std::to_string(len) + " of " + what);
    if (b.size() - pos < static_cast<size_t>(len)) fail(std::string("truncated while reading ") + what);
    if (need_nul && b[pos + len - 1] != 0) fail(std::string(what) + " is not NUL-terminated");
    std::string s(reinterpret_cast<const char*>(b.data() + pos), static_cast<size_t>(len));
    s = s.c_str();  // drop the terminator and anything after it
    pos += len;
    return s;
  };
  int32_t n = i32("title length");
  if (n < 1 || n > 999) {
    swap = true;
    n = static_cast<int32_t>(ByteSwap32(static_cast<uint32_t>(n)));
    if (n < 1 || n > 999) fail("not a sendump file (bad title length)");
  }
  str(n, "title", true);
  str(i32("header length"), "header", true);
  const int expected_sen = static_cast<int>(codebook_of_senone.size());
  int n_feat = n_stream, n_cw = n_density, n_sen = expected_sen, n_clust = 0, n_bits = 8;
  double logbase = 1.0001, shift = 10;
  for (int guard = 0;; ++guard) {
    if (guard > 1000) fail("too many header strings");
    int32_t len = i32("header string length");
    if (len == 0) break;
    std::string s = str(len, "header string", false);
    auto val = [&](const char* key, auto* out) {
      size_t k = std::strlen(key);
      if (s.compare(0, k, key) == 0 && s.size() > k && s[k] == ' ') {
        *out = static_cast<std::remove_pointer_t<decltype(out)>>(std::atof(s.c_str() + k + 1));
      }
    };
    val("feature_count", &n_feat);
    val("mixture_count", &n_cw);
    val("model_count", &n_sen);
    val("cluster_count", &n_clust);
    val("cluster_bits", &n_bits);
    val("logbase", &logbase);
    val("mixw_shift", &shift);
  }
  int32_t rows = n_cw, cols = n_sen;
  if (n_clust == 0) {
    rows = i32("number of rows");
    cols = i32("number of columns");
  }
  if (n_feat != n_stream)
    fail("has " + std::to_string(n_feat) + " feature streams but the Gaussians have " + std::to_string(n_stream));
  if (rows != n_density || n_cw != n_density)
    fail("has " + std::to_string(rows) + " densities per mixture but the codebooks have " + std::to_string(n_density));
  if (n_sen != expected_sen || cols < expected_sen)
    fail("has " + std::to_string(std::min(n_sen, cols)) + " senones but the model definition has " +
         std::to_string(expected_sen));
  if (n_clust != 0 && n_clust != 15 && n_clust != 16) fail("cluster count must be 0, 15 or 16");
  if (n_bits != 8 && n_bits != 4) fail("cluster bits must be 4 or 8");
  if ((n_bits == 4) != (n_clust != 0)) fail("4-bit weights need a cluster table (and only they do)");
  if (!(logbase > 1.0 && logbase < 2.0) || shift < 0 || shift > 20) fail("bad log base or shift in header");
  // One quantisation step in natural log.
  const double unit = std::ldexp(std::log(logbase), static_cast<int>(shift));
  float table[256];
  for (int q = 0; q < 256; ++q) table[q] = static_cast<float>(std::exp(-q * unit));
  uint8_t clusters[16] = {0};
  if (n_clust) {
    if (n_clust == 15) n_clust = 16;
    if (b.size() - pos < static_cast<size_t>(n_clust)) fail("truncated while reading the cluster table");
    std::memcpy(clusters, b.data() + pos, n_clust);
    pos += n_clust;
  }
  const size_t step = n_bits == 4 ? (static_cast<size_t>(cols) + 1) / 2 : static_cast<size_t>(cols);
  const size_t need = static_cast<size_t>(n_feat) * rows * step;
  if (b.size() - pos < need)
    fail("truncated: " + std::to_string(need) + " weight bytes expected, " + std::to_string(b.size() - pos) + " present");
  if (b.size() - pos > need) fail(std::to_string(b.size() - pos - need) + " unexpected bytes after the weights");
  MixtureWeights mw(n_stream, n_density, codebook_of_senone);
  for (int f = 0; f < n_feat; ++f) {
    for (int c = 0; c < rows; ++c) {
      const uint8_t* row = b.data() + pos + (static_cast<size_t>(f) * rows + c) * step;
      float* out = mw.w_.data() + (static_cast<size_t>(f) * n_density + c) * expected_sen;
      for (int s = 0; s < expected_sen; ++s) {
        uint8_t q;
        if (n_bits == 4) {
          uint8_t byte = row[s / 2];
          q = clusters[(s & 1) ? (byte >> 4) : (byte & 0x0f)];
        } else {
          q = row[s];
        }
        out[mw.position_[s]] = table[q];
      }
    }
  }
  return mw;
}

MixtureWeights MixtureWeights::FromLinear(int n_stream, int n_density, const std::vector<int>& codebook_of_senone,
                                          const std::vector<float>& weights) {
  const size_t n_sen = codebook_of_senone.size();
  if (n_stream <= 0 || n_density <= 0 || weights.size() != n_sen * n_stream * n_density)
    throw InvalidArgument("mixture weights: " + std::to_string(weights.size()) + " values do not fit " +
                          std::to_string(n_sen) + " senones x " + std::to_string(n_stream) + " streams x " +
                          std::to_string(n_density) + " densities");
  MixtureWeights mw(n_stream, n_density, codebook_of_senone);
  for (size_t s = 0; s < n_sen; ++s)
    for (int f = 0; f < n_stream; ++f) {
      const float* pdf = &weights[(s * n_stream + f) * n_density];
      double sum = 0;
      for (int c = 0; c < n_density; ++c) {
        if (!(pdf[c] >= 0) || !std::isfinite(pdf[c]))
          throw InvalidArgument("mixture weights: invalid weight for senone " + std::to_string(s));
        sum += pdf[c];
      }
      if (!(sum > 0)) throw InvalidArgument("mixture weights: senone " + std::to_string(s) + " has no weight");
      const int pos = mw.position_[s];
      for (int c = 0; c < n_density; ++c)
        mw.w_[(static_cast<size_t>(f) * n_density + c) * n_sen + pos] = static_cast<float>(pdf[c] / sum);
    }
  return mw;
}

}  // namespace asr
