// Weighted subset construction (log semiring) for epsilon-free automata.
//
// A deterministic automaton is what the search needs: a WordSequenceModel
// state must have one successor per word. Weighted determinization does not
// terminate for every weighted automaton (cyclic ambiguity with unequal
// weights), so subsets keyed on states alone are built first (this always
// terminates, keeps the language exact and approximates the weights of
// ambiguous paths), and the exact weighted construction replaces it only if
// it stays within a small multiple of that size.
#pragma once

#include "grammar/weighted_automaton.h"

namespace asr::grammar {

struct DeterminizeStats {
  bool weights_approximated = false;  // the state-only fallback was used
};

// `weighted_budget` further bounds the exact weighted attempt (in states);
// the state-keyed construction is bounded by the automaton's own limits.
DeterminizeStats Determinize(WeightedAutomaton* fsa, uint64_t weighted_budget);

}  // namespace asr::grammar
