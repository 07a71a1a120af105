// A word-sequence model extended with words it has never seen.
//
// Each new word k gets a context-independent probability p_k; the wrapped
// model's own words (and </s>) give up that mass in proportion:
//   P(k | h) = p_k                     for a new word k
//   P(w | h) = (1 - sum_k p_k) P(w | h) for the wrapped model's words
// so every context stays exactly normalized. After a new word the wrapped
// model continues from the state it reaches on <unk> (what an n-gram model
// trained with the word unknown would do). This is how words added to a
// recognizer (custom words, Recognizer.with_words) become reachable.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lm/vocabulary.h"
#include "lm/word_sequence_model.h"

namespace asr::lm {

class OpenVocabularyModel final : public WordSequenceModel {
 public:
  // `words`: (word, ln p) for words the inner model lacks; their total mass
  // must be below 1. Words the inner model already knows are an error.
  OpenVocabularyModel(std::shared_ptr<const WordSequenceModel> inner,
                      const std::vector<std::pair<std::string, float>>& words);

  const Vocabulary& vocab() const override { return vocab_; }
  State BeginState() const override { return inner_->BeginState(); }
  State NullState() const override { return inner_->NullState(); }
  float Score(const State& in, WordId word, State* out) const override;
  float Final(const State& in) const override { return ln_inner_share_ + inner_->Final(in); }
  int StateWords() const override { return inner_->StateWords(); }
  bool IsValidState(const State& s) const override { return inner_->IsValidState(s); }

  const WordSequenceModel& inner() const { return *inner_; }
  // Number of words the inner model has (ids below it are the inner ids).
  WordId inner_size() const { return inner_size_; }

 private:
  std::shared_ptr<const WordSequenceModel> inner_;
  WordId inner_size_;
  float ln_inner_share_;          // ln(1 - sum_k p_k)
  std::vector<float> ln_new_;     // ln p_k, by id - inner_size_
  Vocabulary vocab_;
};

}  // namespace asr::lm
