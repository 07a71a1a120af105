#include "search/recognition_model.h"

#include "common/error.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace asr {

namespace {
std::vector<bool> FillerPhones(const Mdef& mdef) {
  std::vector<bool> out(mdef.n_ciphone());
  for (int p = 0; p < mdef.n_ciphone(); ++p) out[p] = mdef.IsFiller(p);
  return out;
}

std::vector<float> UnigramScores(const SearchVocabulary& vocab, const lm::WordSequenceModel& lm) {
  std::vector<float> out(vocab.size(), 0.0f);
  const lm::State null_state = lm.NullState();
  for (int i = 0; i < vocab.size(); ++i) {
    const SearchWord& w = vocab.word(i);
    if (w.filler || w.garbage) continue;
    lm::State unused;
    out[i] = lm.Score(null_state, w.lm_id, &unused);
  }
  return out;
}
}  // namespace

RecognitionModel::RecognitionModel(std::shared_ptr<const AcousticModel> am, std::shared_ptr<const Dictionary> dict,
                                   std::shared_ptr<const lm::WordSequenceModel> lm,
                                   const std::vector<std::string>& words)
    : am_(Required(std::move(am), "the acoustic model")),
      dict_(Required(std::move(dict), "the dictionary")),
      lm_(Required(std::move(lm), "the word-sequence model (language model or grammar)")),
      vocab_(*dict_, *lm_, am_->mdef().silence_phone(), FillerPhones(am_->mdef()), words) {
  if (am_->mdef().n_emit_state() <= 0) throw FormatError("the acoustic model's phones have different state counts");
  tree_ = std::make_shared<LexiconTree>(vocab_, am_->mdef(), am_->transitions(), UnigramScores(vocab_, *lm_));
#if defined(__GLIBC__)
  // Tree construction frees many small blocks; hand them back to the OS so
  // a long-running process does not keep the building peak resident.
  malloc_trim(0);
#endif
}

namespace {
SearchVocabulary ExtendedVocabulary(const RecognitionModel& base, const Dictionary& dict,
                                    const lm::WordSequenceModel& lm, const std::vector<std::string>& added,
                                    const std::vector<bool>& filler_phones, bool* extended) {
  try {
    SearchVocabulary v(base.vocabulary(), base.word_model(), dict, lm, added);
    *extended = true;
    return v;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kInvalidArgument) throw;
    *extended = false;
    return SearchVocabulary(dict, lm, base.acoustic_model().mdef().silence_phone(), filler_phones);
  }
}
}  // namespace

RecognitionModel::RecognitionModel(const RecognitionModel& base, std::shared_ptr<const Dictionary> dict,
                                   std::shared_ptr<const lm::WordSequenceModel> lm,
                                   const std::vector<std::string>& added)
    : am_(base.am_), dict_(std::move(dict)), lm_(std::move(lm)), vocab_([&] {
        bool unused;
        return ExtendedVocabulary(base, *dict_, *lm_, added, FillerPhones(am_->mdef()), &unused);
      }()) {
  const Mdef& mdef = am_->mdef();
  const int first_new = static_cast<int>(base.vocab_.size());
  bool extends = vocab_.size() >= first_new;
  for (int i = 0; extends && i < first_new; ++i)
    extends = vocab_.word(i).text == base.vocab_.word(i).text && vocab_.word(i).phones == base.vocab_.word(i).phones;
  const std::vector<float> unigram = UnigramScores(vocab_, *lm_);
  if (extends)
    tree_ = std::make_shared<LexiconTree>(*base.tree_, vocab_, first_new, mdef, am_->transitions(), unigram);
  else
    tree_ = std::make_shared<LexiconTree>(vocab_, mdef, am_->transitions(), unigram);
}

}  // namespace asr
