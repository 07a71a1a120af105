// Weight pushing toward the start in the log semiring, followed by exact
// per-state renormalisation: afterwards each state's outgoing arc
// probabilities plus its final probability sum to one, which is what
// "log-probabilities normalised per choice point" means for the search, and
// equivalent states carry equal weights (a precondition of minimisation).
#pragma once

#include "grammar/weighted_automaton.h"

namespace asr::grammar {

struct PushStats {
  bool converged = true;  // false if a cyclic part hit the iteration cap
};

PushStats PushWeights(WeightedAutomaton* fsa);

}  // namespace asr::grammar
