// Base model + custom n-gram model mixed with a weight that depends on the
// custom model's context:
//   P(w | h) = (1 - l(s)) P_base(w | h) + l(s) P_custom'(w | s)
// where s is the custom model's state for h (its longest known context) and
// l(s) comes from a per-state table. Trusting the custom model only in the
// contexts it has seen often enough is what lets a small corpus help on text
// like it without hurting other text; the table is estimated from the corpus
// (see asr_engine.lm.custom). Any l in [0, 1] keeps every context exactly
// normalized, since both components are normalized over one vocabulary:
//  * the vocabulary is the base's, which must contain every custom word
//    (wrap the base in an OpenVocabularyModel for the corpus's new words);
//  * P_custom' is the custom model over that vocabulary: its own words as it
//    scores them, and its <unk> mass shared among the other words in
//    proportion to their base unigram probability.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lm/ngram_model.h"
#include "lm/vocabulary.h"
#include "lm/word_sequence_model.h"

namespace asr::lm {

class CustomizedModel final : public WordSequenceModel {
 public:
  // `custom_share[s]`: l for custom state s (one entry per custom state:
  // NumNgramStates(custom)); each in [0, 1]. The base must leave a State slot
  // free for the custom state.
  CustomizedModel(std::shared_ptr<const WordSequenceModel> base, std::shared_ptr<const NgramModel> custom,
                  const std::vector<float>& custom_share);

  const Vocabulary& vocab() const override { return base_->vocab(); }
  State BeginState() const override { return Join(base_->BeginState(), custom_->BeginState()); }
  State NullState() const override { return Join(base_->NullState(), custom_->NullState()); }
  float Score(const State& in, WordId word, State* out) const override;
  float Final(const State& in) const override;
  int StateWords() const override { return slot_ + 1; }
  bool IsValidState(const State& s) const override;

  // The two components of Score: ln P_base, ln P_custom' and the custom
  // state the word was predicted from (for estimating the share table).
  struct Components {
    float ln_base, ln_custom;
    uint32_t custom_state;
  };
  Components ScoreComponents(const State& in, WordId word, State* out) const;
  Components FinalComponents(const State& in) const;

  const WordSequenceModel& base() const { return *base_; }
  const NgramModel& custom() const { return *custom_; }

 private:
  State Join(const State& b, const State& c) const {
    State s = b;
    s.slot[slot_] = c.slot[0];
    return s;
  }
  State BaseOf(const State& s) const {
    State b = s;
    b.slot[slot_] = 0;
    return b;
  }
  float Mix(const Components& c) const;

  std::shared_ptr<const WordSequenceModel> base_;
  std::shared_ptr<const NgramModel> custom_;
  int slot_;
  std::vector<WordId> to_custom_;     // base id -> custom id (custom <unk> if it lacks the word)
  std::vector<float> ln_unk_share_;   // base id -> ln(u(w) / U) for words the custom model lacks
  std::vector<float> ln_share_, ln_rest_;  // per custom state: ln l, ln(1 - l)
};

// The number of states of an n-gram model (its contexts plus the empty one):
// the size of a CustomizedModel share table.
uint32_t NumNgramStates(const NgramModel& m);

}  // namespace asr::lm

namespace asr::lm {

// Components of every prediction in `sentences` (whitespace-tokenised; each
// scored from <s>, ending with </s>), in order: what the share table is
// estimated from.
std::vector<CustomizedModel::Components> ScoreComponentsOf(const CustomizedModel& model,
                                                            const std::vector<std::string>& sentences);

}  // namespace asr::lm
