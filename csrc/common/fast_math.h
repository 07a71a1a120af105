// Branch-free natural log for positive normal floats, written so that GCC
// and Clang vectorise loops that call it (libm's logf does not vectorise
// without -ffast-math). Error within a few float ulps of the result.
#pragma once

#include <cstdint>
#include <cstring>

namespace asr {

inline float FastLog(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  // Split x = m * 2^e with m in [sqrt(1/2), sqrt(2)) so the series below
  // converges fast on both sides of 1.
  int32_t e = static_cast<int32_t>((bits + 0x004afb0du) >> 23) - 127;
  uint32_t mbits = bits - (static_cast<uint32_t>(e) << 23);
  float m;
  std::memcpy(&m, &mbits, 4);
  // log(m) = 2 atanh(z), z = (m-1)/(m+1), |z| < 0.172.
  const float z = (m - 1.0f) / (m + 1.0f);
  const float z2 = z * z;
  const float series =
      z * (2.0f + z2 * (0.6666666667f + z2 * (0.4f + z2 * (0.2857142857f + z2 * 0.2222222222f))));
  return series + static_cast<float>(e) * 0.69314718056f;
}

}  // namespace asr
