// Size of a grammar's expansion, estimated from its rules before anything
// is expanded: bounded repeats multiply, sequences and alternatives add,
// inlined references cost their rule's size per use, and each entry into a
// right-recursive group of rules costs one copy of the group. The count is
// saturating, so `(((x<1000>)<1000>)<1000>)<1000>` answers "too many" at
// once instead of after building a billion states.
#pragma once

#include <cstdint>
#include <vector>

#include "grammar/rule_analysis.h"
#include "grammar/rule_expansion.h"

namespace asr::grammar {

// Roughly the number of states BuildExpansion would create for `roots`
// (within a small factor; silent items count one). Saturates at 2^62.
// Nesting deeper than `max_depth` is not followed (the builder refuses it).
uint64_t EstimateExpansionStates(const RuleSet& rules, const RuleAnalysis& analysis,
                                 const std::vector<uint32_t>& roots, uint32_t max_depth);

}  // namespace asr::grammar
