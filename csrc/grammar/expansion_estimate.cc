#include "grammar/expansion_estimate.h"

#include <algorithm>
#include <unordered_map>

namespace asr::grammar {

namespace {

using K = ExpansionKind;
constexpr uint64_t kSaturated = uint64_t{1} << 62;

uint64_t Add(uint64_t a, uint64_t b) { return a + b >= kSaturated ? kSaturated : a + b; }
uint64_t Mul(uint64_t a, uint64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kSaturated / b ? kSaturated : a * b;
}

class Estimator {
 public:
  Estimator(const RuleSet& rs, const RuleAnalysis& an, uint32_t max_depth)
      : rs_(rs), an_(an), max_depth_(max_depth), memo_(rs.nodes().size(), kUnknown) {}

  // `scc`: the recursive group whose body we are in (kNoNode outside one);
  // references back into it are jumps and cost one state.
  uint64_t Node(uint32_t n, uint32_t scc, uint32_t depth) {
    if (depth > max_depth_) return 0;
    if (!an_.nonempty[n]) return 0;
    if (!an_.consumes[n]) return 1;  // silent: collapses to epsilons
    if (memo_[n] != kUnknown) return memo_[n];
    const RuleExpansion& e = rs_.nodes()[n];
    uint64_t size = 1;
    switch (e.kind) {
      case K::kToken:
        size = e.end - e.begin;
        break;
      case K::kGarbage:
        size = 2;
        break;
      case K::kSequence:
      case K::kAlternatives:
        for (uint32_t i = e.begin; i < e.end; ++i) size = Add(size, Node(rs_.children()[i], scc, depth + 1));
        break;
      case K::kRepeat: {
        const uint64_t copies = e.max_count == kUnbounded ? std::max<uint32_t>(e.min_count, 1) : e.max_count;
        size = Add(1, Mul(copies, Node(rs_.children()[e.begin], scc, depth + 1)));
        break;
      }
      case K::kRuleRef:
        size = Ref(e.rule, scc, depth + 1);
        break;
      default:
        break;
    }
    memo_[n] = size;
    return size;
  }

  uint64_t Ref(uint32_t rule, uint32_t scc, uint32_t depth) {
    const uint32_t target = an_.scc_of_rule[rule];
    if (target == kNoNode) return 0;
    if (!an_.scc_recursive[target]) return Node(rs_.rules()[rule].body, scc, depth);
    if (target == scc) return 1;
    auto it = group_.find(target);
    if (it != group_.end()) return it->second;
    uint64_t size = 0;
    group_[target] = 1;  // re-entry while measuring: a jump
    for (uint32_t r = 0; r < rs_.rules().size(); ++r)
      if (an_.scc_of_rule[r] == target) size = Add(size, Node(rs_.rules()[r].body, target, depth));
    group_[target] = size;
    return size;
  }

 private:
  static constexpr uint64_t kUnknown = ~uint64_t{0};
  const RuleSet& rs_;
  const RuleAnalysis& an_;
  uint32_t max_depth_;
  std::vector<uint64_t> memo_;
  std::unordered_map<uint32_t, uint64_t> group_;  // recursive group -> size of one copy
};

}  // namespace

uint64_t EstimateExpansionStates(const RuleSet& rules, const RuleAnalysis& analysis,
                                 const std::vector<uint32_t>& roots, uint32_t max_depth) {
  Estimator est(rules, analysis, max_depth);
  uint64_t total = 2;  // start and final states
  for (uint32_t r : roots) total = Add(total, est.Ref(r, kNoNode, 0));
  return total;
}

}  // namespace asr::grammar
