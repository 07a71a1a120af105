// Our compact n-gram file: one flat, little-endian image that is used in
// place after mmap (no parsing, no allocation), so the 3.8M-n-gram default
// LM "loads" in milliseconds. The same image is built in memory when a model
// comes from ARPA, lm.bin or training, so there is a single scoring path.
//
// Layout: a 128-byte header, then these arrays, each starting on an 8-byte
// boundary, in this order (V words, E entries = all n-grams of all orders,
// C contexts = the entries of orders 1..N-1, which come first):
//   vocab_offsets u32[V+1]  vocab_strings char[S]  vocab_table VocabSlot[2^bits]
//   entry_word u32[E]  entry_value EntryValue[E]  contexts ContextRecord[C+1]
//   ngram_table u32[2^ngram_table_bits]
// Entries of order k are sorted lexicographically; unigram entry i is word i.
// The model is a deterministic back-off automaton: state 0 is the empty
// context and state c+1 is context entry c (see ngram_model.h).
// Finding word w among the children of state s goes through ngram_table, an
// open-addressing hash of (s, w) -> entry: the slot and the context record
// are fetched in parallel, then the entry's word and value in parallel, so a
// hit costs two rounds of cache misses whatever the fan-out of the context.
// A slot holds entry+1 in its low EntryBits(E) bits and a hash tag above,
// so most non-matching slots are rejected without touching the entries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "lm/vocabulary.h"

namespace asr::lm {

inline constexpr int kMaxOrder = 6;
inline constexpr char kNgramMagic[8] = {'A', 'S', 'R', 'N', 'G', 'L', 'M', '\x1a'};
inline constexpr uint32_t kNgramFormatVersion = 1;

struct EntryValue {
  float prob;     // ln P(word | context)
  uint32_t next;  // successor state after this n-gram
};

struct ContextRecord {
  uint32_t child_begin;    // children are entries [child_begin, next record's child_begin)
  float backoff_weight;    // ln back-off weight
  uint32_t backoff_state;  // longest useful proper suffix (state id)
};
static_assert(sizeof(EntryValue) == 8 && sizeof(ContextRecord) == 12, "file format");

struct NgramFileHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;  // sizeof(NgramFileHeader), room to grow
  uint64_t file_bytes;    // whole file, guards against truncation
  uint64_t checksum;      // of every byte after the header
  uint32_t order;
  uint32_t vocab_size;
  uint32_t table_bits;        // vocabulary hash table size
  uint32_t ngram_table_bits;  // (state, word) hash table size
  uint64_t strings_bytes;
  uint64_t counts[kMaxOrder];  // entries per order, 0 beyond `order`
  // N-gram counts as the source file declared them (ARPA \data\ or the
  // lm.bin header); informational, may differ from `counts` (blanks added,
  // lm.bin over-allocation).
  uint32_t declared_counts[kMaxOrder];
};
static_assert(sizeof(NgramFileHeader) == 128, "header layout is part of the file format");

// Byte offsets of each array, derived from the header alone.
struct NgramLayout {
  uint64_t vocab_offsets, vocab_strings, vocab_table;
  uint64_t entry_word, entry_value, contexts_at, ngram_table;
  uint64_t total;
  uint64_t entries, contexts;
  uint64_t order_begin[kMaxOrder + 1];  // first entry index of each order
};

// Typed pointers into a validated image.
struct NgramArrays {
  const NgramFileHeader* header = nullptr;
  const uint32_t* vocab_offsets = nullptr;
  const char* vocab_strings = nullptr;
  const VocabSlot* vocab_table = nullptr;
  const uint32_t* entry_word = nullptr;
  const EntryValue* entry_value = nullptr;
  const ContextRecord* contexts = nullptr;  // C+1 records (the last is a sentinel)
  const uint32_t* ngram_table = nullptr;
  NgramLayout layout{};
};

// Bytes of an image plus whatever keeps them alive (a vector or a mapping).
struct NgramImage {
  std::shared_ptr<const void> owner;
  const uint8_t* data = nullptr;
  size_t size = 0;
};

// Bits of an ngram_table slot that hold entry+1 (the rest is the tag).
inline int EntryBits(uint64_t entries) {
  int bits = 0;
  while (entries) {
    ++bits;
    entries >>= 1;
  }
  return bits;
}

// The hash of a (state, word) pair; part of the file format.
inline uint64_t NgramSlotHash(uint32_t state, uint32_t word) {
  uint64_t h = ((static_cast<uint64_t>(state) << 32) | word) * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
}

// Table size for n keys: load factor <= 0.5.
inline uint32_t NgramTableBitsFor(uint64_t n) {
  uint32_t bits = 4;
  while ((uint64_t{1} << bits) < 2 * n) ++bits;
  return bits;
}

// Throws FormatError when header fields are out of range or overflow.
NgramLayout ComputeLayout(const NgramFileHeader& h, const std::string& name);

// Allocates a zeroed, 8-byte aligned image of `bytes` bytes.
NgramImage AllocateImage(size_t bytes, uint8_t** writable);

uint64_t ImageChecksum(const uint8_t* data, size_t size);

// Checks magic, version, sizes, checksum (optional) and every index stored in
// the arrays, so scoring can never read out of bounds or loop forever.
NgramArrays ValidateImage(const NgramImage& image, const std::string& name, bool verify_checksum);

// True when the first bytes look like our format.
bool LooksLikeNgramBinary(const uint8_t* data, size_t size);

}  // namespace asr::lm
