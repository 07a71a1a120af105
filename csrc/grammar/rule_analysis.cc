#include "grammar/rule_analysis.h"

#include <algorithm>
#include <utility>

#include "common/error.h"

namespace asr::grammar {

namespace {

using K = ExpansionKind;

// Nodes of a rule body in post-order (children first), skipping the
// subtrees of <0> repeats, which the builder never expands.
std::vector<uint32_t> BodyNodes(const RuleSet& rs, uint32_t body) {
  std::vector<uint32_t> out;
  std::vector<std::pair<uint32_t, bool>> stack{{body, false}};
  const auto& nodes = rs.nodes();
  const auto& ch = rs.children();
  while (!stack.empty()) {
    auto [n, expanded] = stack.back();
    stack.pop_back();
    if (expanded) {
      out.push_back(n);
      continue;
    }
    stack.push_back({n, true});
    const RuleExpansion& e = nodes[n];
    if (e.kind == K::kSequence || e.kind == K::kAlternatives ||
        (e.kind == K::kRepeat && e.max_count > 0)) {
      for (uint32_t i = e.end; i-- > e.begin;) stack.push_back({ch[i], false});
    }
  }
  return out;
}

}  // namespace

RuleAnalysis AnalyseRules(const RuleSet& rs, const std::vector<uint32_t>& roots) {
  rs.Validate();
  const auto& nodes = rs.nodes();
  const auto& ch = rs.children();
  const auto& rules = rs.rules();
  const uint32_t nr = static_cast<uint32_t>(rules.size());
  for (uint32_t r : roots)
    if (r >= nr) throw InvalidArgument("root rule index out of range");

  // Reference edges and post-ordered node lists of the rules reachable from the roots.
  std::vector<std::vector<uint32_t>> body_nodes(nr), edges(nr);
  std::vector<char> seen(nr, 0);
  std::vector<uint32_t> work(roots.begin(), roots.end());
  for (uint32_t r : roots) seen[r] = 1;
  while (!work.empty()) {
    uint32_t r = work.back();
    work.pop_back();
    body_nodes[r] = BodyNodes(rs, rules[r].body);
    for (uint32_t n : body_nodes[r]) {
      if (nodes[n].kind != K::kRuleRef) continue;
      uint32_t t = nodes[n].rule;
      edges[r].push_back(t);
      if (!seen[t]) {
        seen[t] = 1;
        work.push_back(t);
      }
    }
  }

  // Tarjan's SCC algorithm, iterative (rule chains can be long). SCCs come
  // out sinks first, which is the order the fixpoints below need.
  RuleAnalysis out;
  out.scc_of_rule.assign(nr, kNoNode);
  std::vector<uint32_t> index(nr, kNoNode), low(nr, 0), tstack, scc_order;
  std::vector<char> on_stack(nr, 0);
  uint32_t counter = 0;
  std::vector<std::pair<uint32_t, size_t>> call;
  for (uint32_t root : roots) {
    if (index[root] != kNoNode) continue;
    call.push_back({root, 0});
    index[root] = low[root] = counter++;
    tstack.push_back(root);
    on_stack[root] = 1;
    while (!call.empty()) {
      auto& [v, i] = call.back();
      if (i < edges[v].size()) {
        uint32_t w = edges[v][i++];
        if (index[w] == kNoNode) {
          index[w] = low[w] = counter++;
          tstack.push_back(w);
          on_stack[w] = 1;
          call.push_back({w, 0});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      uint32_t done = v;
      call.pop_back();
      if (!call.empty()) low[call.back().first] = std::min(low[call.back().first], low[done]);
      if (low[done] == index[done]) {
        uint32_t id = static_cast<uint32_t>(out.scc_recursive.size());
        uint32_t members = 0;
        uint32_t w;
        do {
          w = tstack.back();
          tstack.pop_back();
          on_stack[w] = 0;
          out.scc_of_rule[w] = id;
          scc_order.push_back(w);
          ++members;
        } while (w != done);
        // A single rule is recursive only if it refers to itself.
        bool recursive =
            members > 1 || std::find(edges[done].begin(), edges[done].end(), done) != edges[done].end();
        out.scc_recursive.push_back(recursive);
      }
    }
  }

  // Least fixpoints of the per-node language facts, one SCC at a time.
  const size_t nn = nodes.size();
  out.nonempty.assign(nn, 0);
  out.nullable.assign(nn, 0);
  out.consumes.assign(nn, 0);
  auto& ne = out.nonempty;
  auto& nu = out.nullable;
  auto& co = out.consumes;
  size_t pos = 0;
  while (pos < scc_order.size()) {
    uint32_t id = out.scc_of_rule[scc_order[pos]];
    size_t end = pos;
    while (end < scc_order.size() && out.scc_of_rule[scc_order[end]] == id) ++end;
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t k = pos; k < end; ++k) {
        for (uint32_t n : body_nodes[scc_order[k]]) {
          const RuleExpansion& e = nodes[n];
          char a = 0, b = 0, c = 0;
          switch (e.kind) {
            case K::kToken: a = 1; c = 1; break;
            case K::kNull:
            case K::kTag: a = 1; b = 1; break;
            case K::kVoid: break;
            case K::kGarbage: a = 1; b = 1; c = 1; break;
            case K::kRuleRef: {
              uint32_t body = rules[e.rule].body;
              a = ne[body]; b = nu[body]; c = co[body];
              break;
            }
            case K::kSequence: {
              a = 1; b = 1;
              for (uint32_t i = e.begin; i < e.end; ++i) {
                a = a && ne[ch[i]];
                b = b && nu[ch[i]];
                c = c || co[ch[i]];
              }
              c = c && a;
              break;
            }
            case K::kAlternatives:
              for (uint32_t i = e.begin; i < e.end; ++i) {
                a = a || ne[ch[i]];
                b = b || nu[ch[i]];
                c = c || co[ch[i]];
              }
              break;
            case K::kRepeat: {
              uint32_t x = ch[e.begin];
              if (e.max_count == 0) {
                a = 1; b = 1;
              } else {
                a = e.min_count == 0 || ne[x];
                b = e.min_count == 0 || nu[x];
                c = co[x];
              }
              break;
            }
          }
          if (a != ne[n] || b != nu[n] || c != co[n]) {
            ne[n] = a; nu[n] = b; co[n] = c;
            changed = true;
          }
        }
      }
    }
    pos = end;
  }

  // Every reference that stays inside a recursive SCC must be a tail call.
  for (uint32_t r = 0; r < nr; ++r) {
    uint32_t id = out.scc_of_rule[r];
    if (id == kNoNode || !out.scc_recursive[id]) continue;
    std::vector<std::pair<uint32_t, bool>> stack{{rules[r].body, true}};
    while (!stack.empty()) {
      auto [n, tail] = stack.back();
      stack.pop_back();
      const RuleExpansion& e = nodes[n];
      switch (e.kind) {
        case K::kRuleRef:
          if (!tail && out.scc_of_rule[e.rule] == id) {
            throw FormatError(PosPrefix(e.pos) + "rule " + rules[r].name + " refers to " + rules[e.rule].name +
                              ", which leads back to " + rules[r].name +
                              ", at a point that is not the end of the rule: only right-recursive (tail) "
                              "recursion can be compiled to a finite-state automaton; rewrite the left or "
                              "centre recursion as a repeat");
          }
          break;
        case K::kAlternatives:
          for (uint32_t i = e.begin; i < e.end; ++i) stack.push_back({ch[i], tail});
          break;
        case K::kSequence: {
          bool rest_silent = true;  // nothing after this child consumes words
          for (uint32_t i = e.end; i-- > e.begin;) {
            stack.push_back({ch[i], tail && rest_silent});
            if (co[ch[i]]) rest_silent = false;
          }
          break;
        }
        case K::kRepeat:
          if (e.max_count == 1) stack.push_back({ch[e.begin], tail});
          else if (e.max_count > 1) stack.push_back({ch[e.begin], false});
          break;
        default:
          break;
      }
    }
  }
  return out;
}

}  // namespace asr::grammar
