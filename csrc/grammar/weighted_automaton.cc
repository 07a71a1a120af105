#include "grammar/weighted_automaton.h"

#include <algorithm>

#include "common/error.h"

namespace asr::grammar {

void AutomatonLimits::CheckTime() const {
  if (std::chrono::steady_clock::now() > deadline)
    throw InvalidArgument("grammar compilation exceeded its time limit (" + what +
                          "); simplify the grammar or raise max_seconds");
}

void AutomatonLimits::FailWork() const {
  throw InvalidArgument("grammar too complex: compiling it needs more than max_work=" + std::to_string(max_work) +
                        " steps (" + what + "); simplify the grammar or raise max_work");
}

uint32_t WeightedAutomaton::AddState() {
  if (arcs_.size() >= limits_->max_states || arcs_.size() >= 0xFFFFFFF0u)
    throw InvalidArgument("grammar too large: " + limits_->what + " needs more than max_states=" +
                          std::to_string(limits_->max_states) + " states");
  if ((arcs_.size() & 0xFFF) == 0xFFF) limits_->CheckTime();
  arcs_.emplace_back();
  final_.push_back(kLogZero);
  return static_cast<uint32_t>(arcs_.size() - 1);
}

void WeightedAutomaton::AddArc(uint32_t from, uint32_t label, double weight, uint32_t next) {
  if (num_arcs_ >= limits_->max_arcs)
    throw InvalidArgument("grammar too large: " + limits_->what + " needs more than max_arcs=" +
                          std::to_string(limits_->max_arcs) + " arcs");
  if ((num_arcs_ & 0xFFFF) == 0xFFFF) limits_->CheckTime();
  arcs_[from].push_back({label, weight, next});
  ++num_arcs_;
}

void WeightedAutomaton::RecountArcs() {
  num_arcs_ = 0;
  for (const auto& v : arcs_) num_arcs_ += v.size();
}

void WeightedAutomaton::Connect() {
  const uint32_t n = num_states();
  if (n == 0) {
    start_ = AddState();
    return;
  }
  // Forward reachability from the start.
  std::vector<char> fwd(n, 0), bwd(n, 0);
  std::vector<uint32_t> stack{start_};
  fwd[start_] = 1;
  while (!stack.empty()) {
    uint32_t s = stack.back();
    stack.pop_back();
    for (const auto& a : arcs_[s]) {
      if (!fwd[a.next]) {
        fwd[a.next] = 1;
        stack.push_back(a.next);
      }
    }
  }
  // Backward reachability from final states over reversed arcs (CSR).
  std::vector<uint32_t> rbegin(n + 1, 0);
  for (uint32_t s = 0; s < n; ++s)
    if (fwd[s])
      for (const auto& a : arcs_[s]) ++rbegin[a.next + 1];
  for (uint32_t s = 0; s < n; ++s) rbegin[s + 1] += rbegin[s];
  std::vector<uint32_t> rsrc(rbegin[n]);
  {
    std::vector<uint32_t> fill(rbegin.begin(), rbegin.end() - 1);
    for (uint32_t s = 0; s < n; ++s)
      if (fwd[s])
        for (const auto& a : arcs_[s]) rsrc[fill[a.next]++] = s;
  }
  for (uint32_t s = 0; s < n; ++s) {
    if (fwd[s] && final_[s] != kLogZero) {
      bwd[s] = 1;
      stack.push_back(s);
    }
  }
  while (!stack.empty()) {
    uint32_t s = stack.back();
    stack.pop_back();
    for (uint32_t i = rbegin[s]; i < rbegin[s + 1]; ++i) {
      uint32_t p = rsrc[i];
      if (!bwd[p]) {
        bwd[p] = 1;
        stack.push_back(p);
      }
    }
  }
  // Renumber so the start is 0 and the rest keep their relative order.
  std::vector<uint32_t> map(n, kEpsilon);
  uint32_t next_id = 0;
  map[start_] = next_id++;
  for (uint32_t s = 0; s < n; ++s)
    if (s != start_ && fwd[s] && bwd[s]) map[s] = next_id++;
  std::vector<std::vector<WeightedArc>> arcs(next_id);
  std::vector<double> fin(next_id, kLogZero);
  for (uint32_t s = 0; s < n; ++s) {
    if (map[s] == kEpsilon) continue;
    if (s == start_ && !bwd[s]) continue;  // empty language: keep a bare start
    auto& out = arcs[map[s]];
    for (const auto& a : arcs_[s])
      if (bwd[a.next] && map[a.next] != kEpsilon) out.push_back({a.label, a.weight, map[a.next]});
    fin[map[s]] = final_[s];
  }
  arcs_ = std::move(arcs);
  final_ = std::move(fin);
  start_ = 0;
  RecountArcs();
}

void WeightedAutomaton::SortAndMergeArcs() {
  for (auto& v : arcs_) {
    std::sort(v.begin(), v.end(), [](const WeightedArc& a, const WeightedArc& b) {
      return a.label != b.label ? a.label < b.label : a.next < b.next;
    });
    size_t w = 0;
    for (size_t r = 0; r < v.size(); ++r) {
      if (w > 0 && v[w - 1].label == v[r].label && v[w - 1].next == v[r].next) {
        v[w - 1].weight = LogAdd(v[w - 1].weight, v[r].weight);
      } else {
        v[w++] = v[r];
      }
    }
    v.resize(w);
  }
  RecountArcs();
}

}  // namespace asr::grammar
