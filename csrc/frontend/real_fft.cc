#include "frontend/real_fft.h"

#include <cmath>
#include <cstring>

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
  re_.resize(m_);
  im_.resize(m_);
}

namespace {
inline LaneVector Load(const float* p) {
  LaneVector v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline void Store(float* p, LaneVector v) { std::memcpy(p, &v, sizeof(v)); }
}  // namespace

void RealFft::PowerSpectrum(const float* in, float* power) {
  static_assert(sizeof(LaneVector) == kLanes * sizeof(float), "one LaneVector per lane group");
  constexpr int L = kLanes;
  LaneVector* re = re_.data();
  LaneVector* im = im_.data();
  // z[k] = x[2k] + i x[2k+1], stored in bit-reversed order for an in-place
  // decimation-in-time FFT.
  for (int k = 0; k < m_; ++k) {
    re[bitrev_[k]] = Load(in + (2 * k) * L);
    im[bitrev_[k]] = Load(in + (2 * k + 1) * L);
  }
  // The first two stages have twiddles 1 and -i only: do them together as
  // one multiplication-free radix-4 pass.
  int first_size = 2;
  if (m_ >= 4) {
    for (int a = 0; a < m_; a += 4) {
      const LaneVector s01r = re[a] + re[a + 1], s01i = im[a] + im[a + 1];
      const LaneVector d01r = re[a] - re[a + 1], d01i = im[a] - im[a + 1];
      const LaneVector s23r = re[a + 2] + re[a + 3], s23i = im[a + 2] + im[a + 3];
      const LaneVector d23r = re[a + 2] - re[a + 3], d23i = im[a + 2] - im[a + 3];
      // -i * d23 = (d23i, -d23r)
      re[a] = s01r + s23r;
      im[a] = s01i + s23i;
      re[a + 2] = s01r - s23r;
      im[a + 2] = s01i - s23i;
      re[a + 1] = d01r + d23i;
      im[a + 1] = d01i - d23r;
      re[a + 3] = d01r - d23i;
      im[a + 3] = d01i + d23r;
    }
    first_size = 8;
  }
  // Remaining stages two at a time (radix 2x2): a stage of size `size`
  // followed by one of size 2*size touches the same four elements, so one
  // pass does both and W_{2size}^{j+size/2} = -i W_{2size}^j saves a multiply.
  int size = first_size;
  for (; 2 * size <= m_; size <<= 2) {
    const int h = size / 2;
    const int step1 = m_ / size;
    const int step2 = m_ / (2 * size);
    for (int start = 0; start < m_; start += 2 * size) {
      for (int j = 0; j < h; ++j) {
        const float w1r = cos_m_[j * step1], w1i = -sin_m_[j * step1];
        const float w2r = cos_m_[j * step2], w2i = -sin_m_[j * step2];
        const int a = start + j, b = a + h, c = a + size, d = c + h;
        // Stage of size `size`: (a, b) and (c, d) with W_size^j.
        LaneVector tr = w1r * re[b] - w1i * im[b];
        LaneVector ti = w1r * im[b] + w1i * re[b];
        LaneVector ar = re[a] + tr, ai = im[a] + ti;
        LaneVector br = re[a] - tr, bi = im[a] - ti;
        tr = w1r * re[d] - w1i * im[d];
        ti = w1r * im[d] + w1i * re[d];
        LaneVector cr = re[c] + tr, ci = im[c] + ti;
        LaneVector dr = re[c] - tr, di = im[c] - ti;
        // Stage of size 2*size: (a, c) with W^j, (b, d) with W^{j+h} = -i W^j.
        tr = w2r * cr - w2i * ci;
        ti = w2r * ci + w2i * cr;
        re[a] = ar + tr;
        im[a] = ai + ti;
        re[c] = ar - tr;
        im[c] = ai - ti;
        const LaneVector ur = w2r * dr - w2i * di;
        const LaneVector ui = w2r * di + w2i * dr;
        // -i * (ur + i ui) = ui - i ur
        re[b] = br + ui;
        im[b] = bi - ur;
        re[d] = br - ui;
        im[d] = bi + ur;
      }
    }
  }
  for (; size <= m_; size <<= 1) {  // a last single stage when the count is odd
    const int half = size / 2;
    const int step = m_ / size;
    for (int start = 0; start < m_; start += size) {
      for (int j = 0; j < half; ++j) {
        const float wr = cos_m_[j * step];
        const float wi = -sin_m_[j * step];
        const int a = start + j, b = a + half;
        const LaneVector tr = wr * re[b] - wi * im[b];
        const LaneVector ti = wr * im[b] + wi * re[b];
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
  // Split: X[k] = E[k] + e^{-2 pi i k/n} O[k], where E and O are the spectra
  // of the even and odd samples, recovered from Z[k] and conj(Z[m-k]).
  for (int k = 0; k <= m_; ++k) {
    const int a = (k == m_) ? 0 : k;
    const int b = (k == 0) ? 0 : m_ - k;
    const float c = cos_n_[k], s = sin_n_[k];
    const LaneVector er = 0.5f * (re[a] + re[b]);
    const LaneVector ei = 0.5f * (im[a] - im[b]);
    const LaneVector orr = 0.5f * (im[a] + im[b]);
    const LaneVector oi = -0.5f * (re[a] - re[b]);
    const LaneVector xr = er + c * orr + s * oi;
    const LaneVector xi = ei + c * oi - s * orr;
    Store(power + k * L, xr * xr + xi * xi);
  }
}

}  // namespace asr
