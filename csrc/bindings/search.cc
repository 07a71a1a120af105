// Python view of the search: SearchOptions, the shared RecognitionModel and
// the per-utterance Decoder. Decoding runs without the GIL, so threads
// sharing one RecognitionModel decode in parallel.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "bindings/bindings.h"
#include "common/error.h"
#include "search/confusion_network.h"
#include "search/decoder.h"
#include "search/keyword_spotter.h"
#include "search/recognition_model.h"
#include "search/search_options.h"
#include "search/word_lattice.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {
using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

py::list Segments(const RecognitionModel& model, const std::vector<WordSegment>& segs) {
  py::list out;
  for (const WordSegment& s : segs) {
    const SearchWord& w = model.vocabulary().word(s.word);
    out.append(py::make_tuple(w.text, s.start_frame, s.end_frame, s.acoustic, s.lm, w.hidden()));
  }
  return out;
}
// A lattice plus the model it refers to, kept alive together.
struct LatticeHandle {
  std::shared_ptr<const RecognitionModel> model;
  std::unique_ptr<WordLattice> lattice;
};

py::tuple PathTuple(const LatticePath& p) { return py::make_tuple(p.instances, p.score); }
}  // namespace

void BindSearch(py::module_& m) {
  py::class_<SearchOptions>(m, "SearchOptions")
      .def(py::init<>())
      .def_readwrite("beam", &SearchOptions::beam)
      .def_readwrite("phone_beam", &SearchOptions::phone_beam)
      .def_readwrite("word_beam", &SearchOptions::word_beam)
      .def_readwrite("max_hmms_per_frame", &SearchOptions::max_hmms_per_frame)
      .def_readwrite("max_words_per_frame", &SearchOptions::max_words_per_frame)
      .def_readwrite("language_weight", &SearchOptions::language_weight)
      .def_readwrite("word_insertion_penalty", &SearchOptions::word_insertion_penalty)
      .def_readwrite("silence_probability", &SearchOptions::silence_probability)
      .def_readwrite("filler_probability", &SearchOptions::filler_probability)
      .def_readwrite("garbage_phone_probability", &SearchOptions::garbage_phone_probability)
      .def_readwrite("lm_lookahead", &SearchOptions::lm_lookahead)
      .def_readwrite("compute_all_senones", &SearchOptions::compute_all_senones)
      .def_readwrite("bestpath", &SearchOptions::bestpath)
      .def_readwrite("bestpath_language_weight", &SearchOptions::bestpath_language_weight)
      .def_readwrite("acoustic_scale", &SearchOptions::acoustic_scale)
      .def_readwrite("consensus", &SearchOptions::consensus)
      .def_readwrite("consensus_acoustic_scale", &SearchOptions::consensus_acoustic_scale)
      .def_readwrite("fwdflat", &SearchOptions::fwdflat)
      .def_readwrite("fwdflat_window", &SearchOptions::fwdflat_window)
      .def_readwrite("fwdflat_min_end_frames", &SearchOptions::fwdflat_min_end_frames)
      .def_readwrite("fwdflat_beam", &SearchOptions::fwdflat_beam)
      .def_readwrite("fwdflat_word_beam", &SearchOptions::fwdflat_word_beam)
      .def_readwrite("fwdflat_language_weight", &SearchOptions::fwdflat_language_weight)
      .def_readwrite("fwdflat_merge_lattice", &SearchOptions::fwdflat_merge_lattice);

  py::class_<LatticeOptions>(m, "LatticeOptions")
      .def(py::init<>())
      .def_readwrite("language_weight", &LatticeOptions::language_weight)
      .def_readwrite("word_insertion_penalty", &LatticeOptions::word_insertion_penalty)
      .def_readwrite("silence_probability", &LatticeOptions::silence_probability)
      .def_readwrite("filler_probability", &LatticeOptions::filler_probability)
      .def_readwrite("garbage_phone_probability", &LatticeOptions::garbage_phone_probability)
      .def_readwrite("acoustic_scale", &LatticeOptions::acoustic_scale);

  py::class_<LatticeHandle>(m, "WordLattice")
      .def_property_readonly("instances",
                             [](const LatticeHandle& h) {
                               py::list out;
                               const auto& vocab = h.model->vocabulary();
                               for (const WordInstance& w : h.lattice->instances()) {
                                 if (w.word < 0) {
                                   out.append(py::make_tuple("<s>", w.start, w.end, w.acoustic, true));
                                 } else {
                                   const SearchWord& sw = vocab.word(w.word);
                                   out.append(py::make_tuple(sw.text, w.start, w.end, w.acoustic, sw.hidden()));
                                 }
                               }
                               return out;
                             })
      .def_property_readonly("empty", [](const LatticeHandle& h) { return h.lattice->empty(); })
      .def("best_path", [](const LatticeHandle& h) { return PathTuple(h.lattice->BestPath()); })
      .def("nbest",
           [](const LatticeHandle& h, int n) {
             std::vector<LatticePath> paths;
             {
               py::gil_scoped_release nogil;
               paths = h.lattice->NBest(n);
             }
             py::list out;
             for (const auto& p : paths) out.append(PathTuple(p));
             return out;
           },
           py::arg("n"))
      .def("rescaled",
           [](const LatticeHandle& h, double acoustic_scale) {
             LatticeHandle out;
             out.model = h.model;
             py::gil_scoped_release nogil;
             out.lattice = std::make_unique<WordLattice>(*h.lattice, acoustic_scale);
             return out;
           },
           py::arg("acoustic_scale"),
           "This lattice with its posteriors at another acoustic scale (what building it with that "
           "LatticeOptions.acoustic_scale gives, for the cost of one forward-backward pass).")
      .def_property_readonly("posteriors", [](const LatticeHandle& h) { return h.lattice->Posteriors(); })
      .def_property_readonly("log_total", [](const LatticeHandle& h) { return h.lattice->LogTotal(); })
      .def("confidences",
           [](const LatticeHandle& h, const std::vector<int>& path) {
             py::gil_scoped_release nogil;
             return h.lattice->Confidences(path);
           },
           py::arg("path"),
           "Word confidence of each instance of `path`: the summed posterior of the same word's instances "
           "covering its middle frame.")
      .def("path_score", [](const LatticeHandle& h, const std::vector<int>& path) { return h.lattice->PathScore(path); },
           py::arg("path"), "Unscaled score of a complete path; -inf if `path` is not one.")
      .def("spot_keywords",
           [](const LatticeHandle& h, const std::vector<std::vector<std::string>>& keywords, int max_gap_frames,
              double min_posterior) {
             KeywordOptions o;
             o.max_gap_frames = max_gap_frames;
             o.min_posterior = min_posterior;
             std::vector<KeywordHit> hits;
             {
               py::gil_scoped_release nogil;
               hits = SpotKeywords(*h.lattice, keywords, o);
             }
             py::list out;
             for (const KeywordHit& k : hits) out.append(py::make_tuple(k.keyword, k.start, k.end, k.posterior, k.chains));
             return out;
           },
           py::arg("keywords"), py::arg("max_gap_frames") = KeywordOptions().max_gap_frames,
           py::arg("min_posterior") = KeywordOptions().min_posterior,
           "Keyword hits (keyword index, first frame, last frame, posterior, chains of instances); a keyword is "
           "a list of words, matched case-insensitively.")
      .def("confusion_network",
           [](const LatticeHandle& h, double min_posterior) {
             ConfusionOptions o;
             o.min_posterior = min_posterior;
             py::gil_scoped_release nogil;
             return std::make_unique<ConfusionNetwork>(*h.lattice, o);
           },
           py::arg("min_posterior") = ConfusionOptions().min_posterior,
           "The confusion network (consensus bins) of the lattice, by pivot alignment to its best path.");

  py::class_<ConfusionNetwork>(m, "ConfusionNetwork")
      .def_property_readonly("bins",
                             [](const ConfusionNetwork& cn) {
                               py::list out;
                               for (const ConfusionBin& b : cn.bins()) {
                                 py::list words;
                                 for (const BinWord& w : b.words)
                                   words.append(py::make_tuple(w.text, w.posterior, w.instance, w.start, w.end));
                                 out.append(py::make_tuple(b.start, b.end, b.pivot, b.epsilon, words));
                               }
                               return out;
                             },
                             "Bins in time order: (first frame, last frame, pivot, epsilon, words), each word "
                             "(text, posterior, best instance, first frame, last frame), most probable first.")
      .def_property_readonly("bin_of", [](const ConfusionNetwork& cn) { return cn.bin_of(); },
                             "The bin of each lattice instance, -1 for none.")
      .def("best_path",
           [](const ConfusionNetwork& cn) {
             py::list out;
             for (const ConsensusWord& w : cn.BestPath())
               out.append(py::make_tuple(w.bin, w.word, w.start, w.end, w.posterior));
             return out;
           },
           "The consensus hypothesis: (bin, word index, first frame, last frame, posterior) per word.");

  py::class_<RecognitionModel, std::shared_ptr<RecognitionModel>>(m, "RecognitionModel")
      .def(py::init([](std::shared_ptr<AcousticModel> am, std::shared_ptr<Dictionary> dict,
                       std::shared_ptr<lm::WordSequenceModel> lm, const std::vector<std::string>& words) {
             py::gil_scoped_release nogil;
             return std::make_shared<RecognitionModel>(am, dict, lm, words);
           }),
           py::arg("acoustic_model"), py::arg("dictionary"), py::arg("word_model"),
           py::arg("words") = std::vector<std::string>())
      .def(
          "extended",
          [](const RecognitionModel& base, std::shared_ptr<Dictionary> dict, std::shared_ptr<lm::WordSequenceModel> lm,
             const std::vector<std::string>& added) {
            py::gil_scoped_release nogil;
            return std::make_shared<RecognitionModel>(base, dict, lm, added);
          },
          py::arg("dictionary"), py::arg("word_model"), py::arg("added_words"),
          "This model with another dictionary (this one's plus added_words) and a word model extending this "
          "one's: the lexicon tree is reused, only new pronunciations are built.")
      .def_property_readonly("num_words", [](const RecognitionModel& r) { return r.vocabulary().size(); })
      .def_property_readonly("num_nodes", [](const RecognitionModel& r) { return r.tree()->num_nodes(); })
      .def_property_readonly("missing_words", [](const RecognitionModel& r) { return r.vocabulary().missing(); });

  py::class_<Decoder>(m, "Decoder")
      .def(py::init([](std::shared_ptr<RecognitionModel> model, const SearchOptions& o,
                       std::shared_ptr<AcousticModel> acoustic_model) {
             return std::make_unique<Decoder>(Required(model, "the recognition model"), o, acoustic_model);
           }),
           py::arg("model"), py::arg("options"), py::arg("acoustic_model") = nullptr,
           "acoustic_model: score senones with this model (an adapted copy of the network's) instead")
      .def("start", &Decoder::StartUtterance)
      .def("process",
           [](Decoder& d, const FloatArray& feats) {
             const int dim = d.model().acoustic_model().frame_dim();
             if (feats.ndim() != 2 || feats.shape(1) != dim)
               throw InvalidArgument("features must be a 2-D array with " + std::to_string(dim) + " columns");
             const float* p = feats.data();
             const int n = static_cast<int>(feats.shape(0));
             py::gil_scoped_release nogil;
             d.ProcessFrames(p, n);
           },
           py::arg("features"))
      .def("best_path",
           [](const Decoder& d, bool final) {
             double score = 0;
             std::vector<WordSegment> segs;
             {
               py::gil_scoped_release nogil;
               segs = d.BestPath(final, &score);
             }
             return py::make_tuple(Segments(d.model(), segs), score);
           },
           py::arg("final") = true)
      .def("lattice",
           [](const Decoder& d, std::optional<LatticeOptions> o) {
             LatticeHandle h;
             h.model = d.model_ptr();
             py::gil_scoped_release nogil;
             h.lattice = o ? std::make_unique<WordLattice>(d.exits(), d.model().vocabulary(),
                                                          d.model().word_model(), d.frames(), *o)
                           : d.BuildLattice();
             return h;
           },
           py::arg("options") = py::none(),
           "The word lattice, weighted by the decoder's options or by `options`.")
      .def("second_pass",
           [](Decoder& d, std::optional<SearchOptions> o) {
             py::gil_scoped_release nogil;
             return d.SecondPass(o ? &*o : nullptr);
           },
           py::arg("options") = py::none(),
           "With options.fwdflat: search the utterance again over a flat lexicon of the first pass's words "
           "(its best path and lattice replace the first pass's). False if it did not run (option off or a "
           "grammar). `options`: take the fwdflat settings from these (tuning; a second call replaces the "
           "first's pass).")
      .def_property_readonly("flat_words",
                             [](const Decoder& d) { return d.flat_search() ? d.flat_search()->utterance_words() : 0; },
                             "Words of the utterance the second pass searched (0 if it did not run).")
      .def_property_readonly("frames", &Decoder::frames)
      .def_property_readonly("active_hmms", [](const Decoder& d) { return d.search().active_hmms(); })
      .def_property_readonly("hmm_evaluations", [](const Decoder& d) { return d.search().total_hmm_evaluations(); })
      .def_property_readonly("num_word_exits",
                             [](const Decoder& d) { return static_cast<int>(d.exits().exits.size()); });
}

}  // namespace asr::bindings
