// Settings of the MFCC front end, with the defaults of the Sphinx front end.
//
// A model's feat.params overrides some of them (the en-us model: 25 filters,
// 130-6800 Hz, DCT-II with lifter 22, noise removal); features must be
// computed exactly as the model was trained or its Gaussians do not fit.
#pragma once

#include <string>

#include "frontend/feat_params.h"

namespace asr {

enum class CepstralTransform {
  kLegacy,  // Sphinx-II cosine transform, normalised by the number of filters
  kDct,     // orthonormal DCT-II
  kHtk,     // DCT-II scaled as HTK does (c0 uses sqrt(2/N))
};

struct FrontendOptions {
  double sample_rate = 16000;        // Hz (-samprate)
  int frame_rate = 100;              // frames per second (-frate)
  double window_length = 0.025625;   // seconds (-wlen)
  int fft_size = 0;                  // points; 0 = smallest power of 2 >= window (-nfft)
  double preemphasis = 0.97;         // y[n] = x[n] - a x[n-1]; 0 disables (-alpha)
  double lower_freq = 133.33334;     // Hz, lower edge of the first mel filter (-lowerf)
  double upper_freq = 6855.4976;     // Hz, upper edge of the last mel filter (-upperf)
  int num_filters = 40;              // mel filters (-nfilt)
  int num_cepstra = 13;              // cepstral coefficients per frame (-ncep)
  CepstralTransform transform = CepstralTransform::kLegacy;  // (-transform)
  int lifter = 0;                    // sine lifter length, 0 = none (-lifter)
  bool unit_area = true;             // filters normalised to unit area (-unit_area)
  bool round_filters = true;         // filter edges rounded to FFT bins (-round_filters)
  bool double_bandwidth = false;     // filters twice as wide, same centres (-doublebw)
  bool remove_dc = false;            // subtract each frame's mean (-remove_dc)
  bool remove_noise = false;         // spectral-subtraction noise removal (-remove_noise)
  bool dither = false;               // add 1/2-bit noise to the samples (-dither)
  int seed = -1;                     // dither seed; < 0 picks a fixed default (-seed)
  // Vocal-tract-length normalisation: Sphinx's piecewise-linear frequency
  // warp (-warp_type piecewise_linear -warp_params "alpha [cutoff]"), see
  // mel_filterbank.h. 1 = no warp (features bit-identical to no warping).
  double warp_alpha = 1.0;           // slope below the cutoff, 0.5-2
  double warp_cutoff = 0;            // Hz where the slope changes; 0 = Sphinx's 0.85 x sample rate
  bool warp_band_edges = false;      // also move lower_freq/upper_freq (HTK/Kaldi style); Sphinx keeps them

  // Reads the keys of a model's feat.params over these defaults. Throws
  // FormatError for settings the front end does not implement (warps other
  // than piecewise_linear, log-spectral output) rather than silently
  // computing other features.
  static FrontendOptions FromFeatParams(const FeatParams& params);

  // Throws InvalidArgument when the settings cannot make a front end.
  void Validate() const;

  int FrameShift() const;   // samples between frame starts
  int FrameSize() const;    // samples in one analysis window
  int FftSize() const;      // resolved FFT size
  double WarpCutoff() const;  // resolved warp cutoff, Hz
};

CepstralTransform ParseCepstralTransform(const std::string& name);
const char* CepstralTransformName(CepstralTransform t);

}  // namespace asr
