#include "lm/customized_model.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "common/error.h"

namespace asr::lm {

namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

float LogAdd(float a, float b) {
  const float hi = a > b ? a : b, lo = a > b ? b : a;
  if (hi == kNegInf) return hi;
  return hi + std::log1p(std::exp(lo - hi));
}
}  // namespace

uint32_t NumNgramStates(const NgramModel& m) {
  uint64_t n = 1;
  for (int k = 1; k < m.order(); ++k) n += m.count(k);
  return static_cast<uint32_t>(n);
}

CustomizedModel::CustomizedModel(std::shared_ptr<const WordSequenceModel> base,
                                 std::shared_ptr<const NgramModel> custom, const std::vector<float>& custom_share)
    : base_(std::move(base)), custom_(std::move(custom)) {
  if (!base_ || !custom_) throw InvalidArgument("a customized model needs a base and a custom model");
  slot_ = base_->StateWords();
  if (slot_ + 1 > State::kSlots) throw InvalidArgument("the base model's state leaves no slot for the custom model");
  if (custom_share.size() != NumNgramStates(*custom_))
    throw InvalidArgument("the custom share table has " + std::to_string(custom_share.size()) +
                          " entries; the custom model has " + std::to_string(NumNgramStates(*custom_)) + " states");
  ln_share_.resize(custom_share.size());
  ln_rest_.resize(custom_share.size());
  for (size_t s = 0; s < custom_share.size(); ++s) {
    const float l = custom_share[s];
    if (!(l >= 0.0f && l <= 1.0f)) throw InvalidArgument("custom shares must be within [0, 1]");
    ln_share_[s] = l > 0.0f ? std::log(l) : kNegInf;
    ln_rest_[s] = l < 1.0f ? static_cast<float>(std::log1p(-static_cast<double>(l))) : kNegInf;
  }

  const Vocabulary& bv = base_->vocab();
  const Vocabulary& cv = custom_->vocab();
  for (WordId c = 0; c < cv.size(); ++c) {
    if (c == cv.unk() || c == cv.bos() || c == cv.eos()) continue;
    if (!bv.Contains(cv.Word(c)))
      throw InvalidArgument("the custom word '" + std::string(cv.Word(c)) + "' is not in the base vocabulary");
  }
  // Words the custom model lacks share its <unk> mass by base unigram.
  to_custom_.resize(bv.size());
  ln_unk_share_.assign(bv.size(), kNegInf);
  const State null_state = base_->NullState();
  double rest = 0.0;
  std::vector<float> unigram(bv.size(), kNegInf);
  for (WordId w = 0; w < bv.size(); ++w) {
    const WordId c = cv.Find(bv.Word(w));
    const bool known = c != kNoWord && c != cv.unk();
    to_custom_[w] = known ? c : cv.unk();
    if (known || w == bv.bos()) continue;
    State unused;
    unigram[w] = base_->Score(null_state, w, &unused);
    rest += std::exp(static_cast<double>(unigram[w]));
  }
  if (rest > 0.0) {
    const float ln_rest = static_cast<float>(std::log(rest));
    for (WordId w = 0; w < bv.size(); ++w)
      if (unigram[w] != kNegInf) ln_unk_share_[w] = unigram[w] - ln_rest;
  }
}

float CustomizedModel::Mix(const Components& c) const {
  const uint32_t s = c.custom_state < ln_share_.size() ? c.custom_state : 0;
  return LogAdd(ln_rest_[s] + c.ln_base, ln_share_[s] + c.ln_custom);
}

CustomizedModel::Components CustomizedModel::ScoreComponents(const State& in, WordId word, State* out) const {
  if (word >= to_custom_.size()) word = base_->vocab().unk();
  State b = BaseOf(in), c;
  c.slot[0] = in.slot[slot_];
  Components r;
  r.custom_state = c.slot[0];
  r.ln_base = base_->Score(b, word, &b);
  const WordId cw = to_custom_[word];
  r.ln_custom = custom_->Score(c, cw, &c);
  if (cw == custom_->vocab().unk()) r.ln_custom += ln_unk_share_[word];
  *out = Join(b, c);
  return r;
}

CustomizedModel::Components CustomizedModel::FinalComponents(const State& in) const {
  State c;
  c.slot[0] = in.slot[slot_];
  return Components{base_->Final(BaseOf(in)), custom_->Final(c), c.slot[0]};
}

float CustomizedModel::Score(const State& in, WordId word, State* out) const {
  return Mix(ScoreComponents(in, word, out));
}

float CustomizedModel::Final(const State& in) const { return Mix(FinalComponents(in)); }

bool CustomizedModel::IsValidState(const State& s) const {
  for (int i = slot_ + 1; i < State::kSlots; ++i)
    if (s.slot[i] != 0) return false;
  State c;
  c.slot[0] = s.slot[slot_];
  return base_->IsValidState(BaseOf(s)) && custom_->IsValidState(c);
}

std::vector<CustomizedModel::Components> ScoreComponentsOf(const CustomizedModel& model,
                                                            const std::vector<std::string>& sentences) {
  std::vector<CustomizedModel::Components> out;
  const Vocabulary& v = model.vocab();
  for (const std::string& sentence : sentences) {
    State s = model.BeginState();
    std::istringstream words(sentence);
    std::string w;
    while (words >> w) out.push_back(model.ScoreComponents(s, v.Index(w), &s));
    out.push_back(model.FinalComponents(s));
  }
  return out;
}

}  // namespace asr::lm
