#include "search/search_vocabulary.h"

#include "common/error.h"
#include "dict/dictionary.h"
#include "lm/vocabulary.h"

namespace asr {

SearchVocabulary::SearchVocabulary(const Dictionary& dict, const lm::WordSequenceModel& model, int silence_phone,
                                   const std::vector<std::string>& restrict) {
  const lm::Vocabulary& vocab = model.vocab();
  auto add_word = [&](const std::string& text) {
    const lm::WordId id = vocab.Find(text);
    if (id == lm::kNoWord || id == vocab.bos() || id == vocab.eos()) return;
    const auto prons = dict.Lookup(text);
    if (prons.empty()) {
      if (text != "<unk>" && text != "<UNK>") missing_.push_back(text);
      return;
    }
    for (const auto& p : prons) {
      if (p.filler || p.phones.empty()) continue;
      words_.push_back(SearchWord{text, id, p.phones, false, false});
    }
  };
  if (restrict.empty()) {
    for (uint32_t i = 0; i < vocab.size(); ++i) add_word(std::string(vocab.Word(i)));
  } else {
    for (const auto& w : restrict) add_word(w);
  }
  for (const std::string& f : dict.FillerWords()) {
    if (f == "<s>" || f == "</s>") continue;  // sentence markers are implicit
    for (const auto& p : dict.Lookup(f)) {
      if (p.phones.empty()) continue;
      const bool sil = p.phones.size() == 1 && p.phones[0] == silence_phone;
      words_.push_back(SearchWord{f, lm::kNoWord, p.phones, true, sil});
    }
  }
}

}  // namespace asr
