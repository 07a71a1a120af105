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
  int32_t entry_class = 0; // which word exits may enter it (see SearchVocabulary)
};

// Entry classes: with an n-gram model any word may follow any word (one
// class). Under a grammar only the words on the arcs leaving the current
// automaton state may, so every state gets its own class with its own copy
// of those words, and a word exit enters only the class of its state.
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

  int num_classes() const { return num_classes_; }
  // The entry class of a word-sequence state; -1 if no word may follow.
  int EntryClass(const lm::State& s) const {
    if (!per_state_classes_) return 0;
    return s.slot[0] < static_cast<uint32_t>(num_classes_) ? static_cast<int>(s.slot[0]) : -1;
  }

 private:
  void AddPronunciations(const Dictionary& dict, const std::string& text, lm::WordId id, int entry_class);
  void AddFillers(const Dictionary& dict, int silence_phone, int entry_class);

  std::vector<SearchWord> words_;
  std::vector<std::string> missing_;
  int num_classes_ = 1;
  bool per_state_classes_ = false;
};

}  // namespace asr
