#include "grammar/weight_pushing.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace asr::grammar {

namespace {

// Tarjan's algorithm, iterative; components come out sinks first, which is
// the order in which backward (future) probabilities can be computed.
std::vector<std::vector<uint32_t>> Components(const WeightedAutomaton& fsa) {
  const uint32_t n = fsa.num_states();
  constexpr uint32_t kUnset = 0xFFFFFFFFu;
  std::vector<uint32_t> index(n, kUnset), low(n, 0), stack;
  std::vector<char> on(n, 0);
  std::vector<std::vector<uint32_t>> out;
  std::vector<std::pair<uint32_t, size_t>> call;
  uint32_t counter = 0;
  for (uint32_t root = 0; root < n; ++root) {
    if (index[root] != kUnset) continue;
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on[root] = 1;
    call.push_back({root, 0});
    while (!call.empty()) {
      uint32_t v = call.back().first;
      size_t& i = call.back().second;
      const auto& arcs = fsa.arcs(v);
      if (i < arcs.size()) {
        uint32_t w = arcs[i++].next;
        if (index[w] == kUnset) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on[w] = 1;
          call.push_back({w, 0});
        } else if (on[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      call.pop_back();
      if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[v]);
      if (low[v] == index[v]) {
        out.emplace_back();
        uint32_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on[w] = 0;
          out.back().push_back(w);
        } while (w != v);
      }
    }
  }
  return out;
}

constexpr int kMaxSweeps = 2000;
constexpr double kConverged = 1e-12;

}  // namespace

PushStats PushWeights(WeightedAutomaton* fsa) {
  PushStats stats;
  const uint32_t n = fsa->num_states();
  // beta[q] = ln of the total probability of all paths from q to the end.
  std::vector<double> beta(n, kLogZero);
  std::vector<uint32_t> comp_of(n);
  auto comps = Components(*fsa);
  for (uint32_t c = 0; c < comps.size(); ++c)
    for (uint32_t s : comps[c]) comp_of[s] = c;
  for (uint32_t c = 0; c < comps.size(); ++c) {
    const auto& members = comps[c];
    // Gauss-Seidel sweeps; a single state without a self-loop settles in one.
    for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
      double change = 0.0;
      for (uint32_t s : members) {
        double b = fsa->final_weight(s);
        fsa->limits()->Tick(fsa->arcs(s).size() + 1);
        for (const WeightedArc& a : fsa->arcs(s)) b = LogAdd(b, a.weight + beta[a.next]);
        if (beta[s] == kLogZero) {
          if (b != kLogZero) change = 1.0;
        } else {
          change = std::max(change, std::fabs(b - beta[s]));
        }
        beta[s] = b;
      }
      bool cyclic = members.size() > 1;
      if (!cyclic)
        for (const WeightedArc& a : fsa->arcs(members[0])) cyclic = cyclic || a.next == members[0];
      if (!cyclic || change < kConverged) break;
      if (sweep + 1 == kMaxSweeps) stats.converged = false;
    }
  }
  for (uint32_t s = 0; s < n; ++s) {
    if (beta[s] == kLogZero) continue;  // not co-accessible; Connect() removes it
    for (WeightedArc& a : fsa->mutable_arcs(s)) a.weight += beta[a.next] - beta[s];
    fsa->SetFinal(s, fsa->final_weight(s) - beta[s]);
  }
  // Exact local normalisation removes whatever the iteration left over.
  for (uint32_t s = 0; s < n; ++s) {
    double z = fsa->final_weight(s);
    for (const WeightedArc& a : fsa->arcs(s)) z = LogAdd(z, a.weight);
    if (z == kLogZero) continue;
    for (WeightedArc& a : fsa->mutable_arcs(s)) a.weight -= z;
    if (fsa->final_weight(s) != kLogZero) fsa->SetFinal(s, fsa->final_weight(s) - z);
  }
  return stats;
}

}  // namespace asr::grammar
