// Our compact n-gram file: one flat, little-endian image that is used in
// place after mmap (no parsing, no allocation), so the 3.8M-n-gram default
// LM "loads" in milliseconds and only the pages scoring touches become
// resident. The same image is built in memory when a model comes from ARPA,
// lm.bin or training, so there is a single scoring path.
//
// Layout: a 256-byte header, then these sections, each starting on an 8-byte
// boundary, in this order (V words, N the order):
//   vocab_offsets u32[V+1]  vocab_strings char[S]  vocab_table VocabSlot[2^bits]
//   unigrams UnigramRecord[V+1]  directory DirectoryEntry[D]
//   codebooks: for k = 2..N, float[2^prob_bits] then (k < N) float[2^backoff_bits],
//              each only when that field is quantized
//   -- the "index" ends here; everything above is small (~7 MB for en-us) --
//   levels: for k = 2..N, bit-packed records (see LevelFormat)
// N-grams of order k are sorted lexicographically; unigram i is word i. The
// children of an order-k n-gram are a contiguous run of order-(k+1) records,
// found by interpolation search on their word ids (ngram_levels.h), or for
// unigram contexts through a bucket directory (see UnigramRecord).
//
// Probabilities and back-off weights of orders >= 2 are stored as indices
// into a per-order codebook holding exactly the distinct float values (so
// nothing is rounded), or as raw floats when a codebook would not be smaller.
// Models read from Sphinx lm.bin have at most 2^16 values per order there.
//
// Robustness without a full pass at load: the header and the index are
// checksummed and validated on every load; the levels are only read through
// accessors that mask and clamp every field to its valid range (codebooks
// are padded to 2^bits entries), so a corrupt level yields wrong scores but
// never an out-of-bounds read or an endless loop. verify_checksum also
// hashes the levels.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "lm/ngram_levels.h"
#include "lm/vocabulary.h"

namespace asr::lm {

inline constexpr int kMaxOrder = 6;
inline constexpr char kNgramMagic[8] = {'A', 'S', 'R', 'N', 'G', 'L', 'M', '\x1a'};
inline constexpr uint32_t kNgramFormatVersion = 2;

// Unigram i (= word i) as a context: its children are order-2 records
// [child_begin, next record's child_begin). V+1 records, the last a sentinel.
//
// Unigram contexts can have tens of thousands of children (2M bigrams over
// 72k words), where even interpolation search needs ~4 dependent cache
// misses. So each unigram context with children has a directory: entries
// [dir_begin, next record's dir_begin), B+1 of them, entry b holding the
// first child in bucket b of the word ids (DirectoryBucket) and a mask of the
// bucket's words; the last holds the child count. ~8 children per bucket, so
// a lookup reads one directory entry pair and a cache line or two - or, for
// most absent words (the common case in search), no record at all.
struct UnigramRecord {
  float prob;            // ln P(word)
  float backoff;         // ln back-off weight
  uint32_t child_begin;  // index into the order-2 level
  uint32_t dir_begin;    // index into the directory
};
static_assert(sizeof(UnigramRecord) == 16, "file format");

struct DirectoryEntry {
  uint32_t first;       // first child of the bucket, relative to child_begin
  uint32_t words_mask;  // bit (w % 32) set for each child word w in the bucket
};
static_assert(sizeof(DirectoryEntry) == 8, "file format");

inline constexpr uint32_t kChildrenPerBucket = 8;

// Spreads word ids 0..V-1 evenly over `buckets` buckets without a division:
// w * DirectoryScale(V) < 2^32 is w / V in 32-bit fixed point.
inline uint64_t DirectoryScale(uint32_t vocab_size) { return (uint64_t{1} << 32) / vocab_size; }
inline uint32_t DirectoryBucket(uint32_t w, uint32_t buckets, uint64_t scale) {
  return static_cast<uint32_t>((w * scale * buckets) >> 32);
}

// Field widths of one order's records (orders >= 2). Fields, in this order
// from the record's first bit:
//   word      word id
//   prob      codebook index, or a raw float when prob_bits == 32
//   backoff   (orders < N) codebook index or raw float
//   child     (orders < N) first child, relative to the next order's level
//   state     order N: the successor state; orders 3..N-1: the back-off
//             state (for order 2 it is the unigram of the record's word)
// Orders < N have one extra sentinel record that carries the child end.
struct LevelFormat {
  uint8_t word_bits;
  uint8_t prob_bits;
  uint8_t backoff_bits;
  uint8_t child_bits;
  uint8_t state_bits;
  uint8_t reserved[3];
};
static_assert(sizeof(LevelFormat) == 8, "file format");

struct NgramFileHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;     // sizeof(NgramFileHeader), room to grow
  uint64_t file_bytes;       // whole file, guards against truncation
  uint64_t checksum;         // of every byte after the header (verify_checksum)
  uint64_t index_checksum;   // of the bytes from the header to the first level (always checked)
  uint64_t header_checksum;  // of this header with this field zero (always checked)
  uint32_t order;
  uint32_t vocab_size;
  uint32_t table_bits;       // vocabulary hash table size
  uint32_t dir_entries;      // directory size (see UnigramRecord)
  uint64_t strings_bytes;
  uint64_t counts[kMaxOrder];  // n-grams per order, 0 beyond `order`
  // N-gram counts as the source file declared them (ARPA \data\ or the
  // lm.bin header); informational, may differ from `counts` (blanks added,
  // lm.bin over-allocation).
  uint32_t declared_counts[kMaxOrder];
  LevelFormat levels[kMaxOrder];  // [k-1] for order k >= 2
  uint8_t reserved1[64];
};
static_assert(sizeof(NgramFileHeader) == 256, "header layout is part of the file format");

// Byte offsets of each section, derived from the header alone.
struct NgramLayout {
  uint64_t vocab_offsets, vocab_strings, vocab_table, unigrams, directory;
  uint64_t prob_codebook[kMaxOrder + 1], backoff_codebook[kMaxOrder + 1];  // by order; 0 if absent
  uint64_t index_end;
  uint64_t level[kMaxOrder + 1];  // by order k >= 2
  uint64_t total;
  uint64_t entries, contexts;
  uint64_t order_begin[kMaxOrder + 1];  // first global entry index of each order (0-based order)
};

// Typed views of a checked image.
struct NgramArrays {
  const NgramFileHeader* header = nullptr;
  const uint32_t* vocab_offsets = nullptr;
  const char* vocab_strings = nullptr;
  const VocabSlot* vocab_table = nullptr;
  const UnigramRecord* unigrams = nullptr;  // V+1 records
  const DirectoryEntry* directory = nullptr;
  PackedLevel levels[kMaxOrder + 1];        // by order k >= 2
  NgramLayout layout{};
};

// Bytes of an image plus whatever keeps them alive (a vector or a mapping).
struct NgramImage {
  std::shared_ptr<const void> owner;
  const uint8_t* data = nullptr;
  size_t size = 0;
};

// Record bits of a level, and whether its fields exist.
int RecordBits(const LevelFormat& f, bool highest);

// Throws FormatError when header fields are out of range or overflow.
NgramLayout ComputeLayout(const NgramFileHeader& h, const std::string& name);

// Allocates a zeroed, 8-byte aligned image of `bytes` bytes.
NgramImage AllocateImage(size_t bytes, uint8_t** writable);

uint64_t ImageChecksum(const uint8_t* data, size_t size);
uint64_t HeaderChecksum(const NgramFileHeader& h);

// Checks the header (magic, version, checksum, sizes) and the index
// (checksum, vocabulary and unigram invariants), O(V) and ~7 MB read for the
// default LM; with verify_checksum also hashes the whole image. Returns views
// whose level accessors clamp everything they read (see the file comment).
NgramArrays OpenImage(const NgramImage& image, const std::string& name, bool verify_checksum);

// True when the first bytes look like our format.
bool LooksLikeNgramBinary(const uint8_t* data, size_t size);

}  // namespace asr::lm
