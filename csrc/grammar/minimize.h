// Minimisation of a deterministic, pushed, weighted automaton (Hopcroft's
// partition refinement with (word, weight) pairs as letters). Works on
// partial automata: starting the worklist with every initial block is
// equivalent to running on the completed automaton with the implicit sink in
// a block of its own, which therefore never needs to be a splitter.
#pragma once

#include "grammar/weighted_automaton.h"

namespace asr::grammar {

// Input must be deterministic, connected and pushed (see PushWeights).
void Minimize(WeightedAutomaton* fsa);

}  // namespace asr::grammar
