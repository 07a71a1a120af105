#include "grammar/expansion_builder.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "common/error.h"
#include "grammar/reserved_words.h"

namespace asr::grammar {

namespace {

using K = ExpansionKind;

// Keeps probabilities strictly inside (0, 1): SRGS says repeat probabilities
// change scores, never which sentences are accepted, so no path may get -inf.
double ClampProb(double p) { return std::min(std::max(p, 1e-9), 1.0 - 1e-9); }

// Build(node, from, to, w) adds every path of `node` from state `from` to
// state `to`, with ln-weight `w` multiplied into the arcs leaving `from`.
// Passing the weight down instead of emitting a weighted epsilon arc keeps
// choice points free of epsilons; passing `to` down lets loops close on
// themselves (a word loop is one state with one arc per word).
class Builder {
 public:
  Builder(const RuleSet& rs, const RuleAnalysis& an, const ExpansionOptions& opt, WeightedAutomaton* out)
      : rs_(rs), an_(an), opt_(opt), out_(out) {}

  void RuleRef(uint32_t rule, uint32_t from, uint32_t to, double w, uint32_t copy, uint32_t depth,
               SourcePos pos) {
    CheckDepth(depth, pos);
    const uint32_t scc = an_.scc_of_rule[rule];
    if (!an_.nonempty[rs_.rules()[rule].body]) return;
    if (copy != kNoNode && copies_[copy].scc == scc) {
      // A tail call inside the group: whatever follows consumes nothing, so
      // the continuation is the group's exit, already wired to the callee.
      Eps(from, w, Entry(copy, rule, depth));
      return;
    }
    if (an_.scc_recursive[scc]) {
      copies_.push_back({scc, to, {}});
      uint32_t c = static_cast<uint32_t>(copies_.size() - 1);
      Eps(from, w, Entry(c, rule, depth));
      return;
    }
    Build(rs_.rules()[rule].body, from, to, w, kNoNode, depth + 1);
  }

 private:
  struct Copy {
    uint32_t scc;
    uint32_t exit;
    std::unordered_map<uint32_t, uint32_t> entry;  // rule -> its entry state in this copy
  };

  void Eps(uint32_t from, double w, uint32_t to) {
    // A probability-one epsilon self-loop would make epsilon sums diverge,
    // and it means "stay here", so it is simply not added.
    if (from == to && w >= -1e-12) return;
    out_->AddArc(from, kEpsilon, w, to);
  }

  void CheckDepth(uint32_t depth, SourcePos pos) const {
    if (depth > opt_.max_depth)
      throw InvalidArgument(PosPrefix(pos) + "grammar nests expansions and rule references more than max_depth=" +
                            std::to_string(opt_.max_depth) + " levels deep");
  }

  uint32_t Entry(uint32_t copy, uint32_t rule, uint32_t depth) {
    auto it = copies_[copy].entry.find(rule);
    if (it != copies_[copy].entry.end()) return it->second;
    uint32_t e = out_->AddState();
    copies_[copy].entry.emplace(rule, e);
    Build(rs_.rules()[rule].body, e, copies_[copy].exit, 0.0, copy, depth + 1);
    return e;
  }

  // True if the node matches exactly the empty sentence: its paths carry
  // total probability one, so a sequence can drop it without changing scores.
  bool Silent(uint32_t node) const { return an_.nullable[node] && !an_.consumes[node]; }

  void Build(uint32_t node, uint32_t from, uint32_t to, double w, uint32_t copy, uint32_t depth) {
    const RuleExpansion& e = rs_.nodes()[node];
    CheckDepth(depth, e.pos);
    if (!an_.nonempty[node]) return;  // nothing matches: no path at all
    if (Silent(node)) {
      Eps(from, w, to);
      return;
    }
    const auto& ch = rs_.children();
    switch (e.kind) {
      case K::kToken: {
        uint32_t cur = from;
        for (uint32_t i = e.begin; i < e.end; ++i) {
          uint32_t next = i + 1 == e.end ? to : out_->AddState();
          out_->AddArc(cur, rs_.token_words()[i] + kFirstGrammarWord, i == e.begin ? w : 0.0, next);
          cur = next;
        }
        return;
      }
      case K::kNull:
      case K::kTag:
      case K::kVoid:
        return;  // handled by Silent() / nonempty above
      case K::kGarbage: {
        const double g = ClampProb(opt_.garbage_prob);
        Eps(from, w + std::log1p(-g), to);
        out_->AddArc(from, kGarbageWord, w + std::log(g), to);
        return;
      }
      case K::kRuleRef:
        RuleRef(e.rule, from, to, w, copy, depth + 1, e.pos);
        return;
      case K::kSequence: {
        std::vector<uint32_t> parts;
        for (uint32_t i = e.begin; i < e.end; ++i)
          if (!Silent(ch[i])) parts.push_back(ch[i]);
        uint32_t cur = from;
        for (size_t i = 0; i < parts.size(); ++i) {
          uint32_t next = i + 1 == parts.size() ? to : out_->AddState();
          Build(parts[i], cur, next, i == 0 ? w : 0.0, copy, depth + 1);
          cur = next;
        }
        return;
      }
      case K::kAlternatives: {
        // Alternatives with an empty language are dropped before normalising:
        // SRGS says a $VOID alternative is effectively removed.
        double total = 0.0;
        for (uint32_t i = e.begin; i < e.end; ++i)
          if (an_.nonempty[ch[i]]) total += rs_.child_weights()[i];
        for (uint32_t i = e.begin; i < e.end; ++i) {
          if (!an_.nonempty[ch[i]]) continue;
          Build(ch[i], from, to, w + std::log(rs_.child_weights()[i] / total), copy, depth + 1);
        }
        return;
      }
      case K::kRepeat: {
        const uint32_t x = ch[e.begin];
        const double p = ClampProb(e.repeat_prob < 0.0 ? opt_.default_repeat_prob : e.repeat_prob);
        const double more = std::log(p), stop = std::log1p(-p);
        const bool unbounded = e.max_count == kUnbounded;
        uint32_t cur = from;
        double cw = w;
        if (unbounded) {
          // m required copies, the last one ending in the loop state.
          uint32_t loop = out_->AddState();
          if (e.min_count == 0) {
            Eps(from, w, loop);
          } else {
            for (uint32_t i = 0; i < e.min_count; ++i) {
              uint32_t next = i + 1 == e.min_count ? loop : out_->AddState();
              Build(x, cur, next, cw, copy, depth + 1);
              cur = next;
              cw = 0.0;
            }
          }
          Build(x, loop, loop, more, copy, depth + 1);
          Eps(loop, stop, to);
          return;
        }
        for (uint32_t i = 0; i < e.max_count; ++i) {
          if (i >= e.min_count) Eps(cur, cw + stop, to);
          uint32_t next = i + 1 == e.max_count ? to : out_->AddState();
          Build(x, cur, next, cw + (i >= e.min_count ? more : 0.0), copy, depth + 1);
          cur = next;
          cw = 0.0;
        }
        return;
      }
    }
  }

  const RuleSet& rs_;
  const RuleAnalysis& an_;
  const ExpansionOptions& opt_;
  WeightedAutomaton* out_;
  std::vector<Copy> copies_;
};

}  // namespace

void BuildExpansion(const RuleSet& rules, const RuleAnalysis& analysis, const std::vector<uint32_t>& roots,
                    const ExpansionOptions& options, WeightedAutomaton* out) {
  if (out->num_states() != 0) throw InvalidArgument("BuildExpansion needs an empty automaton");
  if (roots.empty()) throw InvalidArgument("no rule to compile (no root and no rule given)");
  Builder b(rules, analysis, options, out);
  uint32_t start = out->AddState();
  uint32_t final_state = out->AddState();
  out->SetStart(start);
  out->SetFinal(final_state, 0.0);
  const double w = -std::log(static_cast<double>(roots.size()));
  for (uint32_t r : roots) b.RuleRef(r, start, final_state, w, kNoNode, 0, rules.rules()[r].pos);
}

}  // namespace asr::grammar
