// Our compact n-gram file: one flat, little-endian image that is used in
// place after mmap (no parsing, no allocation), so the 3.8M-n-gram default
// LM "loads" in milliseconds. The same image is built in memory when a model
// comes from ARPA, lm.bin or training, so there is a single scoring path.
//
// Layout: a 128-byte header, then these arrays, each starting on an 8-byte
// boundary, in this order (V words, E entries = all n-grams of all orders,
// C contexts = the entries of orders 1..N-1, which come first):
//   vocab_offsets u32[V+1]  vocab_strings char[S]  vocab_table u32[2^bits]
//   entry_word u32[E]  entry_prob f32[E]  entry_next u32[E]
//   ctx_backoff_weight f32[C]  ctx_backoff_state u32[C]  ctx_child u32[C+1]
// Entries of order k are sorted lexicographically; unigram entry i is word i.
// The model is a deterministic back-off automaton: state 0 is the empty
// context and state c+1 is context entry c (see ngram_model.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace asr::lm {

inline constexpr int kMaxOrder = 6;
inline constexpr char kNgramMagic[8] = {'A', 'S', 'R', 'N', 'G', 'L', 'M', '\x1a'};
inline constexpr uint32_t kNgramFormatVersion = 1;

struct NgramFileHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;  // sizeof(NgramFileHeader), room to grow
  uint64_t file_bytes;    // whole file, guards against truncation
  uint64_t checksum;      // of every byte after the header
  uint32_t order;
  uint32_t vocab_size;
  uint32_t table_bits;
  uint32_t reserved0;
  uint64_t strings_bytes;
  uint64_t counts[kMaxOrder];  // entries per order, 0 beyond `order`
  uint8_t reserved[24];
};
static_assert(sizeof(NgramFileHeader) == 128, "header layout is part of the file format");

// Byte offsets of each array, derived from the header alone.
struct NgramLayout {
  uint64_t vocab_offsets, vocab_strings, vocab_table;
  uint64_t entry_word, entry_prob, entry_next;
  uint64_t ctx_bo, ctx_backoff, ctx_child;
  uint64_t total;
  uint64_t entries, contexts;
  uint64_t order_begin[kMaxOrder + 1];  // first entry index of each order
};

// Typed pointers into a validated image.
struct NgramArrays {
  const NgramFileHeader* header = nullptr;
  const uint32_t* vocab_offsets = nullptr;
  const char* vocab_strings = nullptr;
  const uint32_t* vocab_table = nullptr;
  const uint32_t* entry_word = nullptr;
  const float* entry_prob = nullptr;
  const uint32_t* entry_next = nullptr;
  const float* ctx_bo = nullptr;
  const uint32_t* ctx_backoff = nullptr;
  const uint32_t* ctx_child = nullptr;
  NgramLayout layout{};
};

// Bytes of an image plus whatever keeps them alive (a vector or a mapping).
struct NgramImage {
  std::shared_ptr<const void> owner;
  const uint8_t* data = nullptr;
  size_t size = 0;
};

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
