// The words a search can output: every pronunciation of every dictionary
// word the word-sequence model knows, plus the model's filler words
// (silence, noises), each tied to its word-sequence model id.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lm/word_sequence_model.h"

namespace asr {

class Dictionary;

struct SearchWord {
  std::string text;        // base word, without "(2)"
  lm::WordId lm_id = lm::kNoWord;  // id in the word-sequence model; kNoWord for fillers
  std::vector<int> phones; // CI phone ids
  bool filler = false;     // silence or noise: no LM score, no output
  bool silence = false;    // the silence word (<sil>)
};

class SearchVocabulary {
 public:
  // Words of `model` that `dict` can pronounce. `words` restricts them (e.g.
  // to a grammar's words); empty means all of the model's vocabulary.
  // Words without pronunciation are listed in missing().
  SearchVocabulary(const Dictionary& dict, const lm::WordSequenceModel& model, int silence_phone,
                   const std::vector<std::string>& words = {});

  const std::vector<SearchWord>& words() const { return words_; }
  const SearchWord& word(int i) const { return words_[i]; }
  int size() const { return static_cast<int>(words_.size()); }
  const std::vector<std::string>& missing() const { return missing_; }

 private:
  std::vector<SearchWord> words_;
  std::vector<std::string> missing_;
};

}  // namespace asr
