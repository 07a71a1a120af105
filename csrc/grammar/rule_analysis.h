// Static analysis of a RuleSet before expansion: which rules are mutually
// recursive, whether that recursion is right-linear (so the language is
// regular and an automaton exists), and per-node language facts the builder
// uses to prune (empty language) and to decide tail positions.
#pragma once

#include <cstdint>
#include <vector>

#include "grammar/rule_expansion.h"

namespace asr::grammar {

struct RuleAnalysis {
  // Strongly connected component of each rule of the reference graph
  // (kNoNode for rules unreachable from the roots).
  std::vector<uint32_t> scc_of_rule;
  // Per SCC: true if its rules can reach themselves (a cycle exists).
  std::vector<char> scc_recursive;
  // Per node: the node's language is non-empty / contains the empty
  // sentence / contains at least one non-empty sentence.
  std::vector<char> nonempty, nullable, consumes;
};

// Throws FormatError (with the reference's line and column) when a rule is
// recursive through a reference that is not in tail position: left and
// centre recursion describe non-regular languages, and failing loudly is
// better than unrolling them to an arbitrary depth.
RuleAnalysis AnalyseRules(const RuleSet& rules, const std::vector<uint32_t>& roots);

}  // namespace asr::grammar
