// Python view of speaker diarization (asr_engine._core.SpeakerDiarizer and
// its options). Features in are float32 (frames x dim) arrays, the speech
// mask a bool array; out comes (n_speakers, speaker int32 per frame,
// loglik float32 frames x speakers, change_points int32).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstring>
#include <string>
#include <vector>

#include "bindings/bindings.h"
#include "common/error.h"
#include "diarization/speaker_diarizer.h"

namespace py = pybind11;

namespace asr::bindings {

namespace diarization_bindings {

template <class T>
py::array_t<T> ToArray(const std::vector<T>& v, std::vector<py::ssize_t> shape) {
  py::array_t<T> a(shape);
  if (!v.empty()) std::memcpy(a.mutable_data(), v.data(), v.size() * sizeof(T));
  return a;
}

}  // namespace diarization_bindings

void BindDiarization(py::module_& m) {
  using diarization_bindings::ToArray;
  using O = SpeakerDiarizerOptions;
  py::class_<O>(m, "SpeakerDiarizerOptions")
      .def(py::init<>())
      .def_readwrite("change_window", &O::change_window)
      .def_readwrite("change_step", &O::change_step)
      .def_readwrite("change_penalty", &O::change_penalty)
      .def_readwrite("min_segment", &O::min_segment)
      .def_readwrite("cluster_penalty", &O::cluster_penalty)
      .def_readwrite("min_speakers", &O::min_speakers)
      .def_readwrite("max_speakers", &O::max_speakers)
      .def_readwrite("switch_penalty", &O::switch_penalty)
      .def_readwrite("pause_switch_penalty", &O::pause_switch_penalty)
      .def_readwrite("resegment_iterations", &O::resegment_iterations)
      .def_readwrite("variance_floor", &O::variance_floor);

  py::class_<SpeakerDiarizer>(m, "SpeakerDiarizer")
      .def(py::init<const O&>(), py::arg("options") = O())
      .def(
          "run",
          [](const SpeakerDiarizer& d, const py::array_t<float, py::array::c_style | py::array::forcecast>& features,
             const py::array_t<bool, py::array::c_style | py::array::forcecast>& speech) {
            if (features.ndim() != 2 || features.shape(1) < 1)
              throw InvalidArgument("features must be a 2-D array (frames x dim)");
            if (speech.ndim() != 1 || speech.shape(0) != features.shape(0))
              throw InvalidArgument("speech must be a 1-D array with one flag per feature frame");
            const int n = static_cast<int>(features.shape(0)), dim = static_cast<int>(features.shape(1));
            std::vector<uint8_t> mask(n);
            for (int i = 0; i < n; ++i) mask[i] = speech.data()[i] ? 1 : 0;
            Diarization out;
            {
              py::gil_scoped_release release;
              out = d.Run(features.data(), n, dim, mask.data());
            }
            return py::make_tuple(out.n_speakers, ToArray(out.speaker, {n}),
                                  ToArray(out.loglik, {n, out.n_speakers}),
                                  ToArray(out.change_points, {static_cast<py::ssize_t>(out.change_points.size())}));
          },
          py::arg("features"), py::arg("speech"));
}

}  // namespace asr::bindings
