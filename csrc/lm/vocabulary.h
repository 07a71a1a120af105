// String <-> WordId mapping shared by the language models and the decoder.
//
// Ids are dense (0..size-1). Lookup is an open-addressing hash table over the
// word bytes; the arrays can live in a memory-mapped model file (view mode)
// or be owned (built in memory), so a 72k-word vocabulary costs nothing to
// "load" from the binary cache.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lm/word_sequence_model.h"

namespace asr::lm {

// The hash stored in binary model files; changing it changes the format.
uint64_t HashWord(std::string_view word);

// One 16-byte slot of the open-addressing word table. Words of up to 8
// bytes are stored in the slot itself, so most lookups cost one cache miss
// and stay exact; longer words keep a hash tag and their string offset.
struct VocabSlot {
  uint32_t id_plus_1;  // 0 = empty
  uint32_t length;     // word length in bytes
  // length <= 8: the bytes, zero padded. Otherwise: u32 tag (hash >> 32),
  // then u32 offset of the word in the strings array.
  char key[8];
};
static_assert(sizeof(VocabSlot) == 16, "file format");

class Vocabulary {
 public:
  // Raw arrays as stored in a model file (see ngram_binary_format.h).
  struct View {
    const uint32_t* offsets = nullptr;  // size+1 offsets into strings
    const char* strings = nullptr;      // concatenated word bytes
    const VocabSlot* table = nullptr;   // 1<<table_bits slots
    uint32_t size = 0;
    uint32_t table_bits = 0;
  };

  Vocabulary() = default;
  // Builds an owned vocabulary; words must be distinct. "<unk>" is appended
  // if missing, so unknown words always have an id.
  explicit Vocabulary(std::vector<std::string> words);
  // Views arrays owned elsewhere (must outlive this object).
  static Vocabulary FromView(const View& view);

  Vocabulary(const Vocabulary&) = delete;
  Vocabulary& operator=(const Vocabulary&) = delete;
  Vocabulary(Vocabulary&&) noexcept;
  Vocabulary& operator=(Vocabulary&&) noexcept;

  uint32_t size() const { return view_.size; }
  // The id of `word`, or unk() when the word is unknown.
  WordId Index(std::string_view word) const {
    WordId id = Find(word);
    return id == kNoWord ? unk_ : id;
  }
  // The id of `word`, or kNoWord.
  WordId Find(std::string_view word) const { return FindHashed(word, HashWord(word)); }
  // Find() with HashWord(word) already computed; with Prefetch() this lets a
  // caller overlap the table's cache misses for several words.
  WordId FindHashed(std::string_view word, uint64_t hash) const;
  void Prefetch(uint64_t hash) const {
    if (view_.size != 0) __builtin_prefetch(&view_.table[hash & ((uint64_t{1} << view_.table_bits) - 1)]);
  }
  std::string_view Word(WordId id) const {
    return std::string_view(view_.strings + view_.offsets[id], view_.offsets[id + 1] - view_.offsets[id]);
  }
  bool Contains(std::string_view word) const { return Find(word) != kNoWord; }

  WordId unk() const { return unk_; }
  WordId bos() const { return bos_; }
  WordId eos() const { return eos_; }

  const View& view() const { return view_; }

  // Chooses the table size for `n` words (load factor <= 0.7).
  static uint32_t TableBitsFor(uint32_t n);
  // Fills `table` (1<<bits slots) for the given words; used by the binary writer.
  static void FillTable(const std::vector<std::string>& words, uint32_t bits, VocabSlot* table);

 private:
  void SetSpecials();

  View view_;
  WordId unk_ = kNoWord, bos_ = kNoWord, eos_ = kNoWord;
  // Owned storage (empty in view mode).
  std::vector<uint32_t> own_offsets_;
  std::string own_strings_;
  std::vector<VocabSlot> own_table_;
};

}  // namespace asr::lm
