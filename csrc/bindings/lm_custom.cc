// Bindings of the models that extend and customize a base model:
// OpenVocabularyModel (new words with a probability) and CustomizedModel
// (base + custom n-gram with per-context shares), plus the helpers the
// Python training code needs (state counts, component scores, images from
// bytes).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bindings/lm_internal.h"
#include "common/error.h"
#include "lm/customized_model.h"
#include "lm/ngram_binary_format.h"
#include "lm/open_vocabulary_model.h"

namespace py = pybind11;

namespace asr::bindings::lm_internal {

void BindCustomModels(py::module_& m) {
  using lm::WordSequenceModel;

  py::class_<lm::OpenVocabularyModel, WordSequenceModel, std::shared_ptr<lm::OpenVocabularyModel>>(
      m, "OpenVocabularyModel", "A model plus new words, each with a context-independent log10 probability.")
      .def(py::init([](std::shared_ptr<WordSequenceModel> inner,
                       const std::vector<std::pair<std::string, double>>& words) {
             std::vector<std::pair<std::string, float>> ln;
             ln.reserve(words.size());
             for (const auto& [w, p] : words) ln.emplace_back(w, static_cast<float>(p * kLn10));
             return std::make_shared<lm::OpenVocabularyModel>(std::move(inner), ln);
           }),
           py::arg("inner"), py::arg("words"))
      .def_property_readonly("inner_size", &lm::OpenVocabularyModel::inner_size);

  py::class_<lm::CustomizedModel, WordSequenceModel, std::shared_ptr<lm::CustomizedModel>>(
      m, "CustomizedModel", "(1 - l(s)) P_base + l(s) P_custom with a share l per custom-model state.")
      .def(py::init([](std::shared_ptr<WordSequenceModel> base, std::shared_ptr<lm::NgramModel> custom,
                       const py::array_t<float, py::array::c_style | py::array::forcecast>& shares) {
             std::vector<float> s(shares.data(), shares.data() + shares.size());
             return std::make_shared<lm::CustomizedModel>(std::move(base), std::move(custom), s);
           }),
           py::arg("base"), py::arg("custom"), py::arg("shares"))
      .def(
          "component_scores",
          [](const lm::CustomizedModel& model, const py::iterable& sentences) {
            std::vector<std::string> text = Sentences(sentences);
            std::vector<lm::CustomizedModel::Components> c;
            {
              py::gil_scoped_release release;
              c = lm::ScoreComponentsOf(model, text);
            }
            const auto n = static_cast<py::ssize_t>(c.size());
            py::array_t<float> base(n), custom(n);
            py::array_t<uint32_t> state(n);
            for (py::ssize_t i = 0; i < n; ++i) {
              base.mutable_data()[i] = c[i].ln_base;
              custom.mutable_data()[i] = c[i].ln_custom;
              state.mutable_data()[i] = c[i].custom_state;
            }
            return py::make_tuple(base, custom, state);
          },
          py::arg("sentences"),
          "(ln P_base, ln P_custom', custom state) of every prediction of the sentences, </s> included.");

  m.def("num_ngram_states", [](const lm::NgramModel& model) { return lm::NumNgramStates(model); },
        py::arg("model"), "States of an n-gram model (contexts + the empty one).");

  m.def(
      "image_from_bytes",
      [](const py::bytes& data, const std::string& name) {
        std::string_view bytes = data;
        auto out = std::make_shared<BuiltImage>();
        uint8_t* dst = nullptr;
        out->image = lm::AllocateImage(bytes.size(), &dst);
        std::memcpy(dst, bytes.data(), bytes.size());
        out->name = name;
        return out;
      },
      py::arg("data"), py::arg("name"), "An n-gram image from the bytes of our binary format (copied).");
}

}  // namespace asr::bindings::lm_internal
