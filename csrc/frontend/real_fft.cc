#include "frontend/real_fft.h"

#include <cmath>

#include "common/error.h"

namespace asr {

RealFft::RealFft(int n) : n_(n), m_(n / 2) {
  if (n < 4 || (n & (n - 1)) != 0) throw InvalidArgument("FFT size must be a power of two >= 4");
  int bits = 0;
  while ((1 << bits) < m_) ++bits;
  bitrev_.resize(m_);
  for (int i = 0; i < m_; ++i) {
    int r = 0;
    for (int b = 0; b < bits; ++b)
      if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    bitrev_[i] = r;
  }
  for (int k = 0; k < m_ / 2; ++k) {
    double a = 2.0 * M_PI * k / m_;
    cos_m_.push_back(static_cast<float>(std::cos(a)));
    sin_m_.push_back(static_cast<float>(std::sin(a)));
  }
  for (int k = 0; k <= m_; ++k) {
    double a = 2.0 * M_PI * k / n_;
    cos_n_.push_back(static_cast<float>(std::cos(a)));
    sin_n_.push_back(static_cast<float>(std::sin(a)));
  }
  re_.resize(static_cast<size_t>(m_) * kLanes);
  im_.resize(static_cast<size_t>(m_) * kLanes);
}

void RealFft::PowerSpectrum(const float* in, float* power) {
  constexpr int L = kLanes;
  float* __restrict re = re_.data();
  float* __restrict im = im_.data();
  // z[k] = x[2k] + i x[2k+1], stored in bit-reversed order for an in-place
  // decimation-in-time FFT.
  for (int k = 0; k < m_; ++k) {
    const float* ev = in + (2 * k) * L;
    const float* od = in + (2 * k + 1) * L;
    float* r = re + bitrev_[k] * L;
    float* i = im + bitrev_[k] * L;
    for (int l = 0; l < L; ++l) {
      r[l] = ev[l];
      i[l] = od[l];
    }
  }
  for (int size = 2; size <= m_; size <<= 1) {
    const int half = size / 2;
    const int step = m_ / size;
    for (int start = 0; start < m_; start += size) {
      for (int j = 0; j < half; ++j) {
        const float wr = cos_m_[j * step];
        const float wi = -sin_m_[j * step];
        float* ar = re + (start + j) * L;
        float* ai = im + (start + j) * L;
        float* br = re + (start + j + half) * L;
        float* bi = im + (start + j + half) * L;
        for (int l = 0; l < L; ++l) {
          const float tr = wr * br[l] - wi * bi[l];
          const float ti = wr * bi[l] + wi * br[l];
          br[l] = ar[l] - tr;
          bi[l] = ai[l] - ti;
          ar[l] += tr;
          ai[l] += ti;
        }
      }
    }
  }
  // Split: X[k] = E[k] + e^{-2 pi i k/n} O[k], where E and O are the spectra
  // of the even and odd samples, recovered from Z[k] and conj(Z[m-k]).
  for (int k = 0; k <= m_; ++k) {
    const int a = (k == m_) ? 0 : k;
    const int b = (k == 0) ? 0 : m_ - k;
    const float c = cos_n_[k], s = sin_n_[k];
    const float* zr = re + a * L;
    const float* zi = im + a * L;
    const float* yr = re + b * L;
    const float* yi = im + b * L;
    float* p = power + k * L;
    for (int l = 0; l < L; ++l) {
      const float er = 0.5f * (zr[l] + yr[l]);
      const float ei = 0.5f * (zi[l] - yi[l]);
      const float orr = 0.5f * (zi[l] + yi[l]);
      const float oi = -0.5f * (zr[l] - yr[l]);
      const float xr = er + c * orr + s * oi;
      const float xi = ei + c * oi - s * orr;
      p[l] = xr * xr + xi * xi;
    }
  }
}

}  // namespace asr
