// Compiles a RuleSet into a GrammarFsa: analysis (recursion must be
// right-linear), expansion, epsilon removal, weighted determinisation,
// weight pushing and minimisation, all under one set of size and time limits.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "grammar/grammar_fsa.h"
#include "grammar/rule_expansion.h"

namespace asr::grammar {

// Defaults answer in about a second on any grammar (asr_engine/limits.py
// documents them); each limit is an option so a caller can raise it.
struct GrammarCompileOptions {
  uint64_t max_states = 200000;      // states any automaton may have (the expansion: estimated first)
  uint64_t max_arcs = 2000000;       // arcs any intermediate automaton may have
  uint64_t max_work = 5000000;       // units of work (closure members, arc contributions) in all stages
  double max_seconds = 10.0;         // wall-clock backstop for the whole compilation
  double default_repeat_prob = 0.5;  // P(one more copy) for repeats without /p/
  double garbage_prob = 0.5;         // P($GARBAGE absorbs speech) vs. matching nothing
  uint32_t max_depth = 2000;         // nesting of expansions and inlined rule references
  bool minimize = true;              // merge equivalent states (never changes scores)
};

struct GrammarCompileStats {
  uint64_t expanded_states = 0, expanded_arcs = 0;  // epsilon automaton
  uint64_t epsilon_free_states = 0, epsilon_free_arcs = 0;
  uint64_t deterministic_states = 0, deterministic_arcs = 0;
  uint64_t states = 0, arcs = 0;                    // final, minimised
  uint64_t viterbi_closures = 0;       // epsilon sums replaced by best paths
  bool weights_approximated = false;   // determinisation used its fallback
  bool push_converged = true;
  uint64_t work = 0;                   // units counted against max_work
  double seconds = 0.0;
};

// `roots` are rule indices activated together (their union, equally likely);
// no roots gives the empty language (an automaton with a non-final start).
// Throws FormatError for grammars that cannot be compiled (non-right-linear
// recursion) and InvalidArgument when a limit is exceeded.
std::shared_ptr<GrammarFsa> CompileGrammar(const RuleSet& rules, const std::vector<uint32_t>& roots,
                                           const GrammarCompileOptions& options,
                                           GrammarCompileStats* stats = nullptr);

}  // namespace asr::grammar
