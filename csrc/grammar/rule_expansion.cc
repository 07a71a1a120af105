#include "grammar/rule_expansion.h"

#include <cmath>

#include "common/error.h"

namespace asr::grammar {

std::string PosPrefix(SourcePos pos) {
  if (pos.line <= 0) return "";
  return "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column) + ": ";
}

uint32_t RuleSet::InternWord(const std::string& word) {
  if (word.empty()) throw FormatError("empty word in a grammar token");
  for (char c : word) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\0')
      throw FormatError("grammar word contains whitespace: '" + word + "'");
  }
  if (word == "<s>" || word == "</s>" || word == "<garbage>")
    throw FormatError("'" + word + "' is reserved and cannot be used as a grammar token");
  auto it = word_index_.find(word);
  if (it != word_index_.end()) return it->second;
  if (words_.size() >= kMaxNodes) throw InvalidArgument("grammar has too many distinct words");
  uint32_t id = static_cast<uint32_t>(words_.size());
  words_.push_back(word);
  word_index_.emplace(word, id);
  return id;
}

uint32_t RuleSet::Push(const RuleExpansion& node) {
  if (nodes_.size() >= kMaxNodes) throw InvalidArgument("grammar has too many expansion nodes");
  nodes_.push_back(node);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void RuleSet::CheckChild(uint32_t child) const {
  if (child >= nodes_.size()) throw InvalidArgument("grammar expansion refers to a node not yet added");
}

uint32_t RuleSet::AddToken(const std::vector<std::string>& words, SourcePos pos) {
  if (words.empty()) throw FormatError(PosPrefix(pos) + "empty grammar token");
  if (token_words_.size() + words.size() >= kMaxNodes) throw InvalidArgument("grammar has too many tokens");
  RuleExpansion n;
  n.kind = ExpansionKind::kToken;
  n.pos = pos;
  n.begin = static_cast<uint32_t>(token_words_.size());
  for (const auto& w : words) token_words_.push_back(InternWord(w));
  n.end = static_cast<uint32_t>(token_words_.size());
  return Push(n);
}

uint32_t RuleSet::AddRuleRef(uint32_t rule, SourcePos pos) {
  RuleExpansion n;
  n.kind = ExpansionKind::kRuleRef;
  n.rule = rule;  // range-checked in Validate: the rule may be declared later
  n.pos = pos;
  return Push(n);
}

uint32_t RuleSet::AddSpecial(ExpansionKind kind, SourcePos pos) {
  if (kind != ExpansionKind::kNull && kind != ExpansionKind::kVoid && kind != ExpansionKind::kGarbage &&
      kind != ExpansionKind::kTag)
    throw InvalidArgument("AddSpecial takes NULL, VOID, GARBAGE or TAG");
  RuleExpansion n;
  n.kind = kind;
  n.pos = pos;
  return Push(n);
}

uint32_t RuleSet::AddSequence(const std::vector<uint32_t>& children, SourcePos pos) {
  if (children_.size() + children.size() >= kMaxNodes) throw InvalidArgument("grammar has too many expansion nodes");
  for (uint32_t c : children) CheckChild(c);
  RuleExpansion n;
  n.kind = ExpansionKind::kSequence;
  n.pos = pos;
  n.begin = static_cast<uint32_t>(children_.size());
  for (uint32_t c : children) {
    children_.push_back(c);
    child_weights_.push_back(1.0);
  }
  n.end = static_cast<uint32_t>(children_.size());
  return Push(n);
}

uint32_t RuleSet::AddAlternatives(const std::vector<uint32_t>& children, const std::vector<double>& weights,
                                  SourcePos pos) {
  if (children.empty()) throw FormatError(PosPrefix(pos) + "a choice needs at least one alternative");
  if (weights.size() != children.size()) throw InvalidArgument("one weight per alternative is required");
  if (children_.size() + children.size() >= kMaxNodes) throw InvalidArgument("grammar has too many expansion nodes");
  for (uint32_t c : children) CheckChild(c);
  for (double w : weights) {
    if (!(w > 0.0) || !std::isfinite(w))
      throw FormatError(PosPrefix(pos) + "alternative weights must be positive finite numbers");
  }
  RuleExpansion n;
  n.kind = ExpansionKind::kAlternatives;
  n.pos = pos;
  n.begin = static_cast<uint32_t>(children_.size());
  for (size_t i = 0; i < children.size(); ++i) {
    children_.push_back(children[i]);
    child_weights_.push_back(weights[i]);
  }
  n.end = static_cast<uint32_t>(children_.size());
  return Push(n);
}

uint32_t RuleSet::AddRepeat(uint32_t child, uint32_t min_count, uint32_t max_count, double repeat_prob,
                            SourcePos pos) {
  CheckChild(child);
  if (min_count > max_count) throw FormatError(PosPrefix(pos) + "repeat minimum is greater than its maximum");
  if (min_count == kUnbounded) throw FormatError(PosPrefix(pos) + "repeat minimum is too large");
  if (!(repeat_prob < 0.0) && !(repeat_prob >= 0.0 && repeat_prob <= 1.0))
    throw FormatError(PosPrefix(pos) + "repeat probability must be between 0 and 1");
  if (children_.size() + 1 >= kMaxNodes) throw InvalidArgument("grammar has too many expansion nodes");
  RuleExpansion n;
  n.kind = ExpansionKind::kRepeat;
  n.pos = pos;
  n.begin = static_cast<uint32_t>(children_.size());
  children_.push_back(child);
  child_weights_.push_back(1.0);
  n.end = n.begin + 1;
  n.min_count = min_count;
  n.max_count = max_count;
  n.repeat_prob = repeat_prob;
  return Push(n);
}

uint32_t RuleSet::AddRule(const std::string& name, bool is_public, SourcePos pos) {
  if (rules_.size() >= kMaxNodes) throw InvalidArgument("grammar has too many rules");
  Rule r;
  r.name = name;
  r.is_public = is_public;
  r.pos = pos;
  rules_.push_back(std::move(r));
  return static_cast<uint32_t>(rules_.size() - 1);
}

void RuleSet::SetRuleBody(uint32_t rule, uint32_t node) {
  if (rule >= rules_.size()) throw InvalidArgument("rule index out of range");
  CheckChild(node);
  rules_[rule].body = node;
}

void RuleSet::Validate() const {
  for (const Rule& r : rules_) {
    if (r.body == kNoNode) throw FormatError(PosPrefix(r.pos) + "rule " + r.name + " has no body");
  }
  for (const RuleExpansion& n : nodes_) {
    if (n.kind == ExpansionKind::kRuleRef && n.rule >= rules_.size())
      throw FormatError(PosPrefix(n.pos) + "reference to an undefined rule");
  }
}

}  // namespace asr::grammar
