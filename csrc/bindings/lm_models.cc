// Bindings of the composite word-sequence models (interpolation, boosts),
// the Python-callback model that lets KenLM (or any Python object) drive the
// native search, and MKN training.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "bindings/lm_internal.h"
#include "common/error.h"
#include "lm/interpolated_model.h"
#include "lm/mkn_estimator.h"
#include "lm/vocabulary.h"
#include "lm/word_boosts.h"

namespace py = pybind11;

namespace asr::bindings::lm_internal {

namespace {

using lm::State;
using lm::WordId;
using lm::WordSequenceModel;

// A WordSequenceModel whose answers come from Python. The object must
// provide _native_begin() / _native_null() -> int, _native_score(state, word)
// -> (ln prob, next state) and _native_final(state) -> ln prob, with states
// as small non-negative ints and words as ids into `words`. Every call takes
// the GIL, so it is slow, but the native search can use it unchanged.
class CallbackModel final : public WordSequenceModel {
 public:
  CallbackModel(py::object impl, std::vector<std::string> words)
      : impl_(std::move(impl)), vocab_(std::move(words)) {}
  ~CallbackModel() override {
    py::gil_scoped_acquire gil;
    impl_ = py::object();
  }

  const lm::Vocabulary& vocab() const override { return vocab_; }
  State BeginState() const override { return Call0("_native_begin"); }
  State NullState() const override { return Call0("_native_null"); }
  float Score(const State& in, WordId word, State* out) const override {
    if (word >= vocab_.size()) word = vocab_.unk();
    py::gil_scoped_acquire gil;
    py::tuple r = impl_.attr("_native_score")(in.slot[0], word);
    State s;
    s.slot[0] = StateId(r[1]);
    *out = s;
    return r[0].cast<float>();
  }
  float Final(const State& in) const override {
    py::gil_scoped_acquire gil;
    return impl_.attr("_native_final")(in.slot[0]).cast<float>();
  }
  int StateWords() const override { return 1; }
  bool IsValidState(const State& s) const override {
    if (s.slot[1] || s.slot[2] || s.slot[3]) return false;
    py::gil_scoped_acquire gil;
    return impl_.attr("_native_valid")(s.slot[0]).cast<bool>();
  }

 private:
  static uint32_t StateId(const py::handle& h) {
    long long v = h.cast<long long>();
    if (v < 0 || v > 0xFFFFFFFFll) throw InvalidArgument("callback model returned a bad state id");
    return static_cast<uint32_t>(v);
  }
  State Call0(const char* name) const {
    py::gil_scoped_acquire gil;
    State s;
    s.slot[0] = StateId(impl_.attr(name)());
    return s;
  }

  py::object impl_;
  lm::Vocabulary vocab_;
};

lm::BoostSpec Spec(const std::vector<std::pair<std::string, double>>& words,
                   const std::vector<std::pair<std::vector<std::string>, double>>& phrases) {
  lm::BoostSpec spec;
  for (const auto& [w, b] : words) spec.words.emplace_back(w, static_cast<float>(b * kLn10));
  for (const auto& [p, b] : phrases) spec.phrases.emplace_back(p, static_cast<float>(b * kLn10));
  return spec;
}

}  // namespace

void BindLmModels(py::module_& m) {
  py::class_<lm::InterpolatedModel, WordSequenceModel, std::shared_ptr<lm::InterpolatedModel>>(
      m, "InterpolatedModel",
      "(1 - weight) P_base + weight P_custom, in the probability domain; weight is the custom share.")
      .def(py::init([](std::shared_ptr<WordSequenceModel> base, std::shared_ptr<WordSequenceModel> custom,
                       float weight) { return std::make_shared<lm::InterpolatedModel>(Required(base, "the base model"),
                                                                  Required(custom, "the custom model"), weight); }),
           py::arg("base"), py::arg("custom"), py::arg("weight"))
      .def_property_readonly("weight", &lm::InterpolatedModel::weight);

  py::class_<lm::BoostedModel, WordSequenceModel, std::shared_ptr<lm::BoostedModel>>(
      m, "BoostedModel", "Adds per-word and per-phrase log10 bonuses to a wrapped model.")
      .def(py::init([](std::shared_ptr<WordSequenceModel> inner,
                       const std::vector<std::pair<std::string, double>>& words,
                       const std::vector<std::pair<std::vector<std::string>, double>>& phrases) {
             return std::make_shared<lm::BoostedModel>(Required(inner, "the boosted model"), Spec(words, phrases));
           }),
           py::arg("inner"), py::arg("words"), py::arg("phrases"))
      .def("word_bonus", [](const lm::BoostedModel& b, const std::string& w) {
        return ToLog10(b.WordBonus(b.vocab().Index(w)));
      }, py::arg("word"), "log10 bonus of a single word.");

  py::class_<CallbackModel, WordSequenceModel, std::shared_ptr<CallbackModel>>(
      m, "CallbackModel", "A word-sequence model implemented in Python (see kenlm_backend).")
      .def(py::init([](py::object impl, std::vector<std::string> words) {
             return std::make_shared<CallbackModel>(std::move(impl), std::move(words));
           }),
           py::arg("impl"), py::arg("words"));

  m.def(
      "train_mkn",
      [](const py::iterable& sentences, int order, const std::vector<std::string>& extra_words,
         const std::array<double, 3>& fallback) {
        std::vector<std::string> text = Sentences(sentences);
        lm::MknOptions o;
        o.order = order;
        o.extra_words = extra_words;
        o.fallback = fallback;
        std::vector<lm::MknDiscounts> disc;
        std::shared_ptr<BuiltImage> img;
        {
          py::gil_scoped_release release;
          lm::NgramSet set = lm::EstimateMkn(text, o, &disc);
          img = BuildFrom(set);
        }
        py::list d;
        for (const auto& x : disc) d.append(py::make_tuple(x.d[0], x.d[1], x.d[2], x.fallback));
        return py::make_tuple(img, d);
      },
      py::arg("sentences"), py::arg("order") = 3, py::arg("extra_words") = std::vector<std::string>(),
      py::arg("fallback") = std::array<double, 3>{0.5, 1.0, 1.5},
      "Estimate an interpolated modified Kneser-Ney model; returns (image, [(D1, D2, D3+, fallback) per order]).");
  BindCustomModels(m);
}

}  // namespace asr::bindings::lm_internal
