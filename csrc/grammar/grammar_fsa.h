// A compiled grammar: an immutable, deterministic, epsilon-free weighted
// acceptor over words, usable by the search exactly like an n-gram model.
//
// State = one automaton state in slot 0 (a dead state, num_states(), absorbs
// every word that has no arc). Score(state, word) is the natural-log
// probability of `word` at that choice point, normalised per state together
// with Final(state), the probability of ending the sentence there. Arcs are
// stored CSR-style and sorted by word, so Score is a binary search.
//
// Vocabulary: ids 0..2 are <s>, </s> and <garbage> (reserved_words.h), then
// the grammar's words that are on some arc. A decoder builds its lexicon
// from LexiconWords() only, and realises <garbage> arcs as a filler path.
// Shared read-only between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/reserved_words.h"
#include "lm/vocabulary.h"
#include "lm/word_sequence_model.h"

namespace asr::grammar {

class GrammarFsa final : public lm::WordSequenceModel {
 public:
  struct Arc {
    lm::WordId word;
    float weight;  // ln P(word | state)
    uint32_t next;
  };

  // `words` must start with the three reserved words; arcs[arc_begin[s],
  // arc_begin[s+1]) leave state s, sorted by word with no word repeated.
  // Throws FormatError if the arrays are inconsistent.
  GrammarFsa(std::vector<std::string> words, uint32_t start, std::vector<uint32_t> arc_begin,
             std::vector<Arc> arcs, std::vector<float> final_weight);

  // WordSequenceModel.
  const lm::Vocabulary& vocab() const override { return vocab_; }
  lm::State BeginState() const override { return MakeState(start_); }
  // A grammar has no "no context" position; fragments are scored from the start.
  lm::State NullState() const override { return MakeState(start_); }
  float Score(const lm::State& in, lm::WordId word, lm::State* out) const override;
  float Final(const lm::State& in) const override;
  int StateWords() const override { return 1; }
  bool IsValidState(const lm::State& s) const override {
    return s.slot[0] <= num_states() && s.slot[1] == 0 && s.slot[2] == 0 && s.slot[3] == 0;
  }

  uint32_t num_states() const { return static_cast<uint32_t>(final_.size()); }
  size_t num_arcs() const { return arcs_.size(); }
  uint32_t start() const { return start_; }
  uint32_t dead_state() const { return num_states(); }
  const Arc* arcs_begin(uint32_t s) const { return arcs_.data() + arc_begin_[s]; }
  const Arc* arcs_end(uint32_t s) const { return arcs_.data() + arc_begin_[s + 1]; }
  float final_weight(uint32_t s) const { return final_[s]; }
  // Language is empty (e.g. the root is $VOID): nothing can be recognised.
  bool empty() const { return empty_; }

  bool has_garbage() const { return has_garbage_; }
  // Every grammar word on some arc (not the reserved ones), in id order.
  std::vector<lm::WordId> LexiconWords() const;

  // Whether the token sequence is in the language. A <garbage> arc absorbs
  // one or more arbitrary tokens (SRGS $GARBAGE); other tokens must match a
  // word exactly.
  bool Accepts(const std::vector<std::string_view>& tokens) const;

  // Sum of arc and final ln-weights along the path of `words` (the literal
  // word ids, <garbage> included); -inf if the sequence is not accepted.
  double ScoreWords(const std::vector<lm::WordId>& words) const;

  // Calls f(words) for each accepted sentence of at most max_length words, in
  // lexicographic order of word ids, stopping after max_count sentences.
  // Returns false if it stopped early (the language has more sentences).
  bool Enumerate(size_t max_length, size_t max_count,
                 const std::function<void(const std::vector<lm::WordId>&)>& f) const;

  // AT&T/OpenFst text: one line per arc "src dst word cost" and per final
  // state "state cost", cost = -ln P. For debugging and tests.
  std::string ToText() const;

 private:
  static lm::State MakeState(uint32_t s) {
    lm::State st;
    st.slot[0] = s;
    return st;
  }
  const Arc* Find(uint32_t s, lm::WordId w) const;

  lm::Vocabulary vocab_;
  uint32_t start_;
  std::vector<uint32_t> arc_begin_;
  std::vector<Arc> arcs_;
  std::vector<float> final_;
  bool has_garbage_ = false;
  bool empty_ = false;
};

}  // namespace asr::grammar
