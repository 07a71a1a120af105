// The format-neutral form of a grammar that the compiler consumes.
//
// SRGS ABNF, SRGS XML and JSGF front ends all lower their documents to a
// RuleSet: named rules whose bodies are trees of RuleExpansion nodes. The
// front ends do name resolution and syntax checking (they own the source
// text and can point at it); the RuleSet keeps source positions only so that
// compile-time errors (non-right-linear recursion, size limits) can still say
// where the offending construct is.
//
// Nodes are stored in one array and a node's children must be added before
// it, so the expansion trees are acyclic by construction; cycles exist only
// through kRuleRef, which the compiler analyses explicitly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace asr::grammar {

// 1-based line and column in the grammar source; 0 when unknown.
struct SourcePos {
  int32_t line = 0;
  int32_t column = 0;
};

// "line 3, column 7: " or "" when the position is unknown.
std::string PosPrefix(SourcePos pos);

enum class ExpansionKind : uint8_t {
  kToken,         // one grammar token: one or more words ("San Francisco" is two)
  kRuleRef,       // a rule of the same RuleSet
  kNull,          // $NULL / <NULL>: matches without consuming input
  kVoid,          // $VOID / <VOID>: can never be matched
  kGarbage,       // $GARBAGE: speech the grammar does not name (decoder filler)
  kTag,           // a semantic tag: consumes nothing; its text stays with the front end
  kSequence,      // children in order
  kAlternatives,  // one child, chosen with probability proportional to its weight
  kRepeat,        // child repeated min_count..max_count times
};

inline constexpr uint32_t kUnbounded = 0xFFFFFFFFu;
inline constexpr uint32_t kNoNode = 0xFFFFFFFFu;

struct RuleExpansion {
  ExpansionKind kind = ExpansionKind::kNull;
  // kToken: word ids token_words()[begin, end); composites: children()[begin, end).
  uint32_t begin = 0, end = 0;
  uint32_t rule = 0;                          // kRuleRef: index into rules()
  uint32_t min_count = 1, max_count = 1;      // kRepeat; max may be kUnbounded
  double repeat_prob = -1.0;                  // kRepeat: P(one more copy); < 0 = compile default
  SourcePos pos;
};

struct Rule {
  std::string name;  // as the user should see it in messages, e.g. "$main"
  uint32_t body = kNoNode;
  bool is_public = false;
  SourcePos pos;
};

class RuleSet {
 public:
  // Hard cap on nodes and words, far above any real grammar, so that a
  // hostile front-end input cannot grow the arrays without bound.
  static constexpr uint32_t kMaxNodes = 1u << 26;

  // Words are interned; a token's words must be non-empty and free of
  // whitespace. The reserved names <s>, </s> and <garbage> are refused.
  uint32_t AddToken(const std::vector<std::string>& words, SourcePos pos);
  uint32_t AddRuleRef(uint32_t rule, SourcePos pos);
  // kNull, kVoid, kGarbage or kTag.
  uint32_t AddSpecial(ExpansionKind kind, SourcePos pos);
  uint32_t AddSequence(const std::vector<uint32_t>& children, SourcePos pos);
  // weights must be finite and > 0 (one per child).
  uint32_t AddAlternatives(const std::vector<uint32_t>& children, const std::vector<double>& weights,
                           SourcePos pos);
  uint32_t AddRepeat(uint32_t child, uint32_t min_count, uint32_t max_count, double repeat_prob,
                     SourcePos pos);

  // Rules are declared first (so bodies may reference rules defined later)
  // and given a body afterwards.
  uint32_t AddRule(const std::string& name, bool is_public, SourcePos pos);
  void SetRuleBody(uint32_t rule, uint32_t node);

  const std::vector<RuleExpansion>& nodes() const { return nodes_; }
  const std::vector<uint32_t>& children() const { return children_; }
  const std::vector<double>& child_weights() const { return child_weights_; }
  const std::vector<uint32_t>& token_words() const { return token_words_; }
  const std::vector<std::string>& words() const { return words_; }
  const std::vector<Rule>& rules() const { return rules_; }

  // Throws FormatError if a rule has no body or a reference is out of range.
  void Validate() const;

 private:
  uint32_t InternWord(const std::string& word);
  uint32_t Push(const RuleExpansion& node);
  void CheckChild(uint32_t child) const;

  std::vector<RuleExpansion> nodes_;
  std::vector<uint32_t> children_;
  std::vector<double> child_weights_;  // parallel to children_ (1 outside alternatives)
  std::vector<uint32_t> token_words_;
  std::vector<std::string> words_;
  std::unordered_map<std::string, uint32_t> word_index_;
  std::vector<Rule> rules_;
};

}  // namespace asr::grammar
