#include "am/transition_matrices.h"

#include <limits>

#include "am/sphinx_binary.h"
#include "common/error.h"

namespace asr {

TransitionMatrices TransitionMatrices::Load(const std::string& path, const TransitionOptions& options) {
  SphinxBinaryReader r(path);
  const int32_t n_tmat = r.ReadInt32("number of matrices");
  const int32_t n_src = r.ReadInt32("number of source states");
  const int32_t n_dst = r.ReadInt32("number of target states");
  const int32_t n = r.ReadInt32("number of values");
  if (n_tmat <= 0 || n_tmat > 100000) r.Fail("bad number of transition matrices " + std::to_string(n_tmat));
  if (n_src <= 0 || n_src > 32) r.Fail("bad number of states " + std::to_string(n_src));
  if (n_dst != n_src + 1)
    r.Fail("matrices are " + std::to_string(n_src) + "x" + std::to_string(n_dst) + "; expected n x (n+1)");
  if (static_cast<int64_t>(n) != static_cast<int64_t>(n_tmat) * n_src * n_dst)
    r.Fail("value count " + std::to_string(n) + " does not match " + std::to_string(n_tmat) + " x " +
           std::to_string(n_src) + " x " + std::to_string(n_dst));
  if (static_cast<size_t>(n) > r.remaining() / 4)
    r.Fail("truncated: " + std::to_string(n) + " transition probabilities declared, " +
           std::to_string(r.remaining() / 4) + " present");
  std::vector<float> raw(static_cast<size_t>(n));
  r.ReadFloats(raw.data(), raw.size(), "transition probabilities");
  r.Finish();

  TransitionMatrices t;
  t.n_tmat_ = n_tmat;
  t.n_state_ = n_src;
  t.logp_.resize(raw.size());
  for (int m = 0; m < n_tmat; ++m) {
    for (int i = 0; i < n_src; ++i) {
      float* row = raw.data() + (static_cast<size_t>(m) * n_src + i) * n_dst;
      double sum = 0;
      for (int j = 0; j < n_dst; ++j) {
        if (!(row[j] >= 0.0f) || !std::isfinite(row[j]))
          r.Fail("matrix " + std::to_string(m) + " has an invalid probability in row " + std::to_string(i));
        sum += row[j];
      }
      if (sum <= 0) r.Fail("matrix " + std::to_string(m) + " row " + std::to_string(i) + " is all zero");
      for (int j = 0; j < n_dst; ++j) {
        if (j < i && row[j] > 0)
          r.Fail("matrix " + std::to_string(m) + " is not left-to-right (state " + std::to_string(i) +
                 " -> " + std::to_string(j) + ")");
        row[j] = static_cast<float>(row[j] / sum);
        if (row[j] > 0 && row[j] < options.floor) row[j] = options.floor;
      }
      sum = 0;
      for (int j = 0; j < n_dst; ++j) sum += row[j];
      for (int j = 0; j < n_dst; ++j) {
        t.logp_[(static_cast<size_t>(m) * n_src + i) * n_dst + j] =
            row[j] > 0 ? static_cast<float>(std::log(row[j] / sum)) : -std::numeric_limits<float>::infinity();
      }
    }
  }
  return t;
}

}  // namespace asr
