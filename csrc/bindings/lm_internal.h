// Helpers shared by the language-model binding files (lm.cc, lm_models.cc).
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include <memory>

#include "common/error.h"
#include "lm/ngram_binary_format.h"
#include "lm/ngram_builder.h"
#include "lm/ngram_lists.h"
#include "lm/sentence_scoring.h"
#include "lm/word_sequence_model.h"

namespace asr::bindings::lm_internal {

namespace py = pybind11;

constexpr double kLn10 = 2.302585092994046;
inline double ToLog10(double ln) { return ln / kLn10; }

inline std::vector<std::string> Sentences(const py::iterable& it) {
  std::vector<std::string> out;
  for (const py::handle& h : it) out.push_back(h.cast<std::string>());
  return out;
}

template <typename Model>
py::array_t<double> ScoreBatch(const Model& m, const py::iterable& sentences, bool bos, bool eos) {
  std::vector<std::string> text = Sentences(sentences);
  py::array_t<double> out(static_cast<py::ssize_t>(text.size()));
  double* dst = out.mutable_data();
  {
    py::gil_scoped_release release;
    for (size_t i = 0; i < text.size(); ++i) dst[i] = ToLog10(lm::ScoreSentenceText(m, text[i], bos, eos).log_prob);
  }
  return out;
}

// A compiled model image not yet wrapped in a model object; lets Python
// subclasses of NgramModel be constructed from any source.
struct BuiltImage {
  lm::NgramImage image;
  std::string name;
};

inline std::shared_ptr<BuiltImage> BuildFrom(lm::NgramSet& set) {
  auto out = std::make_shared<BuiltImage>();
  out->name = set.source;
  out->image = lm::BuildNgramImage(set);
  return out;
}

// Registers InterpolatedModel, BoostedModel, CallbackModel and training.
void BindLmModels(py::module_& m);
// Registers OpenVocabularyModel, CustomizedModel and their helpers.
void BindCustomModels(py::module_& m);

}  // namespace asr::bindings::lm_internal
