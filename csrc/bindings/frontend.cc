// Python view of the front end: option structs, the streaming MFCC front
// end and the full feature pipeline. Arrays in and out are float32 numpy
// arrays; the native work runs without the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "bindings/bindings.h"
#include "common/error.h"
#include "frontend/feat_params.h"
#include "frontend/feature_pipeline.h"
#include "frontend/frontend.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

py::array_t<float> ToMatrix(const std::vector<float>& v, int cols) {
  const py::ssize_t rows = cols > 0 ? static_cast<py::ssize_t>(v.size() / cols) : 0;
  py::array_t<float> out({rows, static_cast<py::ssize_t>(cols)});
  if (!v.empty()) std::memcpy(out.mutable_data(), v.data(), v.size() * sizeof(float));
  return out;
}

const float* SamplesOf(const FloatArray& a, size_t* n) {
  if (a.ndim() != 1) throw InvalidArgument("samples must be a one-dimensional array");
  *n = static_cast<size_t>(a.size());
  return a.data();
}

FeatParams ToFeatParams(const std::map<std::string, std::string>& values, const std::string& source) {
  FeatParams p = FeatParams::Parse("", source);
  for (const auto& [k, v] : values) p.Set(k, v);
  return p;
}

}  // namespace

void BindFrontend(py::module_& m) {
  m.def("parse_feat_params",
        [](const std::string& text, const std::string& source) { return FeatParams::Parse(text, source).values(); },
        py::arg("text"), py::arg("source") = "feat.params",
        "Parse the text of a Sphinx feat.params file into a dict of option name (no dash) to value.");

  py::class_<FrontendOptions>(m, "FrontendOptions")
      .def(py::init<>())
      .def_readwrite("sample_rate", &FrontendOptions::sample_rate)
      .def_readwrite("frame_rate", &FrontendOptions::frame_rate)
      .def_readwrite("window_length", &FrontendOptions::window_length)
      .def_readwrite("fft_size", &FrontendOptions::fft_size)
      .def_readwrite("preemphasis", &FrontendOptions::preemphasis)
      .def_readwrite("lower_freq", &FrontendOptions::lower_freq)
      .def_readwrite("upper_freq", &FrontendOptions::upper_freq)
      .def_readwrite("num_filters", &FrontendOptions::num_filters)
      .def_readwrite("num_cepstra", &FrontendOptions::num_cepstra)
      .def_property(
          "transform", [](const FrontendOptions& o) { return std::string(CepstralTransformName(o.transform)); },
          [](FrontendOptions& o, const std::string& s) { o.transform = ParseCepstralTransform(s); })
      .def_readwrite("lifter", &FrontendOptions::lifter)
      .def_readwrite("unit_area", &FrontendOptions::unit_area)
      .def_readwrite("round_filters", &FrontendOptions::round_filters)
      .def_readwrite("double_bandwidth", &FrontendOptions::double_bandwidth)
      .def_readwrite("remove_dc", &FrontendOptions::remove_dc)
      .def_readwrite("remove_noise", &FrontendOptions::remove_noise)
      .def_readwrite("dither", &FrontendOptions::dither)
      .def_readwrite("seed", &FrontendOptions::seed)
      .def_readwrite("warp_alpha", &FrontendOptions::warp_alpha)
      .def_readwrite("warp_cutoff", &FrontendOptions::warp_cutoff)
      .def_readwrite("warp_band_edges", &FrontendOptions::warp_band_edges)
      .def("validate", &FrontendOptions::Validate)
      .def_property_readonly("frame_shift", &FrontendOptions::FrameShift)
      .def_property_readonly("frame_size", &FrontendOptions::FrameSize)
      .def_property_readonly("resolved_fft_size", &FrontendOptions::FftSize)
      .def_static("from_feat_params",
                  [](const std::map<std::string, std::string>& v, const std::string& source) {
                    return FrontendOptions::FromFeatParams(ToFeatParams(v, source));
                  },
                  py::arg("params"), py::arg("source") = "feat.params");

  py::class_<FeatureOptions>(m, "FeatureOptions")
      .def(py::init<>())
      .def_property(
          "feature_type", [](const FeatureOptions& o) { return std::string(FeatureTypeName(o.feature_type)); },
          [](FeatureOptions& o, const std::string& s) { o.feature_type = ParseFeatureType(s); })
      .def_property(
          "cmn", [](const FeatureOptions& o) { return std::string(CmnModeName(o.cmn)); },
          [](FeatureOptions& o, const std::string& s) { o.cmn = ParseCmnMode(s); })
      .def_readwrite("cmn_init", &FeatureOptions::cmn_init)
      .def_readwrite("varnorm", &FeatureOptions::varnorm)
      .def_static("from_feat_params",
                  [](const std::map<std::string, std::string>& v, const std::string& source) {
                    return FeatureOptions::FromFeatParams(ToFeatParams(v, source));
                  },
                  py::arg("params"), py::arg("source") = "feat.params");

  m.def("mel_filterbank",
        [](const FrontendOptions& o) {
          o.Validate();
          const MelFilterbank mel(o);
          const int bins = o.FftSize() / 2 + 1;
          py::array_t<float> out({mel.num_filters(), bins});
          float* w = out.mutable_data();
          std::fill(w, w + out.size(), 0.0f);
          for (int f = 0; f < mel.num_filters(); ++f)
            for (size_t k = 0; k < mel.Weights(f).size(); ++k)
              w[static_cast<size_t>(f) * bins + mel.FirstBin(f) + k] = mel.Weights(f)[k];
          return out;
        },
        py::arg("options"),
        "The mel filter weights (filters x FFT bins 0..nfft/2) the front end builds for these options.");

  py::class_<Frontend>(m, "Frontend")
      .def(py::init<const FrontendOptions&>(), py::arg("options"))
      .def_property_readonly("num_cepstra", &Frontend::num_cepstra)
      .def("accept_waveform",
           [](Frontend& fe, const FloatArray& samples) {
             size_t n;
             const float* p = SamplesOf(samples, &n);
             std::vector<float> out;
             {
               py::gil_scoped_release nogil;
               fe.AcceptWaveform(p, n, &out);
             }
             return ToMatrix(out, fe.num_cepstra());
           },
           py::arg("samples"))
      .def("finish",
           [](Frontend& fe) {
             std::vector<float> out;
             {
               py::gil_scoped_release nogil;
               fe.Finish(&out);
             }
             return ToMatrix(out, fe.num_cepstra());
           })
      .def("reset", &Frontend::Reset)
      .def_static("num_frames", &Frontend::NumFrames, py::arg("options"), py::arg("num_samples"));

  py::class_<FeaturePipeline>(m, "FeaturePipeline")
      .def(py::init<const FrontendOptions&, const FeatureOptions&>(), py::arg("frontend_options"),
           py::arg("feature_options"))
      .def_property_readonly("dim", &FeaturePipeline::dim)
      .def_property_readonly("stream_lengths", &FeaturePipeline::stream_lengths)
      .def("accept_waveform",
           [](FeaturePipeline& fp, const FloatArray& samples) {
             size_t n;
             const float* p = SamplesOf(samples, &n);
             std::vector<float> out;
             {
               py::gil_scoped_release nogil;
               fp.AcceptWaveform(p, n, &out);
             }
             return ToMatrix(out, fp.dim());
           },
           py::arg("samples"))
      .def("finish",
           [](FeaturePipeline& fp) {
             std::vector<float> out;
             {
               py::gil_scoped_release nogil;
               fp.Finish(&out);
             }
             return ToMatrix(out, fp.dim());
           })
      .def("reset", &FeaturePipeline::Reset)
      .def_property(
          "live_cmn_mean", [](FeaturePipeline& fp) { return fp.cmn().LiveMean(); },
          [](FeaturePipeline& fp, const std::vector<float>& m) { fp.cmn().SetLiveMean(m); });
}

}  // namespace asr::bindings
