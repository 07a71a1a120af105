#include "frontend/frontend_options.h"

#include <cmath>
#include <sstream>
#include <vector>

#include "common/error.h"

namespace asr {

CepstralTransform ParseCepstralTransform(const std::string& name) {
  if (name == "legacy") return CepstralTransform::kLegacy;
  if (name == "dct") return CepstralTransform::kDct;
  if (name == "htk") return CepstralTransform::kHtk;
  throw InvalidArgument("unknown cepstral transform '" + name + "' (use legacy, dct or htk)");
}

const char* CepstralTransformName(CepstralTransform t) {
  switch (t) {
    case CepstralTransform::kLegacy: return "legacy";
    case CepstralTransform::kDct: return "dct";
    case CepstralTransform::kHtk: return "htk";
  }
  return "legacy";
}

FrontendOptions FrontendOptions::FromFeatParams(const FeatParams& p) {
  FrontendOptions o;
  o.sample_rate = p.GetDouble("samprate", o.sample_rate);
  o.frame_rate = p.GetInt("frate", o.frame_rate);
  o.window_length = p.GetDouble("wlen", o.window_length);
  o.fft_size = p.GetInt("nfft", o.fft_size);
  o.preemphasis = p.GetDouble("alpha", o.preemphasis);
  o.lower_freq = p.GetDouble("lowerf", o.lower_freq);
  o.upper_freq = p.GetDouble("upperf", o.upper_freq);
  o.num_filters = p.GetInt("nfilt", o.num_filters);
  o.num_cepstra = p.GetInt("ncep", o.num_cepstra);
  if (p.Has("transform")) {
    try {
      o.transform = ParseCepstralTransform(p.Get("transform"));
    } catch (const Error& e) {
      throw FormatError(p.source() + ": " + e.what());
    }
  }
  o.lifter = p.GetInt("lifter", o.lifter);
  o.unit_area = p.GetBool("unit_area", o.unit_area);
  o.round_filters = p.GetBool("round_filters", o.round_filters);
  o.double_bandwidth = p.GetBool("doublebw", o.double_bandwidth);
  o.remove_dc = p.GetBool("remove_dc", o.remove_dc);
  o.remove_noise = p.GetBool("remove_noise", o.remove_noise);
  o.dither = p.GetBool("dither", o.dither);
  o.seed = p.GetInt("seed", o.seed);
  if (p.GetBool("logspec", false) || p.GetBool("smoothspec", false))
    throw FormatError(p.source() + ": log-spectral features (-logspec/-smoothspec) are not supported");
  const std::string warp_params = p.GetString("warp_params", "");
  if (!warp_params.empty()) {
    // Sphinx's default warp type is inverse_linear; only piecewise_linear is implemented.
    const std::string type = p.GetString("warp_type", "inverse_linear");
    if (type != "piecewise_linear")
      throw FormatError(p.source() + ": VTLN warp type '" + type + "' is not supported (only piecewise_linear)");
    std::stringstream ss(warp_params);
    std::vector<double> values;
    std::string item;
    while (ss >> item) {
      size_t used = 0;
      double v = 0;
      try {
        v = std::stod(item, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != item.size() || values.size() >= 2)
        throw FormatError(p.source() + ": -warp_params must be one or two numbers, got '" + warp_params + "'");
      values.push_back(v);
    }
    o.warp_alpha = values.at(0);
    if (values.size() > 1) o.warp_cutoff = values[1];
  }
  try {
    o.Validate();
  } catch (const Error& e) {
    throw FormatError(p.source() + ": " + e.what());
  }
  return o;
}

int FrontendOptions::FrameShift() const {
  return static_cast<int>(sample_rate / frame_rate + 0.5);
}

int FrontendOptions::FrameSize() const {
  return static_cast<int>(window_length * sample_rate + 0.5);
}

double FrontendOptions::WarpCutoff() const { return warp_cutoff > 0 ? warp_cutoff : 0.85 * sample_rate; }

int FrontendOptions::FftSize() const {
  if (fft_size > 0) return fft_size;
  int n = 4;
  while (n < FrameSize()) n <<= 1;
  return n;
}

void FrontendOptions::Validate() const {
  if (!(sample_rate >= 1000 && sample_rate <= 192000))
    throw InvalidArgument("sample rate " + std::to_string(sample_rate) + " Hz is outside 1000-192000");
  if (frame_rate < 1 || frame_rate > sample_rate / 2)
    throw InvalidArgument("frame rate " + std::to_string(frame_rate) + " is not possible at this sample rate");
  if (!(window_length > 0) || FrameSize() > 16384)
    throw InvalidArgument("window length must be positive and at most 16384 samples");
  if (FrameSize() < FrameShift())
    throw InvalidArgument("window (" + std::to_string(FrameSize()) + " samples) is shorter than the frame shift (" +
                          std::to_string(FrameShift()) + ")");
  if (fft_size != 0) {
    if (fft_size < 4 || (fft_size & (fft_size - 1)) != 0 || fft_size > 65536)
      throw InvalidArgument("FFT size must be a power of 2 between 4 and 65536, got " + std::to_string(fft_size));
    if (fft_size < FrameSize())
      throw InvalidArgument("FFT size " + std::to_string(fft_size) + " is smaller than the window (" +
                            std::to_string(FrameSize()) + " samples)");
  }
  if (!(preemphasis >= 0 && preemphasis < 1))
    throw InvalidArgument("pre-emphasis must be in [0, 1)");
  if (num_filters < 1 || num_filters > 1024) throw InvalidArgument("number of filters must be 1-1024");
  if (num_cepstra < 1 || num_cepstra > num_filters)
    throw InvalidArgument("number of cepstra must be between 1 and the number of filters");
  if (!(lower_freq >= 0 && lower_freq < upper_freq))
    throw InvalidArgument("lower filter frequency must be >= 0 and below the upper one");
  if (upper_freq > sample_rate / 2 + 1.0)
    throw InvalidArgument("upper filter frequency " + std::to_string(upper_freq) +
                          " Hz is above half the sample rate");
  if (lifter < 0) throw InvalidArgument("lifter must be >= 0");
  if (!(warp_alpha >= 0.5 && warp_alpha <= 2.0))
    throw InvalidArgument("warp alpha must be between 0.5 and 2, got " + std::to_string(warp_alpha));
  if (!(warp_cutoff >= 0 && warp_cutoff <= 1e6))
    throw InvalidArgument("warp cutoff must be between 0 (Sphinx's default) and 1e6 Hz, got " +
                          std::to_string(warp_cutoff));
  // Below Nyquist the top piece must rise, or the warp is not invertible.
  const double nyquist = sample_rate / 2, cutoff = WarpCutoff();
  if (warp_alpha != 1.0 && cutoff < nyquist && !(warp_alpha * cutoff < nyquist))
    throw InvalidArgument("warp alpha x cutoff must stay below half the sample rate");
}

}  // namespace asr
