// Pronunciation dictionary: words to phone sequences of one acoustic
// model's phone set.
//
// Reads the CMUdict/Sphinx text format ("word PH1 PH2 ...", alternates as
// "word(2)", comment lines starting with "##", ";;" or "#", trailing "#"
// comments) and the model's noise dictionary (filler words such as <sil>,
// [NOISE]). Every phone is checked against the model; a bad line is a
// FormatError naming the file, line and word.
//
// The large text dictionary is compiled into flat sorted arrays that can be
// saved as a binary cache and loaded back without parsing. Words added at
// run time live in a small overlay guarded by a lock, so lookups stay
// thread-safe while words are added.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace asr {

struct Pronunciation {
  int variant = 1;             // 1 for "word", 2 for "word(2)", ...
  std::vector<int> phones;     // phone ids in the model's phone set
  bool filler = false;         // from the noise dictionary (silence, noises)
};

class Dictionary {
 public:
  // `phones` is the model's CI phone set, in model order.
  explicit Dictionary(std::vector<std::string> phones);

  // Parse a text dictionary; `noise_path` (may be empty) adds filler words.
  static std::shared_ptr<Dictionary> LoadText(const std::string& path, const std::vector<std::string>& phones,
                                              const std::string& noise_path = "");
  // Load a cache written by SaveBinary; the phone set must be the one it
  // was compiled for. Noise words are part of the cache.
  static std::shared_ptr<Dictionary> LoadBinary(const std::string& path, const std::vector<std::string>& phones);
  // Writes the base dictionary, noise words and added words.
  void SaveBinary(const std::string& path) const;

  // Adds filler words from a noise dictionary file.
  void LoadNoiseDict(const std::string& path);

  // Pronunciations of `word` (variants in order); empty if unknown.
  std::vector<Pronunciation> Lookup(const std::string& word) const;
  bool Contains(const std::string& word) const;
  bool IsFiller(const std::string& word) const;
  // Adds a pronunciation at run time (a new variant if the word exists and
  // the pronunciation is new). Throws InvalidArgument on unknown phones.
  void AddWord(const std::string& word, const std::vector<std::string>& phones, bool filler = false);

  // An independent copy (same words, its own overlay): the base of a
  // recognizer that knows extra words without changing this dictionary.
  std::shared_ptr<Dictionary> Clone() const;

  // Words of the dictionary, base words only (no "(2)" variants).
  size_t size() const;
  std::vector<std::string> FillerWords() const;
  const std::vector<std::string>& phone_names() const { return phone_names_; }
  int PhoneId(const std::string& name) const;  // -1 if not in the phone set

 private:
  // Compiled base table: sorted base words, each with its pronunciations.
  struct Table {
    std::vector<char> chars;            // all words, NUL-terminated
    std::vector<uint32_t> word_offset;  // n_words offsets into chars (sorted order)
    std::vector<uint32_t> pron_begin;   // n_words + 1 offsets into the pron arrays
    std::vector<uint32_t> pron_phone_begin;  // n_prons + 1 offsets into phones
    std::vector<uint16_t> pron_variant;      // n_prons
    std::vector<uint16_t> phones;
  };
  int FindBase(const std::string& word) const;  // index into table_, or -1
  void BuildTable(const std::string& source, std::vector<std::pair<std::string, Pronunciation>>& entries);
  void AddOverlay(const std::string& word, Pronunciation pron);

  std::vector<std::string> phone_names_;
  std::unordered_map<std::string, int> phone_ids_;
  Table table_;
  mutable std::shared_mutex mutex_;  // guards overlay_
  std::unordered_map<std::string, std::vector<Pronunciation>> overlay_;  // fillers and added words
};

}  // namespace asr
