// Python bindings of forced alignment (asr_engine._core.ForcedAligner).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "align/forced_aligner.h"
#include "bindings/bindings.h"
#include "common/error.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {

// Frames stay frames here; asr_engine.align converts to seconds.
py::dict ToPython(const Alignment& al) {
  py::list words, phones, states;
  for (const AlignedWord& w : al.words)
    words.append(py::make_tuple(w.word, w.label, w.slot, w.filler, w.start, w.end, w.score, w.first_phone, w.n_phones));
  for (const AlignedPhone& p : al.phones)
    phones.append(py::make_tuple(p.phone, p.triphone, p.word, p.start, p.end, p.score, p.first_state, p.n_states));
  for (const AlignedState& s : al.states)
    states.append(py::make_tuple(s.senone, s.state, s.phone, s.start, s.end, s.score));
  py::dict d;
  d["words"] = words;
  d["phones"] = phones;
  d["states"] = states;
  d["path_score"] = al.path_score;
  d["acoustic_score"] = al.acoustic_score;
  d["n_frames"] = al.n_frames;
  return d;
}

}  // namespace

void BindAlign(py::module_& m) {
  py::class_<GaussianScoreCache>(m, "GaussianScoreCache",
                                 "The top-N Gaussian selections of one utterance's frames, shared by the alignments "
                                 "of several transcripts to the same features (identical scores, each Gaussian "
                                 "evaluated once per frame).")
      .def(py::init([](py::array_t<float, py::array::c_style | py::array::forcecast> features) {
             if (features.ndim() != 2) throw InvalidArgument("features must be a 2-D array (frames x frame_dim)");
             return new GaussianScoreCache(features.data(), static_cast<int>(features.shape(0)),
                                           static_cast<int>(features.shape(1)));
           }),
           py::arg("features"))
      .def_property_readonly("n_frames", &GaussianScoreCache::n_frames)
      .def("__len__", [](const GaussianScoreCache& c) { return c.size(); },
           "Number of (frame, codebook) selections stored.");
  py::class_<ForcedAligner>(m, "ForcedAligner")
      .def(py::init([](std::shared_ptr<AcousticModel> model, float beam, int top_n, bool allow_silence,
                       bool allow_noise, float silence_penalty, float noise_penalty, bool score_all_senones) {
             Required(model, "the acoustic model");
             AlignerOptions o;
             o.beam = beam;
             o.top_n = top_n;
             o.allow_silence = allow_silence;
             o.allow_noise = allow_noise;
             o.silence_penalty = silence_penalty;
             o.noise_penalty = noise_penalty;
             o.score_all_senones = score_all_senones;
             return new ForcedAligner(model, o);
           }),
           py::arg("model"), py::arg("beam") = AlignerOptions().beam, py::arg("top_n") = AlignerOptions().top_n,
           py::arg("allow_silence") = true, py::arg("allow_noise") = true,
           py::arg("silence_penalty") = AlignerOptions().silence_penalty,
           py::arg("noise_penalty") = AlignerOptions().noise_penalty, py::arg("score_all_senones") = false)
      .def(
          "align",
          [](const ForcedAligner& a, const Dictionary& dict, const std::vector<std::string>& words,
             py::array_t<float, py::array::c_style | py::array::forcecast> features, int frame_dim,
             GaussianScoreCache* cache) {
            if (features.ndim() != 2 || features.shape(1) != frame_dim)
              throw InvalidArgument("features must be a 2-D array with " + std::to_string(frame_dim) + " columns");
            const float* f = features.data();
            const int n = static_cast<int>(features.shape(0));
            Alignment al;
            {
              py::gil_scoped_release release;
              al = a.Align(dict, words, f, n, cache);
            }
            return ToPython(al);
          },
          py::arg("dictionary"), py::arg("words"), py::arg("features"), py::arg("frame_dim"), py::arg("cache") = nullptr);
}

}  // namespace asr::bindings
