// Everything a decoder shares between utterances and threads: acoustic
// model, dictionary, word-sequence model, the search vocabulary and the
// lexicon tree built from them. Immutable once built.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "am/acoustic_model.h"
#include "dict/dictionary.h"
#include "lm/word_sequence_model.h"
#include "search/lexicon_tree.h"
#include "search/search_vocabulary.h"

namespace asr {

class RecognitionModel {
 public:
  // `words` restricts the vocabulary (e.g. a grammar's words); empty = all
  // words of the word-sequence model that the dictionary can pronounce.
  RecognitionModel(std::shared_ptr<const AcousticModel> am, std::shared_ptr<const Dictionary> dict,
                   std::shared_ptr<const lm::WordSequenceModel> lm, const std::vector<std::string>& words = {});

  // `base` with another dictionary (base's plus the `added` words) and a
  // word-sequence model whose vocabulary extends base's (OpenVocabularyModel,
  // CustomizedModel over base's model): base's lexicon tree is reused and
  // only the new pronunciations are built, so this costs a fraction of a
  // full build. Falls back to a full build when the models do not allow it.
  RecognitionModel(const RecognitionModel& base, std::shared_ptr<const Dictionary> dict,
                   std::shared_ptr<const lm::WordSequenceModel> lm, const std::vector<std::string>& added);

  const AcousticModel& acoustic_model() const { return *am_; }
  const std::shared_ptr<const AcousticModel>& acoustic_model_ptr() const { return am_; }
  const Dictionary& dictionary() const { return *dict_; }
  const lm::WordSequenceModel& word_model() const { return *lm_; }
  const SearchVocabulary& vocabulary() const { return vocab_; }
  const std::shared_ptr<const LexiconTree>& tree() const { return tree_; }

 private:
  std::shared_ptr<const AcousticModel> am_;
  std::shared_ptr<const Dictionary> dict_;
  std::shared_ptr<const lm::WordSequenceModel> lm_;
  SearchVocabulary vocab_;
  std::shared_ptr<const LexiconTree> tree_;
};

}  // namespace asr
