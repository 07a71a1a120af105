#include "lm/open_vocabulary_model.h"

#include <cmath>
#include <unordered_set>

#include "common/error.h"

namespace asr::lm {

OpenVocabularyModel::OpenVocabularyModel(std::shared_ptr<const WordSequenceModel> inner,
                                         const std::vector<std::pair<std::string, float>>& words)
    : inner_(std::move(inner)) {
  if (!inner_) throw InvalidArgument("an open-vocabulary model needs a model to extend");
  const Vocabulary& iv = inner_->vocab();
  inner_size_ = iv.size();
  std::vector<std::string> all;
  all.reserve(iv.size() + words.size());
  for (WordId i = 0; i < iv.size(); ++i) all.emplace_back(iv.Word(i));
  double mass = 0.0;
  std::unordered_set<std::string> seen;
  for (const auto& [w, ln_p] : words) {
    if (w.empty()) throw InvalidArgument("an added word is empty");
    if (!seen.insert(w).second) throw InvalidArgument("'" + w + "' is added twice");
    if (iv.Contains(w)) throw InvalidArgument("'" + w + "' is already in the language model");
    if (!(std::isfinite(ln_p) && ln_p < 0.0f))
      throw InvalidArgument("the probability of '" + w + "' must be in (0, 1)");
    mass += std::exp(static_cast<double>(ln_p));
    all.push_back(w);
    ln_new_.push_back(ln_p);
  }
  if (!(mass < 1.0)) throw InvalidArgument("the added words' probabilities sum to 1 or more");
  vocab_ = Vocabulary(std::move(all));
  if (vocab_.size() != inner_size_ + ln_new_.size())
    throw InvalidArgument("the model to extend has no <unk> word");
  ln_inner_share_ = static_cast<float>(std::log1p(-mass));
}

float OpenVocabularyModel::Score(const State& in, WordId word, State* out) const {
  if (word < inner_size_) return ln_inner_share_ + inner_->Score(in, word, out);
  if (word >= vocab_.size()) return ln_inner_share_ + inner_->Score(in, inner_->vocab().unk(), out);
  inner_->Score(in, inner_->vocab().unk(), out);
  return ln_new_[word - inner_size_];
}

}  // namespace asr::lm
