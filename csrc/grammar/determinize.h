// Weighted subset construction (log semiring) for epsilon-free automata.
//
// A deterministic automaton is what the search needs: a WordSequenceModel
// state must have one successor per word. Weighted determinization does not
// terminate for every weighted automaton (cyclic ambiguity with unequal
// weights), so it runs under a state budget; past it, the construction is
// redone keying subsets on states alone, which always terminates, keeps the
// language exact and approximates the weights of ambiguous paths.
#pragma once

#include "grammar/weighted_automaton.h"

namespace asr::grammar {

struct DeterminizeStats {
  bool weights_approximated = false;  // the state-only fallback was used
};

// `weighted_budget` bounds the exact weighted attempt (in states); the
// fallback is bounded by the automaton's own limits.
DeterminizeStats Determinize(WeightedAutomaton* fsa, uint64_t weighted_budget);

}  // namespace asr::grammar
