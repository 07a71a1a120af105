// Per-word and per-phrase log-score bonuses on top of any word-sequence
// model: custom words and keywords the user wants recognised more readily.
//
// A word bonus is added every time the word is scored. A phrase bonus is
// earned once per occurrence of the whole phrase; phrases are matched with an
// Aho-Corasick automaton over word ids (its node is this model's state slot).
// So the search is not blind to a half-spoken phrase, the bonus is paid out
// along the way: each node carries a potential (the share of the best phrase
// it is a proper prefix of); a step adds (potential after - potential before)
// plus the bonuses of phrases completed there, and Final() takes back the
// potential of an unfinished phrase. The potentials telescope, so a sentence's
// total is exactly inner score + word bonuses + bonuses of completed phrases.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lm/vocabulary.h"
#include "lm/word_sequence_model.h"

namespace asr::lm {

struct BoostSpec {
  std::vector<std::pair<std::string, float>> words;                   // (word, ln bonus)
  std::vector<std::pair<std::vector<std::string>, float>> phrases;    // (words, ln bonus)
};

class BoostedModel final : public WordSequenceModel {
 public:
  // Boosted words the inner model lacks are added to this model's vocabulary
  // (scored by the inner model as <unk>, plus their bonus). The inner model
  // must leave at least one State slot free.
  BoostedModel(std::shared_ptr<const WordSequenceModel> inner, const BoostSpec& spec);

  const Vocabulary& vocab() const override { return vocab_; }
  State BeginState() const override { return WithNode(inner_->BeginState(), 0); }
  State NullState() const override { return WithNode(inner_->NullState(), 0); }
  float Score(const State& in, WordId word, State* out) const override;
  float Final(const State& in) const override;
  int StateWords() const override { return slot_ + 1; }
  bool IsValidState(const State& s) const override;

  // The bonus of a single word (0 if none), e.g. for LM look-ahead.
  float WordBonus(WordId w) const { return w < word_bonus_.size() ? word_bonus_[w] : 0.0f; }

 private:
  struct Node {
    std::vector<std::pair<WordId, uint32_t>> next;  // sorted goto edges
    uint32_t fail = 0;
    float completed = 0.0f;  // bonuses of phrases ending here (incl. via fail links)
    float potential = 0.0f;  // share already paid for a phrase in progress
    int depth = 0;
  };
  uint32_t Goto(uint32_t node, WordId w) const;  // edge or kNone
  uint32_t Step(uint32_t node, WordId w) const;  // automaton transition
  State WithNode(State s, uint32_t node) const {
    s.slot[slot_] = node;
    return s;
  }

  std::shared_ptr<const WordSequenceModel> inner_;
  int slot_;
  Vocabulary vocab_;
  std::vector<WordId> to_inner_;
  std::vector<float> word_bonus_;
  std::vector<Node> nodes_;
};

}  // namespace asr::lm
