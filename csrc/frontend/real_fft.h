// Power spectrum of real frames by FFT, several frames at once.
//
// Frames are processed in groups of kLanes, interleaved sample by sample
// ([sample][lane]), so every butterfly is a short loop over lanes that the
// compiler turns into SIMD. A real FFT of size N is done as a complex FFT of
// size N/2 on the even/odd samples plus one split pass. Each lane's result
// depends only on that lane's input, so grouping never changes the numbers.
#pragma once

#include <vector>

namespace asr {

// kLanes floats processed as one value. GCC/Clang vector extensions: AVX
// where the target has it, split into narrower registers (or scalars)
// where it does not, with identical results.
typedef float LaneVector __attribute__((vector_size(32)));

class RealFft {
 public:
  static constexpr int kLanes = 8;

  explicit RealFft(int n);  // n: power of two, >= 4

  int size() const { return n_; }
  int NumBins() const { return n_ / 2 + 1; }

  // in: size() * kLanes samples, [sample][lane]. power: NumBins() * kLanes
  // values |X_k|^2, [bin][lane]. Uses internal scratch, so one RealFft must
  // not be used by two threads at once.
  void PowerSpectrum(const float* in, float* power);

 private:
  int n_;                      // real FFT size
  int m_;                      // complex FFT size, n/2
  std::vector<int> bitrev_;    // bit-reversal permutation of 0..m-1
  std::vector<float> cos_m_;   // cos(2 pi k / m), k < m/2
  std::vector<float> sin_m_;
  std::vector<float> cos_n_;   // cos(2 pi k / n), k <= m
  std::vector<float> sin_n_;
  std::vector<LaneVector> re_, im_;  // scratch, m each
};

}  // namespace asr
