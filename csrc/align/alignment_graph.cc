#include "align/alignment_graph.h"

#include <algorithm>
#include <map>

#include "common/error.h"

namespace asr {

namespace {

// A word-boundary HMM with the set of neighbouring phones it assumes.
struct BoundaryNode {
  int node;
  std::vector<int> contexts;
};

bool Has(const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); }

void AddUnique(std::vector<int>* v, int x) {
  if (!Has(*v, x)) v->push_back(x);
}

}  // namespace

int AlignmentGraph::AddNode(const Mdef& mdef, const TransitionMatrices& tmat, int slot, bool filler, int pron,
                            int phone_index, int pid) {
  GraphNode n;
  n.slot = slot;
  n.filler = filler;
  n.pron = pron;
  n.phone_index = phone_index;
  n.pid = pid;
  const PhoneDef& d = mdef.phone(pid);
  n.tmat = d.tmat;
  n.n_state = mdef.SenoneSeqLength(d.ssid);
  if (n.n_state != tmat.n_state()) throw FormatError("phone " + mdef.PhoneString(pid) + " does not fit the transition matrices");
  n.first_state = n_states_;
  for (int s = 0; s < n.n_state; ++s) {
    state_senone_.push_back(mdef.SenoneSeq(d.ssid)[s]);
    state_node_.push_back(static_cast<int>(nodes_.size()));
  }
  n_states_ += n.n_state;
  nodes_.push_back(std::move(n));
  return static_cast<int>(nodes_.size()) - 1;
}

AlignmentGraph::AlignmentGraph(const Mdef& mdef, const TransitionMatrices& tmat,
                               const std::vector<std::vector<GraphPron>>& slots,
                               const std::vector<GraphFiller>& fillers)
    : slots_(slots), fillers_(fillers) {
  const int n_slot = static_cast<int>(slots.size());
  const int sil = mdef.silence_phone();  // -1: no contexts at word boundaries
  for (size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].empty()) throw InvalidArgument("word " + std::to_string(i) + " of the transcript has no pronunciation");
    for (const GraphPron& p : slots[i]) {
      if (p.phones.empty()) throw InvalidArgument("pronunciation '" + p.label + "' has no phones");
      for (int ph : p.phones)
        if (ph < 0 || ph >= mdef.n_ciphone()) throw InvalidArgument("pronunciation '" + p.label + "' has a bad phone id");
    }
  }
  for (const GraphFiller& f : fillers)
    if (f.phone < 0 || f.phone >= mdef.n_ciphone()) throw InvalidArgument("filler '" + f.label + "' has a bad phone id");

  // Contexts at each word boundary: silence (after a filler, or at the ends)
  // or the neighbouring word's edge phones.
  std::vector<std::vector<int>> left_ctx(n_slot), right_ctx(n_slot);
  for (int i = 0; i < n_slot; ++i) {
    left_ctx[i].push_back(sil);
    right_ctx[i].push_back(sil);
    if (i > 0)
      for (const GraphPron& p : slots[i - 1]) AddUnique(&left_ctx[i], p.phones.back());
    if (i + 1 < n_slot)
      for (const GraphPron& p : slots[i + 1]) AddUnique(&right_ctx[i], p.phones.front());
  }

  std::vector<std::vector<int>> junction(n_slot + 1);  // filler nodes per junction
  // entries[i][p]: nodes that start pronunciation p of slot i, with their left contexts.
  std::vector<std::vector<std::vector<BoundaryNode>>> entries(n_slot), exits(n_slot);
  auto add_junction = [&](int j) {
    for (size_t f = 0; f < fillers.size(); ++f)
      junction[j].push_back(AddNode(mdef, tmat, j, true, static_cast<int>(f), 0, fillers[f].phone));
  };

  for (int i = 0; i < n_slot; ++i) {
    add_junction(i);
    entries[i].resize(slots[i].size());
    exits[i].resize(slots[i].size());
    for (size_t p = 0; p < slots[i].size(); ++p) {
      const std::vector<int>& ph = slots[i][p].phones;
      const int len = static_cast<int>(ph.size());
      const int pr = static_cast<int>(p);
      if (len == 1) {
        // One HMM per (left, right) pair: contexts on both sides.
        for (int lc : left_ctx[i]) {
          for (int rc : right_ctx[i]) {
            int node = AddNode(mdef, tmat, i, false, pr, 0, mdef.PhoneIdNearest(ph[0], lc, rc, WordPosition::kSingle));
            entries[i][p].push_back({node, {lc}});
            exits[i][p].push_back({node, {rc}});
          }
        }
        continue;
      }
      // Word-initial HMMs, merged when contexts map to the same triphone.
      std::map<int, size_t> by_pid;
      for (int lc : left_ctx[i]) {
        int pid = mdef.PhoneIdNearest(ph[0], lc, ph[1], WordPosition::kBegin);
        auto it = by_pid.find(pid);
        if (it == by_pid.end()) {
          by_pid[pid] = entries[i][p].size();
          entries[i][p].push_back({AddNode(mdef, tmat, i, false, pr, 0, pid), {lc}});
        } else {
          entries[i][p][it->second].contexts.push_back(lc);
        }
      }
      std::vector<int> prev;
      for (const BoundaryNode& b : entries[i][p]) prev.push_back(b.node);
      for (int k = 1; k < len - 1; ++k) {
        int node = AddNode(mdef, tmat, i, false, pr, k, mdef.PhoneIdNearest(ph[k], ph[k - 1], ph[k + 1], WordPosition::kInternal));
        for (int from : prev) nodes_[from].next.push_back({node, 0.0f});
        prev = {node};
      }
      by_pid.clear();
      for (int rc : right_ctx[i]) {
        int pid = mdef.PhoneIdNearest(ph[len - 1], ph[len - 2], rc, WordPosition::kEnd);
        auto it = by_pid.find(pid);
        if (it == by_pid.end()) {
          by_pid[pid] = exits[i][p].size();
          int node = AddNode(mdef, tmat, i, false, pr, len - 1, pid);
          for (int from : prev) nodes_[from].next.push_back({node, 0.0f});
          exits[i][p].push_back({node, {rc}});
        } else {
          exits[i][p][it->second].contexts.push_back(rc);
        }
      }
    }
  }
  add_junction(n_slot);

  // Filler loops: any filler may follow a filler in the same junction.
  for (int j = 0; j <= n_slot; ++j) {
    for (int from : junction[j]) {
      for (size_t f = 0; f < junction[j].size(); ++f) nodes_[from].next.push_back({junction[j][f], fillers[f].penalty});
    }
  }
  for (size_t f = 0; f < junction[0].size(); ++f) starts_.push_back({junction[0][f], fillers[f].penalty});
  for (int node : junction[n_slot]) finals_.push_back(node);

  for (int i = 0; i < n_slot; ++i) {
    for (size_t p = 0; p < slots[i].size(); ++p) {
      for (const BoundaryNode& in : entries[i][p]) {
        if (!Has(in.contexts, sil)) continue;
        if (i == 0) starts_.push_back({in.node, 0.0f});
        for (int from : junction[i]) nodes_[from].next.push_back({in.node, 0.0f});
      }
      for (const BoundaryNode& out : exits[i][p]) {
        if (Has(out.contexts, sil)) {
          if (i == n_slot - 1) finals_.push_back(out.node);
          for (size_t f = 0; f < junction[i + 1].size(); ++f)
            nodes_[out.node].next.push_back({junction[i + 1][f], fillers[f].penalty});
        }
        if (i + 1 >= n_slot) continue;
        const int last = slots[i][p].phones.back();
        for (size_t q = 0; q < slots[i + 1].size(); ++q) {
          const int first = slots[i + 1][q].phones.front();
          if (!Has(out.contexts, first)) continue;
          for (const BoundaryNode& in : entries[i + 1][q]) {
            if (Has(in.contexts, last)) nodes_[out.node].next.push_back({in.node, 0.0f});
          }
        }
      }
    }
  }
  if (starts_.empty() || finals_.empty())
    throw InvalidArgument("the transcript cannot be aligned without silence at its ends; enable fillers");
}

}  // namespace asr
