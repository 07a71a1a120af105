// Python bindings of the G2P stage (asr_engine._core.g2p): graphone
// alignment, training and decoding. Scores stay natural logs. Long work
// (alignment, training, loading, batch pronunciation) releases the GIL.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bindings/bindings.h"
#include "g2p/graphone_aligner.h"
#include "g2p/graphone_model.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {

using g2p::GraphoneModel;

using EntryList = std::vector<std::pair<std::string, std::vector<std::string>>>;

std::vector<g2p::LexiconEntry> Entries(const EntryList& in) {
  std::vector<g2p::LexiconEntry> out;
  out.reserve(in.size());
  for (const auto& [spelling, phones] : in) out.push_back({spelling, phones});
  return out;
}

g2p::AlignerOptions AlignOptions(int max_letters, int max_phones, bool silent_letters, bool many_to_many,
                                 int iterations, bool penalize_long) {
  g2p::AlignerOptions o;
  o.max_letters = max_letters;
  o.max_phones = max_phones;
  o.silent_letters = silent_letters;
  o.many_to_many = many_to_many;
  o.iterations = iterations;
  o.penalize_long = penalize_long;
  return o;
}

g2p::PronounceOptions DecodeOptions(int nbest, int beam, float beam_width, bool sum_segmentations, int rescore) {
  g2p::PronounceOptions o;
  o.rescore = rescore;
  o.sum_segmentations = sum_segmentations;
  o.nbest = nbest;
  o.beam = beam;
  o.beam_width = beam_width;
  return o;
}

py::list ToList(const std::vector<g2p::ScoredPronunciation>& prons) {
  py::list out;
  for (const auto& p : prons) out.append(py::make_tuple(p.phones, p.log_prob));
  return out;
}

}  // namespace

void BindG2p(py::module_& parent) {
  py::module_ m = parent.def_submodule("g2p", "Joint-sequence (graphone) G2P: alignment, training, decoding.");
  m.attr("FORMAT_VERSION") = g2p::kG2pFormatVersion;

  m.def(
      "align_lexicon",
      [](const EntryList& entries, int max_letters, int max_phones, bool silent_letters, bool many_to_many,
         int iterations, bool penalize_long) {
        std::vector<g2p::LexiconEntry> e = Entries(entries);
        g2p::AlignmentResult r;
        {
          py::gil_scoped_release release;
          r = g2p::AlignLexicon(e, AlignOptions(max_letters, max_phones, silent_letters, many_to_many, iterations,
                                                penalize_long));
        }
        py::dict d;
        d["sentences"] = r.sentences;
        d["unaligned"] = r.unaligned;
        d["log_likelihood"] = r.log_likelihood;
        d["graphones"] = r.graphones;
        d["candidate_graphones"] = r.candidate_graphones;
        return d;
      },
      py::arg("entries"), py::arg("max_letters") = 2, py::arg("max_phones") = 2, py::arg("silent_letters") = true,
      py::arg("many_to_many") = true, py::arg("iterations") = 10, py::arg("penalize_long") = true,
      "EM-align [(spelling, phones)]; returns {sentences, unaligned, log_likelihood, graphones, candidate_graphones}.");

  py::class_<GraphoneModel, std::shared_ptr<GraphoneModel>>(m, "GraphoneModel")
      .def_static(
          "train",
          [](const EntryList& entries, int order, int max_letters, int max_phones, bool silent_letters,
             bool many_to_many, int iterations, bool penalize_long, bool right_to_left) {
            std::vector<g2p::LexiconEntry> e = Entries(entries);
            g2p::G2pTrainOptions o;
            o.order = order;
            o.right_to_left = right_to_left;
            o.align = AlignOptions(max_letters, max_phones, silent_letters, many_to_many, iterations, penalize_long);
            g2p::G2pTrainReport rep;
            std::shared_ptr<GraphoneModel> model;
            {
              py::gil_scoped_release release;
              model = GraphoneModel::Train(e, o, &rep);
            }
            py::dict d;
            d["entries"] = rep.entries;
            d["unaligned"] = rep.unaligned;
            d["graphones"] = rep.graphones;
            d["candidate_graphones"] = rep.candidate_graphones;
            d["ngrams"] = rep.ngrams;
            d["align_seconds"] = rep.align_seconds;
            d["estimate_seconds"] = rep.estimate_seconds;
            return py::make_tuple(model, d);
          },
          py::arg("entries"), py::arg("order") = 6, py::arg("max_letters") = 2, py::arg("max_phones") = 2,
          py::arg("silent_letters") = true, py::arg("many_to_many") = true, py::arg("iterations") = 10,
          py::arg("penalize_long") = true, py::arg("right_to_left") = true, "Returns (model, report dict).")
      .def_static(
          "load",
          [](const std::string& path) {
            py::gil_scoped_release release;
            return GraphoneModel::Load(path);
          },
          py::arg("path"))
      .def(
          "save",
          [](const GraphoneModel& g, const std::string& path) {
            py::gil_scoped_release release;
            g.Save(path);
          },
          py::arg("path"))
      .def(
          "pronounce",
          [](const GraphoneModel& g, const std::string& spelling, int nbest, int beam, float beam_width,
             bool sum_segmentations, int rescore) {
            std::vector<g2p::ScoredPronunciation> r;
            {
              py::gil_scoped_release release;
              r = g.Pronounce(spelling, DecodeOptions(nbest, beam, beam_width, sum_segmentations, rescore));
            }
            return ToList(r);
          },
          py::arg("spelling"), py::arg("nbest") = 1, py::arg("beam") = 16, py::arg("beam_width") = 10.f, py::arg("sum_segmentations") = false,
          py::arg("rescore") = 3, "[(phones, ln P)] best first.")
      .def(
          "pronounce_many",
          [](const GraphoneModel& g, const std::vector<std::string>& spellings, int nbest, int beam,
             float beam_width, bool sum_segmentations, int rescore, int threads) {
            std::vector<std::vector<g2p::ScoredPronunciation>> r;
            {
              py::gil_scoped_release release;
              r = g.PronounceMany(spellings, DecodeOptions(nbest, beam, beam_width, sum_segmentations, rescore),
                                  threads);
            }
            py::list out;
            for (const auto& x : r) out.append(ToList(x));
            return out;
          },
          py::arg("spellings"), py::arg("nbest") = 1, py::arg("beam") = 16, py::arg("beam_width") = 10.f, py::arg("sum_segmentations") = false,
          py::arg("rescore") = 3, py::arg("threads") = 1,
          "pronounce() for many spellings in one native call, split between `threads` threads.")
      .def(
          "score",
          [](const GraphoneModel& g, const std::string& spelling, const std::vector<std::string>& phones,
             bool sum_segmentations) {
            py::gil_scoped_release release;
            return g.Score(spelling, phones, sum_segmentations);
          },
          py::arg("spelling"), py::arg("phones"), py::arg("sum_segmentations") = false,
          "ln P(spelling, phones) under this direction alone; -inf if no segmentation spells both.")
      .def_property_readonly("right_to_left",
                             [](const GraphoneModel& g) {  // immutable: constness is only lost in Python
                               return std::const_pointer_cast<GraphoneModel>(g.right_to_left());
                             },
                             "The right-to-left rescoring model, or None.")
      .def_property_readonly("letters", &GraphoneModel::Letters)
      .def_property_readonly("phones", &GraphoneModel::Phones)
      .def_property_readonly("order", [](const GraphoneModel& g) { return g.lm().order(); })
      .def_property_readonly("max_letters", &GraphoneModel::max_letters)
      .def_property_readonly("ngram_counts", [](const GraphoneModel& g) {
        std::vector<uint64_t> c;
        for (int k = 1; k <= g.lm().order(); ++k) c.push_back(g.lm().count(k));
        return c;
      });
}

}  // namespace asr::bindings
