#include "search/search_vocabulary.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

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

SearchVocabulary::SearchVocabulary(const SearchVocabulary& base, const lm::WordSequenceModel& base_model,
                                   const Dictionary& dict, const lm::WordSequenceModel& model,
                                   const std::vector<std::string>& added)
    : words_(base.words_) {
  if (base.per_state_classes_) throw InvalidArgument("a grammar's search vocabulary cannot be extended");
  const lm::Vocabulary& bv = base_model.vocab();
  const lm::Vocabulary& v = model.vocab();
  if (v.size() < bv.size()) throw InvalidArgument("the model does not extend the base model's vocabulary");
  for (lm::WordId i = 0; i < bv.size(); ++i)
    if (v.Word(i) != bv.Word(i)) throw InvalidArgument("the model does not extend the base model's vocabulary");
  // Pronunciations base already has, for the added words that it knows.
  std::unordered_set<std::string> wanted(added.begin(), added.end());
  std::unordered_map<std::string, std::vector<const std::vector<int>*>> known;
  for (const SearchWord& w : words_)
    if (!w.hidden() && wanted.count(w.text)) known[w.text].push_back(&w.phones);
  std::unordered_set<std::string> done;
  auto add = [&](const std::string& text, lm::WordId id) {
    if (id == lm::kNoWord || id == v.bos() || id == v.eos() || !done.insert(text).second) return;
    const auto it = known.find(text);
    const size_t before = words_.size();
    for (const auto& p : dict.Lookup(text)) {
      if (p.filler || p.phones.empty()) continue;
      bool have = false;
      if (it != known.end())
        for (const auto* q : it->second) have = have || *q == p.phones;
      if (!have) words_.push_back(SearchWord{text, id, p.phones, false, false, 0});
    }
    if (words_.size() == before && it == known.end() && text != "<unk>" && text != "<UNK>") missing_.push_back(text);
  };
  // Words only the new model has, then added words (new pronunciations).
  for (lm::WordId i = bv.size(); i < v.size(); ++i) add(std::string(v.Word(i)), i);
  for (const std::string& w : added) add(w, v.Find(w));
  // Base's missing words, unless they got a pronunciation now.
  std::unordered_set<std::string> found;
  for (size_t i = base.words_.size(); i < words_.size(); ++i) found.insert(words_[i].text);
  for (const std::string& m : base.missing_)
    if (!found.count(m) && !dict.Contains(m)) missing_.push_back(m);
}

}  // namespace asr
