// Base + custom language model mixed in the probability domain:
//   P(w | h) = (1 - weight) P_base(w | h) + weight P_custom(w | h)
// with `weight` the custom model's share (IBM's customization_weight). Each
// component keeps its own state (stacked in the State slots) and maps the
// word through its own vocabulary, so a word unknown to one component is
// scored as that component's <unk>.
//
// The vocabulary is the base vocabulary (same ids, so ids from the base
// dictionary stay valid) followed by the custom words the base lacks.
#pragma once

#include <memory>
#include <vector>

#include "lm/vocabulary.h"
#include "lm/word_sequence_model.h"

namespace asr::lm {

class InterpolatedModel final : public WordSequenceModel {
 public:
  // weight in [0, 1]; the two models together may use at most 4 state slots.
  InterpolatedModel(std::shared_ptr<const WordSequenceModel> base, std::shared_ptr<const WordSequenceModel> custom,
                    float weight);

  const Vocabulary& vocab() const override { return vocab_; }
  State BeginState() const override { return Join(base_->BeginState(), custom_->BeginState()); }
  State NullState() const override { return Join(base_->NullState(), custom_->NullState()); }
  float Score(const State& in, WordId word, State* out) const override;
  float Final(const State& in) const override;
  int StateWords() const override { return base_words_ + custom_->StateWords(); }
  bool IsValidState(const State& s) const override;

  float weight() const { return weight_; }
  const WordSequenceModel& base() const { return *base_; }
  const WordSequenceModel& custom() const { return *custom_; }

 private:
  State Join(const State& b, const State& c) const;
  void Split(const State& s, State* b, State* c) const;
  float Mix(float base_ln, float custom_ln) const;

  std::shared_ptr<const WordSequenceModel> base_, custom_;
  float weight_;
  float ln_base_share_, ln_custom_share_;
  int base_words_;
  Vocabulary vocab_;
  std::vector<WordId> to_base_, to_custom_;
};

}  // namespace asr::lm
