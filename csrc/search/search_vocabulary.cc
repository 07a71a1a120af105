#include "search/search_vocabulary.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "dict/dictionary.h"
#include "grammar/grammar_fsa.h"
#include "grammar/reserved_words.h"
#include "lm/vocabulary.h"

namespace asr {

void SearchVocabulary::AddPronunciations(const Dictionary& dict, const std::string& text, lm::WordId id,
                                         int entry_class) {
  const auto prons = dict.Lookup(text);
  if (prons.empty()) {
    if (text != "<unk>" && text != "<UNK>" &&
        std::find(missing_.begin(), missing_.end(), text) == missing_.end())
      missing_.push_back(text);
    return;
  }
  for (const auto& p : prons) {
    if (p.filler || p.phones.empty()) continue;
    words_.push_back(SearchWord{text, id, p.phones, false, false, entry_class});
  }
}

void SearchVocabulary::AddFillers(const Dictionary& dict, int silence_phone, int entry_class) {
  for (const std::string& f : dict.FillerWords()) {
    if (f == "<s>" || f == "</s>") continue;  // sentence markers are implicit
    for (const auto& p : dict.Lookup(f)) {
      if (p.phones.empty()) continue;
      const bool sil = p.phones.size() == 1 && p.phones[0] == silence_phone;
      words_.push_back(SearchWord{f, lm::kNoWord, p.phones, true, sil, entry_class});
    }
  }
}

void SearchVocabulary::AddGarbagePhones(int num_phones, const std::vector<bool>& is_filler, lm::WordId id,
                                        int entry_class, bool repeat) {
  for (int p = 0; p < num_phones; ++p) {
    if (is_filler[p]) continue;
    SearchWord w{grammar::kGarbageText, id, {p}, false, false, entry_class};
    w.garbage = true;
    w.garbage_repeat = repeat;
    words_.push_back(std::move(w));
  }
}

SearchVocabulary::SearchVocabulary(const Dictionary& dict, const lm::WordSequenceModel& model, int silence_phone,
                                   const std::vector<std::string>& restrict)
    : SearchVocabulary(dict, model, silence_phone, std::vector<bool>(), restrict) {}

SearchVocabulary::SearchVocabulary(const Dictionary& dict, const lm::WordSequenceModel& model, int silence_phone,
                                   const std::vector<bool>& is_filler_phone, const std::vector<std::string>& restrict) {
  const lm::Vocabulary& vocab = model.vocab();
  if (const auto* fsa = dynamic_cast<const grammar::GrammarFsa*>(&model)) {
    per_state_classes_ = true;
    num_states_ = static_cast<int>(fsa->num_states());
    num_classes_ = num_states_;
    garbage_class_.assign(num_states_, -1);
    const int num_phones = static_cast<int>(is_filler_phone.size());
    if (fsa->has_garbage() && num_phones == 0)
      throw InvalidArgument("a grammar with $GARBAGE needs the model's phone set");
    // States entered through a garbage arc get an after-garbage class.
    for (uint32_t s = 0; s < fsa->num_states(); ++s)
      for (const auto* a = fsa->arcs_begin(s); a != fsa->arcs_end(s); ++a)
        if (a->word == grammar::kGarbageWord && a->next < fsa->num_states() && garbage_class_[a->next] < 0)
          garbage_class_[a->next] = num_classes_++;
    for (uint32_t s = 0; s < fsa->num_states(); ++s) {
      const int classes[2] = {static_cast<int>(s), garbage_class_[s]};
      for (int c : classes) {
        if (c < 0) continue;
        for (const auto* a = fsa->arcs_begin(s); a != fsa->arcs_end(s); ++a) {
          if (a->word == grammar::kGarbageWord)
            AddGarbagePhones(num_phones, is_filler_phone, a->word, c, false);
          else
            AddPronunciations(dict, std::string(vocab.Word(a->word)), a->word, c);
        }
        if (c != static_cast<int>(s))
          AddGarbagePhones(num_phones, is_filler_phone, grammar::kGarbageWord, c, true);
        AddFillers(dict, silence_phone, c);
      }
    }
    return;
  }
  auto add_word = [&](const std::string& text) {
    const lm::WordId id = vocab.Find(text);
    if (id == lm::kNoWord || id == vocab.bos() || id == vocab.eos()) return;
    AddPronunciations(dict, text, id, 0);
  };
  if (restrict.empty()) {
    for (uint32_t i = 0; i < vocab.size(); ++i) add_word(std::string(vocab.Word(i)));
  } else {
    for (const auto& w : restrict) add_word(w);
  }
  AddFillers(dict, silence_phone, 0);
}

}  // namespace asr
