#include "grammar/determinize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "common/error.h"

namespace asr::grammar {

namespace {

// Residual weights are compared after rounding to this many nats, the same
// tolerance OpenFst uses (kDelta = 1/1024), so float noise cannot create
// spurious subsets.
constexpr double kQuantum = 1.0 / 1024.0;

struct Member {
  uint32_t state;
  double residual;  // ln weight still owed to this member
};

struct KeyHash {
  size_t operator()(const std::vector<int64_t>& k) const {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ k.size();
    for (int64_t v : k) {
      h ^= static_cast<uint64_t>(v) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
      h *= 0xFF51AFD7ED558CCDull;
    }
    return static_cast<size_t>(h ^ (h >> 31));
  }
};

struct BudgetExceeded {};

// Runs the subset construction; `weighted` chooses whether residuals are
// part of a subset's identity. Throws BudgetExceeded past `budget` states or
// `work_budget` arc contributions; reports the contributions in *work.
WeightedAutomaton Run(const WeightedAutomaton& in, bool weighted, uint64_t budget, uint64_t work_budget,
                      uint64_t* work) {
  WeightedAutomaton out(in.limits());
  std::vector<std::vector<Member>> subsets;
  std::unordered_map<std::vector<int64_t>, uint32_t, KeyHash> index;

  auto intern = [&](std::vector<Member>&& members) -> uint32_t {
    std::vector<int64_t> key;
    key.reserve(members.size() * (weighted ? 2 : 1));
    for (const Member& m : members) {
      key.push_back(m.state);
      if (weighted) key.push_back(static_cast<int64_t>(std::llround(m.residual / kQuantum)));
    }
    auto it = index.find(key);
    if (it != index.end()) return it->second;
    if (subsets.size() >= budget) throw BudgetExceeded();
    uint32_t id = out.AddState();
    index.emplace(std::move(key), id);
    subsets.push_back(std::move(members));
    return id;
  };

  out.SetStart(intern({{in.start(), 0.0}}));
  struct Contribution {
    uint32_t label, next;
    double weight;
  };
  std::vector<Contribution> contrib;
  *work = 0;
  for (uint32_t id = 0; id < subsets.size(); ++id) {
    double fin = kLogZero;
    contrib.clear();
    for (const Member& m : subsets[id]) {
      fin = LogAdd(fin, m.residual + in.final_weight(m.state));
      for (const WeightedArc& a : in.arcs(m.state)) contrib.push_back({a.label, a.next, m.residual + a.weight});
    }
    *work += contrib.size() + subsets[id].size();
    if (*work > work_budget) throw BudgetExceeded();
    // A contribution costs about three units: sorting it, and hashing and
    // comparing the subset it lands in.
    in.limits()->Tick(3 * contrib.size() + subsets[id].size());
    out.SetFinal(id, fin);
    std::sort(contrib.begin(), contrib.end(), [](const Contribution& a, const Contribution& b) {
      return a.label != b.label ? a.label < b.label : a.next < b.next;
    });
    size_t i = 0;
    while (i < contrib.size()) {
      size_t j = i;
      double total = kLogZero;
      while (j < contrib.size() && contrib[j].label == contrib[i].label) total = LogAdd(total, contrib[j++].weight);
      std::vector<Member> next;
      for (size_t k = i; k < j; ++k) {
        if (!next.empty() && next.back().state == contrib[k].next) {
          next.back().residual = LogAdd(next.back().residual, contrib[k].weight - total);
        } else {
          next.push_back({contrib[k].next, contrib[k].weight - total});
        }
      }
      const uint32_t label = contrib[i].label;
      uint32_t target = intern(std::move(next));
      out.AddArc(id, label, total, target);
      i = j;
    }
  }
  return out;
}

}  // namespace

DeterminizeStats Determinize(WeightedAutomaton* fsa, uint64_t weighted_budget) {
  DeterminizeStats stats;
  // The state-keyed construction always terminates and bounds the size (and
  // work) an exact weighted result can reasonably need, so it runs first.
  WeightedAutomaton by_states(fsa->limits());
  uint64_t work = 0;
  try {
    by_states = Run(*fsa, false, fsa->limits()->max_states, UINT64_MAX, &work);
  } catch (const BudgetExceeded&) {
    throw InvalidArgument("grammar too large: its deterministic automaton needs more than max_states=" +
                          std::to_string(fsa->limits()->max_states) + " states");
  }
  const uint64_t budget = std::min<uint64_t>(
      {weighted_budget, 2 * uint64_t{by_states.num_states()} + 1000, fsa->limits()->max_states});
  try {
    uint64_t weighted_work = 0;
    *fsa = Run(*fsa, true, budget, 4 * work + 100000, &weighted_work);
  } catch (const BudgetExceeded&) {
    stats.weights_approximated = true;
    *fsa = std::move(by_states);
  }
  return stats;
}

}  // namespace asr::grammar
