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
  // One phone of a grammar's $GARBAGE: a phone loop that absorbs speech the
  // grammar does not name. The first phone takes the <garbage> arc; repeats
  // stay in the state that arc led to. Never part of the transcript.
  bool garbage = false;
  bool garbage_repeat = false;

  bool hidden() const { return filler || garbage; }  // not output as a word
};

// Entry classes: with an n-gram model any word may follow any word (one
// class). Under a grammar only the words on the arcs leaving the current
// automaton state may, so every state gets its own class with its own copy
// of those words, and a word exit enters only the class of its state.
// States reached through $GARBAGE get a second class that also holds the
// garbage phones again, so the phone loop can go on.
class SearchVocabulary {
 public:
  // Words of `model` that `dict` can pronounce. `words` restricts them (e.g.
  // to a grammar's words); empty means all of the model's vocabulary.
  // Words without pronunciation are listed in missing().
  SearchVocabulary(const Dictionary& dict, const lm::WordSequenceModel& model, int silence_phone,
                   const std::vector<std::string>& words = {});
  // is_filler_phone marks the model's filler phones (never garbage phones).
  SearchVocabulary(const Dictionary& dict, const lm::WordSequenceModel& model, int silence_phone,
                   const std::vector<bool>& is_filler_phone, const std::vector<std::string>& words = {});

  // `base` (an n-gram search vocabulary) for a model whose vocabulary
  // extends base's (same ids for base's words, as OpenVocabularyModel and
  // CustomizedModel keep them) and a dictionary with `added` words: base's
  // words first, unchanged, then the pronunciations that are new. Throws
  // InvalidArgument if the model does not extend base's.
  SearchVocabulary(const SearchVocabulary& base, const lm::WordSequenceModel& base_model, const Dictionary& dict,
                   const lm::WordSequenceModel& model, const std::vector<std::string>& added);

  const std::vector<SearchWord>& words() const { return words_; }
  const SearchWord& word(int i) const { return words_[i]; }
  int size() const { return static_cast<int>(words_.size()); }
  const std::vector<std::string>& missing() const { return missing_; }

  int num_classes() const { return num_classes_; }
  // The entry class after a word exit with state `s`; -1 if no word may
  // follow. `after_garbage`: the exit was a garbage phone.
  int EntryClass(const lm::State& s, bool after_garbage) const {
    if (!per_state_classes_) return 0;
    if (s.slot[0] >= static_cast<uint32_t>(num_states_)) return -1;
    return after_garbage ? garbage_class_[s.slot[0]] : static_cast<int>(s.slot[0]);
  }

 private:
  void AddPronunciations(const Dictionary& dict, const std::string& text, lm::WordId id, int entry_class);
  void AddFillers(const Dictionary& dict, int silence_phone, int entry_class);
  void AddGarbagePhones(int num_phones, const std::vector<bool>& is_filler, lm::WordId id, int entry_class,
                        bool repeat);

  std::vector<SearchWord> words_;
  std::vector<std::string> missing_;
  int num_classes_ = 1;
  int num_states_ = 0;
  bool per_state_classes_ = false;
  std::vector<int32_t> garbage_class_;  // per grammar state: its after-garbage class
};

}  // namespace asr
