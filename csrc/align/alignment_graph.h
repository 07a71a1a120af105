// The HMM graph a forced alignment searches: the transcript's words in
// order, each as its triphone HMMs, with optional fillers (silence, noise)
// between words and at both ends.
//
// Alternate pronunciations are parallel paths. Word-boundary phones get one
// HMM per neighbouring context (the previous word's last phone, or silence
// after a filler or at the start), and edges only join HMMs whose contexts
// agree, so every path through the graph uses the triphones PocketSphinx
// would use for it. Nodes are stored in transcript order, which keeps the
// set of live nodes in a narrow window during the search.
#pragma once

#include <string>
#include <vector>

#include "am/mdef.h"
#include "am/transition_matrices.h"

namespace asr {

struct GraphPron {
  std::string label;        // "was(2)"
  std::vector<int> phones;  // CI phone ids
};

struct GraphFiller {
  std::string label;  // "<sil>", "[NOISE]"
  int phone = 0;      // CI phone id (a filler phone)
  float penalty = 0;  // log-probability added each time it is inserted
};

struct GraphEdge {
  int to = 0;
  float penalty = 0;
};

struct GraphNode {
  int slot = 0;         // word position in the transcript; fillers: junction index
  bool filler = false;  // silence/noise between words
  int pron = 0;         // index into the slot's pronunciations, or filler index
  int phone_index = 0;  // position of the phone in the pronunciation
  int pid = 0;          // mdef phone id (triphone or CI)
  int tmat = 0;
  int first_state = 0;  // index of state 0 in the global state array
  int n_state = 0;
  std::vector<GraphEdge> next;
};

class AlignmentGraph {
 public:
  // `slots[i]` lists the pronunciations of transcript word i; `fillers`
  // may be inserted (repeatedly) between words and at the ends.
  AlignmentGraph(const Mdef& mdef, const TransitionMatrices& tmat, const std::vector<std::vector<GraphPron>>& slots,
                 const std::vector<GraphFiller>& fillers);

  const std::vector<GraphNode>& nodes() const { return nodes_; }
  int n_states() const { return n_states_; }
  // Senone of every state, indexed like the states.
  const std::vector<int>& state_senone() const { return state_senone_; }
  const std::vector<int>& state_node() const { return state_node_; }
  // Nodes a path may start in, with the penalty paid for entering them.
  const std::vector<GraphEdge>& starts() const { return starts_; }
  // Nodes whose exit may end a path.
  const std::vector<int>& finals() const { return finals_; }

  const std::vector<std::vector<GraphPron>>& slots() const { return slots_; }
  const std::vector<GraphFiller>& fillers() const { return fillers_; }

 private:
  int AddNode(const Mdef& mdef, const TransitionMatrices& tmat, int slot, bool filler, int pron, int phone_index,
              int pid);

  std::vector<GraphNode> nodes_;
  std::vector<int> state_senone_;
  std::vector<int> state_node_;
  std::vector<GraphEdge> starts_;
  std::vector<int> finals_;
  std::vector<std::vector<GraphPron>> slots_;
  std::vector<GraphFiller> fillers_;
  int n_states_ = 0;
};

}  // namespace asr
