#include "lm/word_boosts.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_map>

#include "common/error.h"

namespace asr::lm {

namespace {
constexpr uint32_t kNone = 0xFFFFFFFFu;
}

BoostedModel::BoostedModel(std::shared_ptr<const WordSequenceModel> inner, const BoostSpec& spec)
    : inner_(std::move(inner)) {
  if (!inner_) throw InvalidArgument("boosts need a model to wrap");
  slot_ = inner_->StateWords();
  if (slot_ >= State::kSlots) throw InvalidArgument("the wrapped model's state leaves no slot for boosts");

  // Vocabulary: the inner words, then boosted words it lacks.
  const Vocabulary& iv = inner_->vocab();
  std::vector<std::string> words;
  words.reserve(iv.size());
  for (WordId i = 0; i < iv.size(); ++i) words.emplace_back(iv.Word(i));
  std::unordered_map<std::string, WordId> added;
  auto need = [&](const std::string& w) {
    if (w.empty() || w.find_first_of(" \t\n\r\v\f") != std::string::npos)
      throw InvalidArgument("boosted word '" + w + "' is empty or contains whitespace");
    if (iv.Contains(w) || added.count(w)) return;
    added.emplace(w, static_cast<WordId>(words.size()));
    words.push_back(w);
  };
  for (const auto& [w, b] : spec.words) need(w);
  for (const auto& [p, b] : spec.phrases)
    for (const auto& w : p) need(w);
  vocab_ = Vocabulary(std::move(words));
  to_inner_.resize(vocab_.size());
  for (WordId i = 0; i < vocab_.size(); ++i) to_inner_[i] = i < iv.size() ? i : iv.unk();
  word_bonus_.assign(vocab_.size(), 0.0f);

  auto check = [](float b) {
    if (!std::isfinite(b)) throw InvalidArgument("boost values must be finite");
  };
  for (const auto& [w, b] : spec.words) {
    check(b);
    word_bonus_[vocab_.Index(w)] += b;
  }

  // Phrase trie (single-word phrases are word bonuses).
  nodes_.emplace_back();
  struct Pending {
    uint32_t node;
    size_t length;
    float bonus;
  };
  std::vector<Pending> ends;
  for (const auto& [p, b] : spec.phrases) {
    check(b);
    if (p.empty()) throw InvalidArgument("empty boost phrase");
    if (p.size() == 1) {
      word_bonus_[vocab_.Index(p[0])] += b;
      continue;
    }
    uint32_t n = 0;
    for (const auto& w : p) {
      WordId id = vocab_.Index(w);
      uint32_t c = Goto(n, id);
      if (c == kNone) {
        c = static_cast<uint32_t>(nodes_.size());
        Node child;
        child.depth = nodes_[n].depth + 1;
        nodes_.push_back(child);
        auto& edges = nodes_[n].next;
        edges.insert(std::upper_bound(edges.begin(), edges.end(), std::make_pair(id, 0u)), {id, c});
      }
      n = c;
    }
    nodes_[n].completed += b;
    ends.push_back({n, p.size(), b});
  }
  if (nodes_.size() >= kNone) throw InvalidArgument("too many boost phrases");

  // Potentials: along each phrase, depth/len of its bonus; the node keeps
  // the largest one among the phrases passing through it (not ending there).
  std::vector<bool> has_potential(nodes_.size(), false);
  for (const auto& [p, b] : spec.phrases) {
    if (p.size() < 2) continue;
    uint32_t n = 0;
    for (size_t i = 0; i + 1 < p.size(); ++i) {
      n = Goto(n, vocab_.Index(p[i]));
      float share = b * static_cast<float>(i + 1) / static_cast<float>(p.size());
      if (!has_potential[n] || share > nodes_[n].potential) nodes_[n].potential = share;
      has_potential[n] = true;
    }
  }

  // Failure links, breadth first; completed bonuses accumulate along them so
  // a phrase that is a suffix of the matched text also pays.
  std::deque<uint32_t> queue;
  for (const auto& e : nodes_[0].next) {
    nodes_[e.second].fail = 0;
    queue.push_back(e.second);
  }
  while (!queue.empty()) {
    uint32_t n = queue.front();
    queue.pop_front();
    for (const auto& [w, c] : nodes_[n].next) {
      uint32_t f = nodes_[n].fail;
      uint32_t target = 0;
      for (;;) {
        uint32_t g = Goto(f, w);
        if (g != kNone && g != c) {
          target = g;
          break;
        }
        if (f == 0) break;
        f = nodes_[f].fail;
      }
      nodes_[c].fail = target;
      nodes_[c].completed += nodes_[target].completed;
      queue.push_back(c);
    }
  }
}

uint32_t BoostedModel::Goto(uint32_t node, WordId w) const {
  const auto& edges = nodes_[node].next;
  auto it = std::lower_bound(edges.begin(), edges.end(), std::make_pair(w, 0u));
  return (it != edges.end() && it->first == w) ? it->second : kNone;
}

uint32_t BoostedModel::Step(uint32_t node, WordId w) const {
  for (;;) {
    uint32_t g = Goto(node, w);
    if (g != kNone) return g;
    if (node == 0) return 0;
    node = nodes_[node].fail;
  }
}

float BoostedModel::Score(const State& in, WordId word, State* out) const {
  if (word >= vocab_.size()) word = vocab_.unk();
  const uint32_t from = in.slot[slot_];
  const uint32_t to = nodes_.size() > 1 ? Step(from, word) : 0;
  State inner_in = in;
  inner_in.slot[slot_] = 0;
  State inner_out;
  const float ln = inner_->Score(inner_in, to_inner_[word], &inner_out);
  *out = WithNode(inner_out, to);
  return ln + word_bonus_[word] + nodes_[to].completed + nodes_[to].potential - nodes_[from].potential;
}

float BoostedModel::Final(const State& in) const {
  State inner_in = in;
  inner_in.slot[slot_] = 0;
  return inner_->Final(inner_in) - nodes_[in.slot[slot_]].potential;
}

bool BoostedModel::IsValidState(const State& s) const {
  if (s.slot[slot_] >= nodes_.size()) return false;
  for (int i = slot_ + 1; i < State::kSlots; ++i)
    if (s.slot[i] != 0) return false;
  State inner = s;
  inner.slot[slot_] = 0;
  return inner_->IsValidState(inner);
}

}  // namespace asr::lm
