// Python view of the speech detector (asr_engine._core.SpeechDetector and
// its options). Frames in are float32 (frames x dim) arrays; decisions out
// are (first_frame, scores float32, speech bool) tuples.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstring>

#include "bindings/bindings.h"
#include "common/error.h"
#include "vad/speech_detector.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

py::tuple ToPython(const SpeechFrames& f) {
  py::array_t<float> scores(static_cast<py::ssize_t>(f.scores.size()));
  py::array_t<bool> speech(static_cast<py::ssize_t>(f.speech.size()));
  if (!f.scores.empty()) std::memcpy(scores.mutable_data(), f.scores.data(), f.scores.size() * sizeof(float));
  bool* out = speech.mutable_data();
  for (size_t i = 0; i < f.speech.size(); ++i) out[i] = f.speech[i] != 0;
  return py::make_tuple(f.first_frame, scores, speech);
}

}  // namespace

void BindVad(py::module_& m) {
  py::class_<SpeechDetectorOptions>(m, "SpeechDetectorOptions")
      .def(py::init<>())
      .def_readwrite("sensitivity", &SpeechDetectorOptions::sensitivity)
      .def_readwrite("background_suppression", &SpeechDetectorOptions::background_suppression)
      .def_readwrite("densities", &SpeechDetectorOptions::densities)
      .def_readwrite("window", &SpeechDetectorOptions::window)
      .def_readwrite("hangover", &SpeechDetectorOptions::hangover)
      .def_readwrite("preroll", &SpeechDetectorOptions::preroll)
      .def_readwrite("threshold", &SpeechDetectorOptions::threshold)
      .def_readwrite("sensitivity_scale", &SpeechDetectorOptions::sensitivity_scale)
      .def_readwrite("background_range", &SpeechDetectorOptions::background_range)
      .def_readwrite("noise_tracking", &SpeechDetectorOptions::noise_tracking)
      .def_readwrite("floor_rise", &SpeechDetectorOptions::floor_rise)
      .def_readwrite("level_range", &SpeechDetectorOptions::level_range);

  py::class_<SpeechDetector>(m, "SpeechDetector")
      .def(py::init([](std::shared_ptr<AcousticModel> model, const SpeechDetectorOptions& options) {
             return new SpeechDetector(std::const_pointer_cast<const AcousticModel>(model), options);
           }),
           py::arg("model"), py::arg("options") = SpeechDetectorOptions())
      .def_property_readonly("delay", &SpeechDetector::delay)
      .def_property_readonly("frame_dim", &SpeechDetector::frame_dim)
      .def_property_readonly("densities_per_frame", &SpeechDetector::densities_per_frame)
      .def(
          "accept",
          [](SpeechDetector& d, const FloatArray& frames) {
            if (frames.ndim() != 2 || frames.shape(1) != d.frame_dim())
              throw InvalidArgument("features must be a 2-D array with " + std::to_string(d.frame_dim()) +
                                    " columns");
            SpeechFrames out;
            {
              py::gil_scoped_release release;
              out = d.Accept(frames.data(), static_cast<int>(frames.shape(0)));
            }
            return ToPython(out);
          },
          py::arg("frames"))
      .def("finish", [](SpeechDetector& d) { return ToPython(d.Finish()); })
      .def("reset", &SpeechDetector::Reset);
}

}  // namespace asr::bindings
