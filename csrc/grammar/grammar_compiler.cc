#include "grammar/grammar_compiler.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "common/error.h"
#include "grammar/determinize.h"
#include "grammar/epsilon_removal.h"
#include "grammar/expansion_builder.h"
#include "grammar/expansion_estimate.h"
#include "grammar/minimize.h"
#include "grammar/rule_analysis.h"
#include "grammar/weight_pushing.h"
#include "grammar/weighted_automaton.h"

namespace asr::grammar {

namespace {

void CheckOptions(const GrammarCompileOptions& o) {
  if (o.max_states < 2) throw InvalidArgument("max_states must be at least 2");
  if (o.max_arcs < 1) throw InvalidArgument("max_arcs must be at least 1");
  if (o.max_work < 1) throw InvalidArgument("max_work must be at least 1");
  if (!(o.max_seconds > 0.0)) throw InvalidArgument("max_seconds must be positive");
  if (!(o.default_repeat_prob > 0.0 && o.default_repeat_prob < 1.0))
    throw InvalidArgument("default_repeat_prob must be strictly between 0 and 1");
  if (!(o.garbage_prob > 0.0 && o.garbage_prob < 1.0))
    throw InvalidArgument("garbage_prob must be strictly between 0 and 1");
  if (o.max_depth < 1) throw InvalidArgument("max_depth must be at least 1");
}

// Freezes the automaton: keeps only the words it uses (so the vocabulary
// is exactly the lexicon the decoder needs) and lays arcs out CSR-style.
std::shared_ptr<GrammarFsa> Freeze(const WeightedAutomaton& a, const RuleSet& rules) {
  const uint32_t n = a.num_states();
  const auto& rule_words = rules.words();
  std::vector<uint32_t> remap(rule_words.size() + kFirstGrammarWord, kEpsilon);
  remap[kGarbageWord] = kGarbageWord;
  for (uint32_t s = 0; s < n; ++s)
    for (const WeightedArc& arc : a.arcs(s))
      if (arc.label >= kFirstGrammarWord) remap[arc.label] = 0;  // mark used
  std::vector<std::string> words{kBosText, kEosText, kGarbageText};
  for (uint32_t w = 0; w < rule_words.size(); ++w) {
    if (remap[w + kFirstGrammarWord] == kEpsilon) continue;
    remap[w + kFirstGrammarWord] = static_cast<uint32_t>(words.size());
    words.push_back(rule_words[w]);
  }
  std::vector<uint32_t> begin(n + 1, 0);
  std::vector<GrammarFsa::Arc> arcs;
  arcs.reserve(a.num_arcs());
  std::vector<float> fin(n);
  for (uint32_t s = 0; s < n; ++s) {
    size_t first = arcs.size();
    for (const WeightedArc& arc : a.arcs(s))
      arcs.push_back({remap[arc.label], static_cast<float>(arc.weight), arc.next});
    std::sort(arcs.begin() + first, arcs.end(),
              [](const GrammarFsa::Arc& x, const GrammarFsa::Arc& y) { return x.word < y.word; });
    begin[s + 1] = static_cast<uint32_t>(arcs.size());
    fin[s] = static_cast<float>(a.final_weight(s));
  }
  return std::make_shared<GrammarFsa>(std::move(words), a.start(), std::move(begin), std::move(arcs),
                                      std::move(fin));
}

}  // namespace

std::shared_ptr<GrammarFsa> CompileGrammar(const RuleSet& rules, const std::vector<uint32_t>& roots,
                                           const GrammarCompileOptions& options, GrammarCompileStats* stats) {
  CheckOptions(options);
  GrammarCompileStats local;
  GrammarCompileStats& st = stats ? *stats : local;
  const auto t0 = std::chrono::steady_clock::now();
  AutomatonLimits limits;
  limits.max_states = options.max_states;
  limits.max_arcs = options.max_arcs;
  limits.max_work = options.max_work;
  limits.deadline = t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                             std::chrono::duration<double>(std::min(options.max_seconds, 1e6)));

  limits.what = "expansion";
  WeightedAutomaton fsa(&limits);
  if (roots.empty()) {  // the union of no rules: nothing matches
    fsa.SetStart(fsa.AddState());
    auto out = Freeze(fsa, rules);
    st.states = 1;
    return out;
  }
  RuleAnalysis analysis = AnalyseRules(rules, roots);
  const uint64_t estimate = EstimateExpansionStates(rules, analysis, roots, options.max_depth);
  if (estimate > options.max_states)
    throw InvalidArgument("grammar too large: expanding it needs about " +
                          (estimate >= (uint64_t{1} << 62) ? std::string("2^62") : std::to_string(estimate)) +
                          " states, over the limit max_states=" + std::to_string(options.max_states) +
                          " (raise it to compile this grammar)");

  ExpansionOptions eo;
  eo.default_repeat_prob = options.default_repeat_prob;
  eo.garbage_prob = options.garbage_prob;
  eo.max_depth = options.max_depth;
  BuildExpansion(rules, analysis, roots, eo, &fsa);
  st.expanded_states = fsa.num_states();
  st.expanded_arcs = fsa.num_arcs();

  fsa.Connect();
  limits.what = "epsilon removal";
  st.viterbi_closures = RemoveEpsilons(&fsa).viterbi_closures;
  st.epsilon_free_states = fsa.num_states();
  st.epsilon_free_arcs = fsa.num_arcs();

  limits.what = "determinization";
  const uint64_t budget = std::max<uint64_t>(8 * uint64_t{fsa.num_states()}, 10000);
  st.weights_approximated = Determinize(&fsa, budget).weights_approximated;
  fsa.Connect();
  st.deterministic_states = fsa.num_states();
  st.deterministic_arcs = fsa.num_arcs();

  limits.what = "weight pushing";
  st.push_converged = PushWeights(&fsa).converged;
  if (options.minimize) {
    limits.what = "minimization";
    Minimize(&fsa);
    // Merged states keep one representative's weights; renormalise so that
    // quantisation cannot leave a state summing to slightly more than one.
    PushWeights(&fsa);
  }
  st.states = fsa.num_states();
  st.arcs = fsa.num_arcs();
  auto out = Freeze(fsa, rules);
  st.work = limits.total_work();
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace asr::grammar
