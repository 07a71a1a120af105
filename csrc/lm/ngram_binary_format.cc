#include "lm/ngram_binary_format.h"

#include <cstring>
#include <vector>

#include "common/error.h"

namespace asr::lm {

namespace {

constexpr int kMaxCodebookBits = 24;
constexpr int kRawFloatBits = 32;

uint64_t Align8(uint64_t x) { return (x + 7) & ~uint64_t{7}; }

[[noreturn]] void Bad(const std::string& name, const std::string& what) {
  throw FormatError(name + ": corrupt n-gram binary: " + what);
}

// A value field is either a codebook index (0..24 bits) or a raw float.
bool ValidValueBits(int bits) { return bits <= kMaxCodebookBits || bits == kRawFloatBits; }

uint64_t CodebookBytes(int bits) { return bits == kRawFloatBits ? 0 : uint64_t{4} << bits; }

void CheckLevelFormat(const NgramFileHeader& h, uint32_t k, const std::string& name) {
  const LevelFormat& f = h.levels[k - 1];
  const bool highest = k == h.order;
  const std::string what = "bad field widths for order " + std::to_string(k);
  if (f.word_bits < 1 || f.word_bits > kMaxFieldBits || !ValidValueBits(f.prob_bits)) Bad(name, what);
  if (highest) {
    if (f.backoff_bits != 0 || f.child_bits != 0 || f.state_bits < 1 || f.state_bits > kMaxFieldBits)
      Bad(name, what);
  } else {
    if (!ValidValueBits(f.backoff_bits) || f.child_bits < 1 || f.child_bits > kMaxFieldBits) Bad(name, what);
    // Order-2 contexts back off to the unigram of their word; higher ones store it.
    if (k == 2 ? f.state_bits != 0 : (f.state_bits < 1 || f.state_bits > kMaxFieldBits)) Bad(name, what);
  }
}

void CheckVocabulary(const NgramArrays& a, const std::string& name) {
  const NgramFileHeader& h = *a.header;
  const uint32_t V = h.vocab_size;
  if (a.vocab_offsets[0] != 0 || a.vocab_offsets[V] != h.strings_bytes) Bad(name, "vocabulary offsets");
  for (uint32_t i = 0; i < V; ++i)
    if (a.vocab_offsets[i + 1] < a.vocab_offsets[i]) Bad(name, "vocabulary offsets not increasing");
  const uint64_t slots = uint64_t{1} << h.table_bits;
  uint64_t empty = 0;
  for (uint64_t i = 0; i < slots; ++i) {
    const VocabSlot& s = a.vocab_table[i];
    if (s.id_plus_1 > V) Bad(name, "vocabulary table entry out of range");
    if (s.id_plus_1 == 0) {
      ++empty;
      continue;
    }
    const uint32_t id = s.id_plus_1 - 1;
    if (s.length != a.vocab_offsets[id + 1] - a.vocab_offsets[id]) Bad(name, "vocabulary table length mismatch");
    if (s.length > 8) {
      uint32_t offset;
      std::memcpy(&offset, s.key + 4, 4);
      if (offset != a.vocab_offsets[id]) Bad(name, "vocabulary table offset mismatch");
    }
  }
  if (empty == 0) Bad(name, "vocabulary table full");
}

// Unigram child ranges tile the order-2 level (the levels themselves are
// guarded by clamping, see ngram_levels.h).
void CheckUnigrams(const NgramArrays& a, const std::string& name) {
  const NgramFileHeader& h = *a.header;
  const uint32_t V = h.vocab_size;
  const uint64_t children = h.order > 1 ? h.counts[1] : 0;
  if (a.unigrams[0].child_begin != 0 || a.unigrams[V].child_begin != children)
    Bad(name, "unigram child ranges do not cover the bigrams");
  for (uint32_t i = 0; i < V; ++i)
    if (a.unigrams[i + 1].child_begin < a.unigrams[i].child_begin) Bad(name, "unigram child ranges not increasing");
  // Directory ranges tile the directory (its entries are clamped when read).
  if (a.unigrams[0].dir_begin != 0 || a.unigrams[V].dir_begin != h.dir_entries) Bad(name, "bad directory size");
  for (uint32_t i = 0; i < V; ++i)
    if (a.unigrams[i + 1].dir_begin < a.unigrams[i].dir_begin) Bad(name, "directory ranges not increasing");
}

PackedLevel LevelView(const uint8_t* p, const NgramFileHeader& h, const NgramLayout& L, uint32_t k) {
  const LevelFormat& f = h.levels[k - 1];
  const bool highest = k == h.order;
  PackedLevel v;
  v.bits = p + L.level[k];
  v.record_bits = static_cast<uint64_t>(RecordBits(f, highest));
  v.word_mask = FieldMask(f.word_bits);
  v.prob_mask = FieldMask(f.prob_bits);
  v.backoff_mask = FieldMask(f.backoff_bits);
  v.child_mask = FieldMask(f.child_bits);
  v.state_mask = FieldMask(f.state_bits);
  v.prob_at = f.word_bits;
  v.backoff_at = v.prob_at + f.prob_bits;
  v.child_at = v.backoff_at + f.backoff_bits;
  v.state_at = v.child_at + f.child_bits;
  if (f.prob_bits != kRawFloatBits) v.prob_codebook = reinterpret_cast<const float*>(p + L.prob_codebook[k]);
  if (!highest && f.backoff_bits != kRawFloatBits)
    v.backoff_codebook = reinterpret_cast<const float*>(p + L.backoff_codebook[k]);
  // Codebooks are sorted by bit pattern, so +0.0 (all bits 0) can only be entry 0.
  if (!highest) {
    uint32_t first = 0;
    if (v.backoff_codebook != nullptr) std::memcpy(&first, v.backoff_codebook, 4);
    v.zero_backoff = first == 0 ? 0 : PackedLevel::kNone;
  }
  v.records = static_cast<uint32_t>(h.counts[k - 1]);
  v.child_limit = highest ? 0 : static_cast<uint32_t>(h.counts[k]);
  v.state_limit = static_cast<uint32_t>(L.contexts);
  return v;
}

}  // namespace

int RecordBits(const LevelFormat& f, bool highest) {
  return f.word_bits + f.prob_bits + (highest ? 0 : f.backoff_bits + f.child_bits) + f.state_bits;
}

NgramLayout ComputeLayout(const NgramFileHeader& h, const std::string& name) {
  if (h.order < 1 || h.order > kMaxOrder) Bad(name, "order " + std::to_string(h.order) + " out of range 1..6");
  if (h.vocab_size == 0 || h.vocab_size >= 0xFFFFFFF0u) Bad(name, "bad vocabulary size");
  if (h.table_bits < 4 || h.table_bits > 31) Bad(name, "bad vocabulary table size");
  if ((uint64_t{1} << h.table_bits) <= h.vocab_size) Bad(name, "vocabulary table too small");
  if (h.strings_bytes > 0xFFFFFFF0u) Bad(name, "vocabulary strings too large");
  if (h.counts[0] != h.vocab_size) Bad(name, "unigram count differs from vocabulary size");
  NgramLayout L{};
  uint64_t e = 0;
  for (uint32_t k = 0; k < kMaxOrder; ++k) {
    if (k >= h.order && h.counts[k] != 0) Bad(name, "counts beyond the model order");
    if (k < h.order && k > 0 && h.counts[k] == 0) Bad(name, "an order has no n-grams");
    if (h.counts[k] >= 0xFFFFFFF0u) Bad(name, "too many n-grams");
    L.order_begin[k] = e;
    e += h.counts[k];
  }
  L.order_begin[kMaxOrder] = e;
  if (e >= 0xFFFFFFF0u) Bad(name, "too many n-grams");
  L.entries = e;
  L.contexts = e - h.counts[h.order - 1];
  for (uint32_t k = 2; k <= h.order; ++k) CheckLevelFormat(h, k, name);

  const uint64_t V = h.vocab_size;
  uint64_t off = sizeof(NgramFileHeader);
  L.vocab_offsets = off; off = Align8(off + 4 * (V + 1));
  L.vocab_strings = off; off = Align8(off + h.strings_bytes);
  L.vocab_table = off;   off = Align8(off + sizeof(VocabSlot) * (uint64_t{1} << h.table_bits));
  L.unigrams = off;      off = Align8(off + sizeof(UnigramRecord) * (V + 1));
  L.directory = off;     off = Align8(off + sizeof(DirectoryEntry) * uint64_t{h.dir_entries});
  for (uint32_t k = 2; k <= h.order; ++k) {
    const LevelFormat& f = h.levels[k - 1];
    if (CodebookBytes(f.prob_bits) != 0) {
      L.prob_codebook[k] = off;
      off += CodebookBytes(f.prob_bits);
    }
    if (k < h.order && CodebookBytes(f.backoff_bits) != 0) {
      L.backoff_codebook[k] = off;
      off += CodebookBytes(f.backoff_bits);
    }
  }
  L.index_end = off;
  for (uint32_t k = 2; k <= h.order; ++k) {
    const bool highest = k == h.order;
    const uint64_t records = h.counts[k - 1] + (highest ? 0 : 1);
    const uint64_t bits = records * static_cast<uint64_t>(RecordBits(h.levels[k - 1], highest));
    L.level[k] = off;
    off = Align8(off + (bits + 7) / 8 + kBitArraySlackBytes);
  }
  L.total = off;
  return L;
}

NgramImage AllocateImage(size_t bytes, uint8_t** writable) {
  auto store = std::make_shared<std::vector<uint64_t>>((bytes + 7) / 8, 0);
  NgramImage img;
  img.data = reinterpret_cast<const uint8_t*>(store->data());
  img.size = bytes;
  *writable = reinterpret_cast<uint8_t*>(store->data());
  img.owner = std::move(store);
  return img;
}

uint64_t ImageChecksum(const uint8_t* data, size_t size) {
  // Four independent lanes keep the multiplies pipelined (~several GB/s),
  // so verifying the 36 MB default LM costs a few milliseconds.
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t a = 1, b = 2, c = 3, d = 4;
  size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    uint64_t x[4];
    std::memcpy(x, data + i, 32);
    a = (a ^ x[0]) * kMul; a ^= a >> 31;
    b = (b ^ x[1]) * kMul; b ^= b >> 31;
    c = (c ^ x[2]) * kMul; c ^= c >> 31;
    d = (d ^ x[3]) * kMul; d ^= d >> 31;
  }
  uint64_t h = a ^ (b * 3) ^ (c * 5) ^ (d * 7) ^ size;
  for (; i < size; ++i) h = (h ^ data[i]) * kMul;
  h ^= h >> 33;
  h *= 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 29;
  return h;
}

uint64_t HeaderChecksum(const NgramFileHeader& h) {
  NgramFileHeader copy = h;
  copy.header_checksum = 0;
  return ImageChecksum(reinterpret_cast<const uint8_t*>(&copy), sizeof(copy));
}

bool LooksLikeNgramBinary(const uint8_t* data, size_t size) {
  return size >= sizeof(kNgramMagic) && std::memcmp(data, kNgramMagic, sizeof(kNgramMagic)) == 0;
}

NgramArrays OpenImage(const NgramImage& image, const std::string& name, bool verify_checksum) {
  if (image.size < sizeof(NgramFileHeader)) Bad(name, "file is shorter than the header");
  if (reinterpret_cast<uintptr_t>(image.data) % 8 != 0) Bad(name, "image is not aligned");
  NgramFileHeader h;
  std::memcpy(&h, image.data, sizeof(h));
  if (std::memcmp(h.magic, kNgramMagic, sizeof(kNgramMagic)) != 0) Bad(name, "bad magic");
  if (h.version != kNgramFormatVersion)
    Bad(name, "unsupported version " + std::to_string(h.version) + " (expected " +
                  std::to_string(kNgramFormatVersion) + ")");
  if (h.header_bytes != sizeof(NgramFileHeader)) Bad(name, "bad header size");
  if (HeaderChecksum(h) != h.header_checksum) Bad(name, "header checksum mismatch");
  if (h.file_bytes != image.size)
    Bad(name, "file has " + std::to_string(image.size) + " bytes but the header says " +
                  std::to_string(h.file_bytes) + " (truncated?)");
  const NgramLayout L = ComputeLayout(h, name);
  if (L.total != image.size) Bad(name, "section sizes do not add up to the file size");
  const uint8_t* p = image.data;
  if (ImageChecksum(p + sizeof(NgramFileHeader), L.index_end - sizeof(NgramFileHeader)) != h.index_checksum)
    Bad(name, "checksum mismatch in the vocabulary, unigrams or codebooks");
  if (verify_checksum && ImageChecksum(p + sizeof(NgramFileHeader), image.size - sizeof(NgramFileHeader)) != h.checksum)
    Bad(name, "checksum mismatch");

  NgramArrays a;
  a.header = reinterpret_cast<const NgramFileHeader*>(p);
  a.vocab_offsets = reinterpret_cast<const uint32_t*>(p + L.vocab_offsets);
  a.vocab_strings = reinterpret_cast<const char*>(p + L.vocab_strings);
  a.vocab_table = reinterpret_cast<const VocabSlot*>(p + L.vocab_table);
  a.unigrams = reinterpret_cast<const UnigramRecord*>(p + L.unigrams);
  a.directory = reinterpret_cast<const DirectoryEntry*>(p + L.directory);
  for (uint32_t k = 2; k <= h.order; ++k) a.levels[k] = LevelView(p, h, L, k);
  a.layout = L;
  CheckVocabulary(a, name);
  CheckUnigrams(a, name);
  return a;
}

}  // namespace asr::lm
