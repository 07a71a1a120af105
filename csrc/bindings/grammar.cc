// Python bindings of the grammar stage (asr_engine._core.grammar).
//
// Python front ends (ABNF, SRGS XML, JSGF parsers) lower documents into a
// RuleSet through the add_* calls; compile() turns it into a GrammarFsa
// without the GIL. GrammarFsa is exposed as a WordSequenceModel (log10
// scores there, like every model) plus grammar-specific helpers that use
// natural logs, as the C++ core does.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bindings/bindings.h"
#include "common/error.h"
#include "grammar/grammar_compiler.h"
#include "grammar/grammar_fsa.h"
#include "grammar/rule_expansion.h"
#include "lm/word_sequence_model.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {

using grammar::ExpansionKind;
using grammar::GrammarCompileOptions;
using grammar::GrammarCompileStats;
using grammar::GrammarFsa;
using grammar::RuleSet;
using grammar::SourcePos;

SourcePos Pos(int line, int column) { return SourcePos{line, column}; }

ExpansionKind SpecialKind(const std::string& kind) {
  if (kind == "null") return ExpansionKind::kNull;
  if (kind == "void") return ExpansionKind::kVoid;
  if (kind == "garbage") return ExpansionKind::kGarbage;
  if (kind == "tag") return ExpansionKind::kTag;
  throw InvalidArgument("special expansion must be 'null', 'void', 'garbage' or 'tag'");
}

uint32_t CountArg(long long v, const char* what) {
  if (v < 0 || v >= static_cast<long long>(grammar::kUnbounded))
    throw InvalidArgument(std::string(what) + " out of range");
  return static_cast<uint32_t>(v);
}

py::dict StatsDict(const GrammarCompileStats& s) {
  py::dict d;
  d["expanded_states"] = s.expanded_states;
  d["expanded_arcs"] = s.expanded_arcs;
  d["epsilon_free_states"] = s.epsilon_free_states;
  d["epsilon_free_arcs"] = s.epsilon_free_arcs;
  d["deterministic_states"] = s.deterministic_states;
  d["deterministic_arcs"] = s.deterministic_arcs;
  d["states"] = s.states;
  d["arcs"] = s.arcs;
  d["viterbi_closures"] = s.viterbi_closures;
  d["weights_approximated"] = s.weights_approximated;
  d["push_converged"] = s.push_converged;
  d["work"] = s.work;
  d["seconds"] = s.seconds;
  return d;
}

std::vector<std::string_view> Views(const std::vector<std::string>& tokens) {
  return std::vector<std::string_view>(tokens.begin(), tokens.end());
}

}  // namespace

void BindGrammar(py::module_& parent) {
  py::module_ m = parent.def_submodule("grammar", "Grammar automata (SRGS ABNF/XML and JSGF compile to these).");

  py::class_<RuleSet, std::shared_ptr<RuleSet>>(m, "RuleSet",
                                                "Format-neutral rules a front end lowers a grammar into.")
      .def(py::init<>())
      .def("add_token",
           [](RuleSet& r, const std::vector<std::string>& words, int line, int col) {
             return r.AddToken(words, Pos(line, col));
           },
           py::arg("words"), py::arg("line") = 0, py::arg("column") = 0)
      .def("add_rule_ref",
           [](RuleSet& r, uint32_t rule, int line, int col) { return r.AddRuleRef(rule, Pos(line, col)); },
           py::arg("rule"), py::arg("line") = 0, py::arg("column") = 0)
      .def("add_special",
           [](RuleSet& r, const std::string& kind, int line, int col) {
             return r.AddSpecial(SpecialKind(kind), Pos(line, col));
           },
           py::arg("kind"), py::arg("line") = 0, py::arg("column") = 0, "kind: null | void | garbage | tag")
      .def("add_sequence",
           [](RuleSet& r, const std::vector<uint32_t>& children, int line, int col) {
             return r.AddSequence(children, Pos(line, col));
           },
           py::arg("children"), py::arg("line") = 0, py::arg("column") = 0)
      .def("add_alternatives",
           [](RuleSet& r, const std::vector<uint32_t>& children, const std::vector<double>& weights, int line,
              int col) { return r.AddAlternatives(children, weights, Pos(line, col)); },
           py::arg("children"), py::arg("weights"), py::arg("line") = 0, py::arg("column") = 0)
      .def("add_repeat",
           [](RuleSet& r, uint32_t child, long long min_count, long long max_count, double prob, int line,
              int col) {
             uint32_t lo = CountArg(min_count, "repeat minimum");
             uint32_t hi = max_count < 0 ? grammar::kUnbounded : CountArg(max_count, "repeat maximum");
             return r.AddRepeat(child, lo, hi, prob, Pos(line, col));
           },
           py::arg("child"), py::arg("min_count"), py::arg("max_count"), py::arg("prob") = -1.0,
           py::arg("line") = 0, py::arg("column") = 0, "max_count < 0 means unbounded; prob < 0 the default")
      .def("add_rule",
           [](RuleSet& r, const std::string& name, bool is_public, int line, int col) {
             return r.AddRule(name, is_public, Pos(line, col));
           },
           py::arg("name"), py::arg("is_public") = false, py::arg("line") = 0, py::arg("column") = 0)
      .def("set_rule_body", &RuleSet::SetRuleBody, py::arg("rule"), py::arg("node"))
      .def_property_readonly("num_nodes", [](const RuleSet& r) { return r.nodes().size(); })
      .def_property_readonly("num_rules", [](const RuleSet& r) { return r.rules().size(); })
      .def_property_readonly("words", [](const RuleSet& r) { return r.words(); });

  py::class_<GrammarCompileOptions>(m, "CompileOptions", "Limits and probabilities used by compile().")
      .def(py::init<>())
      .def_readwrite("max_states", &GrammarCompileOptions::max_states)
      .def_readwrite("max_arcs", &GrammarCompileOptions::max_arcs)
      .def_readwrite("max_work", &GrammarCompileOptions::max_work)
      .def_readwrite("max_seconds", &GrammarCompileOptions::max_seconds)
      .def_readwrite("default_repeat_prob", &GrammarCompileOptions::default_repeat_prob)
      .def_readwrite("garbage_prob", &GrammarCompileOptions::garbage_prob)
      .def_readwrite("max_depth", &GrammarCompileOptions::max_depth)
      .def_readwrite("minimize", &GrammarCompileOptions::minimize);

  py::class_<GrammarFsa, lm::WordSequenceModel, std::shared_ptr<GrammarFsa>>(
      m, "GrammarFsa", "Deterministic weighted word acceptor compiled from a grammar.")
      .def_property_readonly("num_states", &GrammarFsa::num_states)
      .def_property_readonly("num_arcs", &GrammarFsa::num_arcs)
      .def_property_readonly("start", &GrammarFsa::start)
      .def_property_readonly("has_garbage", &GrammarFsa::has_garbage)
      .def_property_readonly("empty", &GrammarFsa::empty)
      .def_property_readonly_static("garbage_word", [](py::object) { return std::string(grammar::kGarbageText); })
      .def("lexicon_words",
           [](const GrammarFsa& g) {
             std::vector<std::string> out;
             for (lm::WordId w : g.LexiconWords()) out.emplace_back(g.vocab().Word(w));
             return out;
           },
           "Words on some arc, excluding <s>, </s> and <garbage>.")
      .def("accepts",
           [](const GrammarFsa& g, const std::vector<std::string>& tokens) {
             py::gil_scoped_release release;
             return g.Accepts(Views(tokens));
           },
           py::arg("tokens"), "Whether the tokens form a sentence of the grammar (<garbage> absorbs 1+ tokens).")
      .def("score_words",
           [](const GrammarFsa& g, const std::vector<std::string>& tokens) {
             std::vector<lm::WordId> ids;
             for (const auto& t : tokens) {
               lm::WordId w = g.vocab().Find(t);
               if (w == lm::kNoWord) return -std::numeric_limits<double>::infinity();
               ids.push_back(w);
             }
             return g.ScoreWords(ids);
           },
           py::arg("words"), "Natural-log probability of exactly these words (-inf if not in the grammar).")
      .def("enumerate",
           [](const GrammarFsa& g, size_t max_length, size_t max_count) {
             std::vector<std::vector<std::string>> out;
             bool complete;
             {
               py::gil_scoped_release release;
               complete = g.Enumerate(max_length, max_count, [&](const std::vector<lm::WordId>& ws) {
                 std::vector<std::string> s;
                 s.reserve(ws.size());
                 for (lm::WordId w : ws) s.emplace_back(g.vocab().Word(w));
                 out.push_back(std::move(s));
               });
             }
             return py::make_tuple(out, complete);
           },
           py::arg("max_length"), py::arg("max_count"),
           "(sentences of at most max_length words, complete?) - at most max_count of them.")
      .def("arcs",
           [](const GrammarFsa& g, uint32_t s) {
             if (s >= g.num_states()) throw InvalidArgument("state out of range");
             py::list out;
             for (const GrammarFsa::Arc* a = g.arcs_begin(s); a != g.arcs_end(s); ++a)
               out.append(py::make_tuple(std::string(g.vocab().Word(a->word)), a->weight, a->next));
             return out;
           },
           py::arg("state"), "[(word, ln P, next state)] leaving `state`.")
      .def("final_weight",
           [](const GrammarFsa& g, uint32_t s) {
             if (s >= g.num_states()) throw InvalidArgument("state out of range");
             return g.final_weight(s);
           },
           py::arg("state"), "ln P(end of sentence | state); -inf if not final.")
      .def("to_text", &GrammarFsa::ToText, "AT&T text form (costs are -ln P).");

  m.def("compile",
        [](const RuleSet& rules, const std::vector<uint32_t>& roots, const GrammarCompileOptions& options) {
          GrammarCompileStats stats;
          std::shared_ptr<GrammarFsa> fsa;
          {
            py::gil_scoped_release release;
            fsa = grammar::CompileGrammar(rules, roots, options, &stats);
          }
          return py::make_tuple(fsa, StatsDict(stats));
        },
        py::arg("rules"), py::arg("roots"), py::arg("options") = GrammarCompileOptions(),
        "Compile the union of the `roots` rules; returns (GrammarFsa, stats dict).");
}

}  // namespace asr::bindings
