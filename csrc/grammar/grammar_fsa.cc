#include "grammar/grammar_fsa.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/error.h"

namespace asr::grammar {

namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();
}

GrammarFsa::GrammarFsa(std::vector<std::string> words, uint32_t start, std::vector<uint32_t> arc_begin,
                       std::vector<Arc> arcs, std::vector<float> final_weight)
    : start_(start), arc_begin_(std::move(arc_begin)), arcs_(std::move(arcs)), final_(std::move(final_weight)) {
  if (words.size() < kFirstGrammarWord || words[kBosWord] != kBosText || words[kEosWord] != kEosText ||
      words[kGarbageWord] != kGarbageText)
    throw FormatError("grammar vocabulary must start with <s>, </s>, <garbage>");
  const uint32_t n = static_cast<uint32_t>(final_.size());
  if (n == 0 || start_ >= n || arc_begin_.size() != size_t{n} + 1 || arc_begin_[0] != 0 ||
      arc_begin_[n] != arcs_.size())
    throw FormatError("grammar automaton arrays are inconsistent");
  for (uint32_t s = 0; s < n; ++s) {
    if (arc_begin_[s] > arc_begin_[s + 1]) throw FormatError("grammar automaton arc offsets decrease");
    for (uint32_t i = arc_begin_[s]; i < arc_begin_[s + 1]; ++i) {
      const Arc& a = arcs_[i];
      if (a.next >= n || a.word >= words.size() || a.word == kBosWord || a.word == kEosWord)
        throw FormatError("grammar automaton arc out of range");
      if (i > arc_begin_[s] && arcs_[i - 1].word >= a.word)
        throw FormatError("grammar automaton arcs must be sorted by word, one per word");
      if (a.word == kGarbageWord) has_garbage_ = true;
    }
  }
  empty_ = arcs_.empty() && final_[start_] == kNegInf;
  vocab_ = lm::Vocabulary(std::move(words));
}

const GrammarFsa::Arc* GrammarFsa::Find(uint32_t s, lm::WordId w) const {
  const Arc* b = arcs_begin(s);
  const Arc* e = arcs_end(s);
  const Arc* it = std::lower_bound(b, e, w, [](const Arc& a, lm::WordId x) { return a.word < x; });
  return (it != e && it->word == w) ? it : nullptr;
}

float GrammarFsa::Score(const lm::State& in, lm::WordId word, lm::State* out) const {
  const uint32_t s = in.slot[0];
  if (s < num_states()) {
    if (const Arc* a = Find(s, word)) {
      *out = MakeState(a->next);
      return a->weight;
    }
  }
  *out = MakeState(dead_state());
  return kNegInf;
}

float GrammarFsa::Final(const lm::State& in) const {
  const uint32_t s = in.slot[0];
  return s < num_states() ? final_[s] : kNegInf;
}

std::vector<lm::WordId> GrammarFsa::LexiconWords() const {
  std::vector<char> used(vocab_.size(), 0);
  for (const Arc& a : arcs_) used[a.word] = 1;
  std::vector<lm::WordId> out;
  for (lm::WordId w = kFirstGrammarWord; w < vocab_.size(); ++w)
    if (used[w]) out.push_back(w);
  return out;
}

bool GrammarFsa::Accepts(const std::vector<std::string_view>& tokens) const {
  // Subset simulation: `cur` holds the states reachable so far; `inside`
  // holds states entered through a garbage arc, where garbage may go on
  // absorbing tokens while the automaton stays put.
  const uint32_t n = num_states();
  std::vector<uint32_t> cur{start_}, inside, next, next_inside;
  std::vector<char> seen_next(n, 0), seen_inside(n, 0);
  for (std::string_view tok : tokens) {
    const lm::WordId w = vocab_.Find(tok);
    next.clear();
    next_inside.clear();
    auto add = [&](uint32_t s, bool garbage) {
      if (!seen_next[s]) {
        seen_next[s] = 1;
        next.push_back(s);
      }
      if (garbage && !seen_inside[s]) {
        seen_inside[s] = 1;
        next_inside.push_back(s);
      }
    };
    for (uint32_t s : cur) {
      if (w != lm::kNoWord && w >= kFirstGrammarWord)
        if (const Arc* a = Find(s, w)) add(a->next, false);
      if (has_garbage_)
        if (const Arc* g = Find(s, kGarbageWord)) add(g->next, true);
    }
    for (uint32_t s : inside) add(s, true);
    for (uint32_t s : next) seen_next[s] = 0;
    for (uint32_t s : next_inside) seen_inside[s] = 0;
    cur.swap(next);
    inside.swap(next_inside);
    if (cur.empty()) return false;
  }
  for (uint32_t s : cur)
    if (final_[s] != kNegInf) return true;
  return false;
}

double GrammarFsa::ScoreWords(const std::vector<lm::WordId>& words) const {
  uint32_t s = start_;
  double total = 0.0;
  for (lm::WordId w : words) {
    const Arc* a = Find(s, w);
    if (!a) return -std::numeric_limits<double>::infinity();
    total += a->weight;
    s = a->next;
  }
  return total + final_[s];
}

bool GrammarFsa::Enumerate(size_t max_length, size_t max_count,
                           const std::function<void(const std::vector<lm::WordId>&)>& f) const {
  const uint32_t n = num_states();
  // Shortest distance (in words) from each state to a final state, so that
  // the depth-first walk never enters a branch that cannot finish in time.
  constexpr uint32_t kFar = 0xFFFFFFFFu;
  std::vector<uint32_t> to_final(n, kFar);
  std::vector<std::vector<uint32_t>> preds(n);
  for (uint32_t s = 0; s < n; ++s)
    for (const Arc* a = arcs_begin(s); a != arcs_end(s); ++a) preds[a->next].push_back(s);
  std::vector<uint32_t> queue;
  for (uint32_t s = 0; s < n; ++s)
    if (final_[s] != kNegInf) {
      to_final[s] = 0;
      queue.push_back(s);
    }
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    uint32_t s = queue[qi];
    for (uint32_t p : preds[s])
      if (to_final[p] == kFar) {
        to_final[p] = to_final[s] + 1;
        queue.push_back(p);
      }
  }
  size_t count = 0;
  std::vector<lm::WordId> words;
  struct Frame {
    uint32_t state;
    const Arc* next_arc;
  };
  if (to_final[start_] == kFar || to_final[start_] > max_length) return true;
  std::vector<Frame> stack{{start_, arcs_begin(start_)}};
  if (final_[start_] != kNegInf) {
    if (count == max_count) return false;
    f(words);
    ++count;
  }
  while (!stack.empty()) {
    Frame& fr = stack.back();
    if (fr.next_arc == arcs_end(fr.state)) {
      stack.pop_back();
      if (!words.empty()) words.pop_back();
      continue;
    }
    const Arc* a = fr.next_arc++;
    const size_t remaining = max_length - words.size();
    if (remaining == 0 || to_final[a->next] == kFar || to_final[a->next] + 1 > remaining) continue;
    words.push_back(a->word);
    if (final_[a->next] != kNegInf) {
      if (count == max_count) return false;
      f(words);
      ++count;
    }
    stack.push_back({a->next, arcs_begin(a->next)});
  }
  return true;
}

std::string GrammarFsa::ToText() const {
  std::string out;
  for (uint32_t s = 0; s < num_states(); ++s) {
    for (const Arc* a = arcs_begin(s); a != arcs_end(s); ++a) {
      out += std::to_string(s) + "\t" + std::to_string(a->next) + "\t" + std::string(vocab_.Word(a->word)) + "\t" +
             std::to_string(-a->weight) + "\n";
    }
    if (final_[s] != kNegInf) out += std::to_string(s) + "\t" + std::to_string(-final_[s]) + "\n";
  }
  return out;
}

}  // namespace asr::grammar
