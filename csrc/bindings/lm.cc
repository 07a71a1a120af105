// Python bindings of the language-model stage (asr_engine._core.lm).
//
// Python sees log10 scores (like the kenlm module) while the C++ core works
// in natural logs; the conversion happens here and only here. Long native
// work (loading, building, batch scoring, training) releases the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "bindings/bindings.h"
#include "bindings/lm_internal.h"
#include "common/error.h"
#include "lm/arpa_reader.h"
#include "lm/arpa_writer.h"
#include "lm/mapped_file.h"
#include "lm/ngram_builder.h"
#include "lm/ngram_loader.h"
#include "lm/ngram_model.h"
#include "lm/sentence_scoring.h"
#include "lm/sphinx_lm_bin_reader.h"
#include "lm/word_sequence_model.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {

using lm::NgramModel;
using lm::State;
using lm::WordId;
using lm::WordSequenceModel;

using lm_internal::ScoreBatch;
using lm_internal::ToLog10;

using lm_internal::BuildFrom;
using lm_internal::BuiltImage;

void CheckState(const WordSequenceModel& m, const State& s) {
  if (!m.IsValidState(s)) throw InvalidArgument("state does not belong to this language model");
}

WordId WordArg(const WordSequenceModel& m, const py::handle& word) {
  if (py::isinstance<py::str>(word)) return m.vocab().Index(word.cast<std::string>());
  if (py::isinstance<py::int_>(word)) {
    long long id = word.cast<long long>();
    if (id < 0 || id >= static_cast<long long>(m.vocab().size())) throw InvalidArgument("word id out of range");
    return static_cast<WordId>(id);
  }
  throw InvalidArgument("word must be a str or an int id");
}

void BindState(py::module_& m) {
  py::class_<State>(m, "State", "Opaque position of a word-sequence model; hashable, comparable.")
      .def(py::init([](const std::vector<uint32_t>& slots) {
             if (slots.size() != State::kSlots) throw InvalidArgument("a State has 4 slots");
             State s;
             for (int i = 0; i < State::kSlots; ++i) s.slot[i] = slots[i];
             return s;
           }),
           py::arg("slots"))
      .def_property_readonly("slots",
                             [](const State& s) { return py::make_tuple(s.slot[0], s.slot[1], s.slot[2], s.slot[3]); })
      .def("__eq__", [](const State& a, const State& b) { return a == b; }, py::is_operator())
      .def("__hash__", [](const State& s) { return lm::StateHash()(s); })
      .def("__repr__", [](const State& s) {
        return "State(" + std::to_string(s.slot[0]) + ", " + std::to_string(s.slot[1]) + ", " +
               std::to_string(s.slot[2]) + ", " + std::to_string(s.slot[3]) + ")";
      })
      .def(py::pickle([](const State& s) { return py::make_tuple(s.slot[0], s.slot[1], s.slot[2], s.slot[3]); },
                      [](const py::tuple& t) {
                        State s;
                        for (int i = 0; i < State::kSlots; ++i) s.slot[i] = t[i].cast<uint32_t>();
                        return s;
                      }));
}

void BindWordSequenceModel(py::module_& m) {
  py::class_<WordSequenceModel, std::shared_ptr<WordSequenceModel>>(
      m, "WordSequenceModel", "Common interface of n-gram, interpolated and boosted models. Scores are log10.")
      .def_property_readonly("vocab_size", [](const WordSequenceModel& s) { return s.vocab().size(); })
      .def("index", [](const WordSequenceModel& s, const std::string& w) { return s.vocab().Index(w); },
           py::arg("word"), "Word id of `word` (the <unk> id if unknown).")
      .def("word", [](const WordSequenceModel& s, WordId id) {
             if (id >= s.vocab().size()) throw InvalidArgument("word id out of range");
             return std::string(s.vocab().Word(id));
           }, py::arg("id"))
      .def("words", [](const WordSequenceModel& s) {
             std::vector<std::string> out;
             out.reserve(s.vocab().size());
             for (WordId i = 0; i < s.vocab().size(); ++i) out.emplace_back(s.vocab().Word(i));
             return out;
           }, "All words, in id order.")
      .def("__contains__", [](const WordSequenceModel& s, const std::string& w) { return s.vocab().Contains(w); })
      .def_property_readonly("unk_id", [](const WordSequenceModel& s) { return s.vocab().unk(); })
      .def_property_readonly("bos_id", [](const WordSequenceModel& s) { return s.vocab().bos(); })
      .def_property_readonly("eos_id", [](const WordSequenceModel& s) { return s.vocab().eos(); })
      .def("begin_state", &WordSequenceModel::BeginState, "State after <s> (start of a sentence).")
      .def("null_state", &WordSequenceModel::NullState, "State with no left context.")
      .def("score_word",
           [](const WordSequenceModel& s, const State& in, const py::handle& word) {
             CheckState(s, in);
             State out;
             float ln = s.Score(in, WordArg(s, word), &out);
             return py::make_tuple(ToLog10(ln), out);
           },
           py::arg("state"), py::arg("word"), "(log10 P(word | state), next state); word is a str or id.")
      .def("final",
           [](const WordSequenceModel& s, const State& in) {
             CheckState(s, in);
             return ToLog10(s.Final(in));
           },
           py::arg("state"), "log10 P(</s> | state).")
      .def("score",
           [](const WordSequenceModel& s, std::string_view sentence, bool bos, bool eos) {
             return ToLog10(lm::ScoreSentenceText(s, sentence, bos, eos).log_prob);
           },
           py::arg("sentence"), py::arg("bos") = true, py::arg("eos") = true,
           "log10 probability of a whitespace-tokenised sentence (as kenlm.Model.score).")
      .def("score_batch",
           [](const WordSequenceModel& s, const py::iterable& sentences, bool bos, bool eos) {
             return ScoreBatch(s, sentences, bos, eos);
           },
           py::arg("sentences"), py::arg("bos") = true, py::arg("eos") = true,
           "log10 scores of many sentences (numpy float64), without the GIL.")
      .def("perplexity",
           [](const WordSequenceModel& s, const std::string& sentence) {
             lm::SentenceScore r = lm::ScoreSentenceText(s, sentence, true, true);
             return std::pow(10.0, -ToLog10(r.log_prob) / (r.words + 1));
           },
           py::arg("sentence"), "10^(-log10 P / (words + 1)), as kenlm.Model.perplexity.");
}

// NgramModel.score is the call users put in tight loops (and the one compared
// with kenlm.Model.score), so it bypasses pybind11's generic dispatcher: a
// METH_FASTCALL method that parses (sentence, bos=True, eos=True) itself
// roughly halves the per-call overhead.
PyObject* FastNgramScore(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  PyObject* sentence = nargs > 0 ? args[0] : nullptr;
  PyObject* flags[2] = {nargs > 1 ? args[1] : nullptr, nargs > 2 ? args[2] : nullptr};
  if (nargs > 3) {
    PyErr_SetString(PyExc_TypeError, "score() takes at most 3 arguments (sentence, bos, eos)");
    return nullptr;
  }
  const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t i = 0; i < nkw; ++i) {
    PyObject* key = PyTuple_GET_ITEM(kwnames, i);
    PyObject* value = args[nargs + i];
    PyObject** slot = nullptr;
    if (PyUnicode_CompareWithASCIIString(key, "sentence") == 0) slot = &sentence;
    else if (PyUnicode_CompareWithASCIIString(key, "bos") == 0) slot = &flags[0];
    else if (PyUnicode_CompareWithASCIIString(key, "eos") == 0) slot = &flags[1];
    if (slot == nullptr || *slot != nullptr) {
      PyErr_Format(PyExc_TypeError, "score() got an unexpected or repeated argument '%U'", key);
      return nullptr;
    }
    *slot = value;
  }
  if (sentence == nullptr || !PyUnicode_Check(sentence)) {
    PyErr_SetString(PyExc_TypeError, "score() needs a str sentence");
    return nullptr;
  }
  bool fl[2] = {true, true};
  for (int i = 0; i < 2; ++i) {
    if (flags[i] == nullptr) continue;
    int t = PyObject_IsTrue(flags[i]);
    if (t < 0) return nullptr;
    fl[i] = t != 0;
  }
  // The descriptor guarantees `self` is an NgramModel instance.
  auto* inst = reinterpret_cast<py::detail::instance*>(self);
  const auto* model = static_cast<const NgramModel*>(inst->get_value_and_holder().value_ptr());
  if (model == nullptr) {
    PyErr_SetString(PyExc_TypeError, "NgramModel is not initialised");
    return nullptr;
  }
  Py_ssize_t len = 0;
  const char* text = PyUnicode_AsUTF8AndSize(sentence, &len);
  if (text == nullptr) return nullptr;
  const double ln =
      lm::ScoreSentenceText(*model, std::string_view(text, static_cast<size_t>(len)), fl[0], fl[1]).log_prob;
  return PyFloat_FromDouble(ToLog10(ln));
}

PyMethodDef g_fast_score = {
    "score", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)(void)>(FastNgramScore)),
    METH_FASTCALL | METH_KEYWORDS,
    "score(sentence, bos=True, eos=True) -> float\n\n"
    "log10 probability of a whitespace-tokenised sentence (as kenlm.Model.score): conditioned on <s> "
    "when bos, </s> scored when eos."};

void BindNgramModel(py::module_& m) {
  py::class_<BuiltImage, std::shared_ptr<BuiltImage>>(m, "BuiltImage", "A compiled n-gram image (internal).");
  m.def("build_from_file",
        [](const std::string& path) {
          py::gil_scoped_release release;
          lm::MappedFile f = lm::MapFile(path);
          lm::NgramSet set = lm::SniffLmFile(f.data, f.size) == lm::LmFileKind::kSphinxLmBin
                                 ? lm::ParseSphinxLmBin(f.data, f.size, path)
                                 : lm::ParseArpa(std::string_view(reinterpret_cast<const char*>(f.data), f.size), path);
          return BuildFrom(set);
        },
        py::arg("path"), "Compile an ARPA or Sphinx lm.bin file.");
  m.def("build_from_arpa_text",
        [](const std::string& text, const std::string& name) {
          py::gil_scoped_release release;
          lm::NgramSet set = lm::ParseArpa(text, name);
          return BuildFrom(set);
        },
        py::arg("text"), py::arg("name") = "<arpa text>");
  m.def("sniff_lm_file", [](const py::bytes& head) {
    std::string s = head;
    switch (lm::SniffLmFile(reinterpret_cast<const uint8_t*>(s.data()), s.size())) {
      case lm::LmFileKind::kNgramBinary: return "binary";
      case lm::LmFileKind::kSphinxLmBin: return "lm.bin";
      default: return "arpa";
    }
  });

  py::class_<NgramModel, WordSequenceModel, std::shared_ptr<NgramModel>>(
      m, "NgramModel", "Back-off n-gram model with KenLM semantics. Python-facing scores are log10.")
      .def(py::init([](const std::string& path, bool verify_checksum) {
             py::gil_scoped_release release;
             lm::NgramLoadOptions o;
             o.verify_checksum = verify_checksum;
             return lm::LoadNgramModel(path, o);
           }),
           py::arg("path"), py::arg("verify_checksum") = true)
      .def(py::init([](const std::shared_ptr<BuiltImage>& img) {
             py::gil_scoped_release release;  // checks the header and index (O(V))
             return std::make_shared<NgramModel>(img->image, img->name, false);
           }),
           py::arg("image"))
      .def_property_readonly("order", &NgramModel::order)
      .def_property_readonly("counts",
                             [](const NgramModel& s) {
                               std::vector<uint64_t> c;
                               for (int k = 1; k <= s.order(); ++k) c.push_back(s.declared_count(k));
                               return c;
                             },
                             "N-gram counts as the source file declares them (ARPA \\data\\, lm.bin header).")
      .def_property_readonly("stored_counts",
                             [](const NgramModel& s) {
                               std::vector<uint64_t> c;
                               for (int k = 1; k <= s.order(); ++k) c.push_back(s.count(k));
                               return c;
                             },
                             "N-grams actually stored per order (adds <unk>/<s>/</s> and blank contexts if "
                             "missing; drops lm.bin's unused slots).")
      .def_property_readonly("name", &NgramModel::name)
      .def("score_batch",
           [](const NgramModel& s, const py::iterable& sentences, bool bos, bool eos) {
             return ScoreBatch(s, sentences, bos, eos);
           },
           py::arg("sentences"), py::arg("bos") = true, py::arg("eos") = true)
      .def("full_scores",
           [](const NgramModel& s, const std::string& sentence, bool bos, bool eos) {
             py::list out;
             State st = bos ? s.BeginState() : s.NullState();
             int len = 0;
             lm::ForEachToken(sentence, [&](std::string_view tok) {
               // As KenLM: a token is OOV when it maps to <unk> (so is "<unk>" itself).
               WordId w = s.vocab().Index(tok);
               bool oov = w == s.vocab().unk();
               float ln = s.ScoreFull(st, w, &st, &len);
               out.append(py::make_tuple(ToLog10(ln), len, oov));
             });
             if (eos) {
               float ln = s.ScoreFull(st, s.vocab().eos(), &st, &len);
               out.append(py::make_tuple(ToLog10(ln), len, false));
             }
             return out;
           },
           py::arg("sentence"), py::arg("bos") = true, py::arg("eos") = true,
           "[(log10 prob, matched n-gram length, oov)] per word, as kenlm.Model.full_scores.")
      .def("ngram_logprob",
           [](const NgramModel& s, const std::vector<std::string>& words) {
             if (words.empty()) throw InvalidArgument("need at least one word");
             State st = s.NullState();
             float ln = 0.0f;
             for (const auto& w : words) ln = s.Score(st, s.vocab().Index(w), &st);
             return ToLog10(ln);
           },
           py::arg("words"), "log10 P(words[-1] | words[:-1]) with no sentence-start assumption.")
      .def("ngram_at",
           [](const NgramModel& s, int k, uint64_t i) {
             lm::WordId w[lm::kMaxOrder];
             float bo = 0.0f;
             float p = s.NgramAt(k, i, w, &bo);
             py::list words;
             for (int j = 0; j < k; ++j) words.append(std::string(s.vocab().Word(w[j])));
             return py::make_tuple(words, ToLog10(p), ToLog10(bo));
           },
           py::arg("order"), py::arg("index"),
           "(words, log10 prob, log10 back-off) of the index-th stored n-gram of that order.")
      .def("image_view",
           [](const std::shared_ptr<NgramModel>& s) {
             // The memoryview keeps the model (and so the image) alive.
             py::object owner = py::cast(s);
             py::memoryview mv = py::memoryview::from_memory(s->image().data, static_cast<py::ssize_t>(s->image().size));
             return py::make_tuple(mv, owner);
           },
           "(memoryview of the binary image, owner) - for saving; keep `owner` while using the view.")
      .def("write_arpa",
           [](const NgramModel& s, const std::string& path) {
             py::gil_scoped_release release;
             lm::WriteArpaFile(s, path);
           },
           py::arg("path"), "Write the model as ARPA text (log10).");
  py::object cls = m.attr("NgramModel");
  PyObject* descr = PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(cls.ptr()), &g_fast_score);
  if (descr == nullptr) throw py::error_already_set();
  cls.attr("score") = py::reinterpret_steal<py::object>(descr);
}

}  // namespace

void BindLm(py::module_& parent) {
  py::module_ m = parent.def_submodule("lm", "Language models (n-gram, interpolation, boosts).");
  m.attr("FORMAT_VERSION") = lm::kNgramFormatVersion;
  BindState(m);
  BindWordSequenceModel(m);
  BindNgramModel(m);
  lm_internal::BindLmModels(m);
}

}  // namespace asr::bindings
