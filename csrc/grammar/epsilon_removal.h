// Epsilon removal in the log semiring: every state keeps, for each state r in
// its epsilon closure, r's word arcs and final weight, weighted by the total
// probability of the epsilon paths to r. Only the start and states entered by
// a word arc survive.
#pragma once

#include "grammar/weighted_automaton.h"

namespace asr::grammar {

struct EpsilonRemovalStats {
  // Closures whose sums did not converge within the iteration budget and
  // were replaced by their best path (Viterbi) instead of the path sum.
  uint64_t viterbi_closures = 0;
};

// Replaces *fsa by an equivalent epsilon-free automaton (same language, same
// sentence probabilities up to the documented approximation), connected.
EpsilonRemovalStats RemoveEpsilons(WeightedAutomaton* fsa);

}  // namespace asr::grammar
