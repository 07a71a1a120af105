#include "lm/interpolated_model.h"

#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"

namespace asr::lm {

InterpolatedModel::InterpolatedModel(std::shared_ptr<const WordSequenceModel> base,
                                     std::shared_ptr<const WordSequenceModel> custom, float weight)
    : base_(std::move(base)), custom_(std::move(custom)), weight_(weight) {
  if (!base_ || !custom_) throw InvalidArgument("interpolation needs two models");
  if (!(weight >= 0.0f && weight <= 1.0f)) throw InvalidArgument("interpolation weight must be in [0, 1]");
  base_words_ = base_->StateWords();
  if (base_words_ + custom_->StateWords() > State::kSlots)
    throw InvalidArgument("the two models' states do not fit in one State (too deeply nested)");
  // log(0) = -inf is fine here: Mix() handles an infinite share.
  ln_base_share_ = weight_ < 1.0f ? static_cast<float>(std::log1p(-static_cast<double>(weight_)))
                                  : -std::numeric_limits<float>::infinity();
  ln_custom_share_ = weight_ > 0.0f ? std::log(weight_) : -std::numeric_limits<float>::infinity();

  const Vocabulary& bv = base_->vocab();
  const Vocabulary& cv = custom_->vocab();
  std::vector<std::string> words;
  words.reserve(bv.size() + cv.size());
  for (WordId i = 0; i < bv.size(); ++i) words.emplace_back(bv.Word(i));
  for (WordId i = 0; i < cv.size(); ++i)
    if (!bv.Contains(cv.Word(i))) words.emplace_back(cv.Word(i));
  vocab_ = Vocabulary(std::move(words));
  to_base_.resize(vocab_.size());
  to_custom_.resize(vocab_.size());
  for (WordId i = 0; i < vocab_.size(); ++i) {
    std::string_view w = vocab_.Word(i);
    to_base_[i] = i < bv.size() ? i : bv.unk();
    to_custom_[i] = cv.Index(w);
  }
}

State InterpolatedModel::Join(const State& b, const State& c) const {
  State s;
  for (int i = 0; i < base_words_; ++i) s.slot[i] = b.slot[i];
  for (int i = 0; i < custom_->StateWords(); ++i) s.slot[base_words_ + i] = c.slot[i];
  return s;
}

void InterpolatedModel::Split(const State& s, State* b, State* c) const {
  *b = State();
  *c = State();
  for (int i = 0; i < base_words_; ++i) b->slot[i] = s.slot[i];
  for (int i = 0; i < custom_->StateWords(); ++i) c->slot[i] = s.slot[base_words_ + i];
}

float InterpolatedModel::Mix(float base_ln, float custom_ln) const {
  // log((1-w) e^a + w e^b) without overflow/underflow.
  const float a = ln_base_share_ + base_ln, b = ln_custom_share_ + custom_ln;
  const float hi = a > b ? a : b, lo = a > b ? b : a;
  if (hi == -std::numeric_limits<float>::infinity()) return hi;
  return hi + std::log1p(std::exp(lo - hi));
}

float InterpolatedModel::Score(const State& in, WordId word, State* out) const {
  if (word >= vocab_.size()) word = vocab_.unk();
  State b, c;
  Split(in, &b, &c);
  const float lb = base_->Score(b, to_base_[word], &b);
  const float lc = custom_->Score(c, to_custom_[word], &c);
  *out = Join(b, c);
  return Mix(lb, lc);
}

float InterpolatedModel::Final(const State& in) const {
  State b, c;
  Split(in, &b, &c);
  return Mix(base_->Final(b), custom_->Final(c));
}

bool InterpolatedModel::IsValidState(const State& s) const {
  State b, c;
  Split(s, &b, &c);
  for (int i = StateWords(); i < State::kSlots; ++i)
    if (s.slot[i] != 0) return false;
  return base_->IsValidState(b) && custom_->IsValidState(c);
}

}  // namespace asr::lm
