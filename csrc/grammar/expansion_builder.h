// Expands a RuleSet into an epsilon automaton (a Thompson-style
// construction that threads target states and pending weights through, so
// that choices and loops cost no epsilon arcs): tokens become word arcs,
// repeats are unrolled (bounded) or looped (unbounded), non-recursive rule
// references are inlined, and each entry into a right-recursive group of
// rules gets its own copy of the group in which tail calls are jumps. Size
// and nesting limits are enforced while building, never after.
#pragma once

#include <cstdint>
#include <vector>

#include "grammar/rule_analysis.h"
#include "grammar/rule_expansion.h"
#include "grammar/weighted_automaton.h"

namespace asr::grammar {

struct ExpansionOptions {
  double default_repeat_prob = 0.5;  // P(one more copy) for repeats without /p/
  double garbage_prob = 0.5;         // P($GARBAGE absorbs speech) vs. matching nothing
  uint32_t max_depth = 2000;         // nesting of expansions plus inlined rule references
};

// Builds into `out` (which must be empty) the union of the `roots` rules,
// each chosen with equal probability, with a single final state.
void BuildExpansion(const RuleSet& rules, const RuleAnalysis& analysis, const std::vector<uint32_t>& roots,
                    const ExpansionOptions& options, WeightedAutomaton* out);

}  // namespace asr::grammar
