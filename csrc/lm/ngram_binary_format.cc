#include "lm/ngram_binary_format.h"

#include <cstring>
#include <vector>

#include "common/error.h"

namespace asr::lm {

namespace {

uint64_t Align8(uint64_t x) { return (x + 7) & ~uint64_t{7}; }

[[noreturn]] void Bad(const std::string& name, const std::string& what) {
  throw FormatError(name + ": corrupt n-gram binary: " + what);
}

}  // namespace

NgramLayout ComputeLayout(const NgramFileHeader& h, const std::string& name) {
  if (h.order < 1 || h.order > kMaxOrder) Bad(name, "order " + std::to_string(h.order) + " out of range 1..6");
  if (h.vocab_size == 0 || h.vocab_size >= 0xFFFFFFF0u) Bad(name, "bad vocabulary size");
  if (h.table_bits < 4 || h.table_bits > 31) Bad(name, "bad vocabulary table size");
  if ((uint64_t{1} << h.table_bits) <= h.vocab_size) Bad(name, "vocabulary table too small");
  if (h.strings_bytes > 0xFFFFFFF0u) Bad(name, "vocabulary strings too large");
  if (h.ngram_table_bits < 4 || h.ngram_table_bits > 32) Bad(name, "bad n-gram table size");
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
  const uint64_t V = h.vocab_size, E = L.entries, C = L.contexts;
  uint64_t off = sizeof(NgramFileHeader);
  L.vocab_offsets = off; off = Align8(off + 4 * (V + 1));
  L.vocab_strings = off; off = Align8(off + h.strings_bytes);
  L.vocab_table = off;   off = Align8(off + sizeof(VocabSlot) * (uint64_t{1} << h.table_bits));
  L.entry_word = off;    off = Align8(off + 4 * E);
  L.entry_value = off;   off = Align8(off + sizeof(EntryValue) * E);
  L.contexts_at = off;   off = Align8(off + sizeof(ContextRecord) * (C + 1));
  L.ngram_table = off;   off = Align8(off + 4 * (uint64_t{1} << h.ngram_table_bits));
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
  // so verifying the 70 MB default LM costs a few tens of milliseconds.
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

bool LooksLikeNgramBinary(const uint8_t* data, size_t size) {
  return size >= sizeof(kNgramMagic) && std::memcmp(data, kNgramMagic, sizeof(kNgramMagic)) == 0;
}

NgramArrays ValidateImage(const NgramImage& image, const std::string& name, bool verify_checksum) {
  if (image.size < sizeof(NgramFileHeader)) Bad(name, "file is shorter than the header");
  if (reinterpret_cast<uintptr_t>(image.data) % 8 != 0) Bad(name, "image is not aligned");
  NgramFileHeader h;
  std::memcpy(&h, image.data, sizeof(h));
  if (std::memcmp(h.magic, kNgramMagic, sizeof(kNgramMagic)) != 0) Bad(name, "bad magic");
  if (h.version != kNgramFormatVersion)
    Bad(name, "unsupported version " + std::to_string(h.version) + " (expected " +
                  std::to_string(kNgramFormatVersion) + ")");
  if (h.header_bytes != sizeof(NgramFileHeader)) Bad(name, "bad header size");
  if (h.file_bytes != image.size)
    Bad(name, "file has " + std::to_string(image.size) + " bytes but the header says " +
                  std::to_string(h.file_bytes) + " (truncated?)");
  NgramLayout L = ComputeLayout(h, name);
  if (L.total != image.size) Bad(name, "array sizes do not add up to the file size");
  if (verify_checksum &&
      ImageChecksum(image.data + sizeof(NgramFileHeader), image.size - sizeof(NgramFileHeader)) != h.checksum)
    Bad(name, "checksum mismatch");

  NgramArrays a;
  const uint8_t* p = image.data;
  a.header = reinterpret_cast<const NgramFileHeader*>(p);
  a.vocab_offsets = reinterpret_cast<const uint32_t*>(p + L.vocab_offsets);
  a.vocab_strings = reinterpret_cast<const char*>(p + L.vocab_strings);
  a.vocab_table = reinterpret_cast<const VocabSlot*>(p + L.vocab_table);
  a.entry_word = reinterpret_cast<const uint32_t*>(p + L.entry_word);
  a.entry_value = reinterpret_cast<const EntryValue*>(p + L.entry_value);
  a.contexts = reinterpret_cast<const ContextRecord*>(p + L.contexts_at);
  a.ngram_table = reinterpret_cast<const uint32_t*>(p + L.ngram_table);
  a.layout = L;

  const uint32_t V = h.vocab_size;
  const uint64_t E = L.entries, C = L.contexts;
  // Vocabulary.
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
  // Entries: unigram entry i must be word i (the root indexes them directly).
  for (uint32_t i = 0; i < V; ++i)
    if (a.entry_word[i] != i) Bad(name, "unigram entries out of order");
  for (uint64_t e = V; e < E; ++e)
    if (a.entry_word[e] >= V) Bad(name, "word id out of range");
  for (uint64_t e = 0; e < E; ++e)
    if (a.entry_value[e].next > C) Bad(name, "successor state out of range");
  // Contexts: children of order-k contexts tile the order-(k+1) entries, and
  // back-off goes to a strictly shorter context (so back-off chains end).
  const ContextRecord* ctx = a.contexts;
  for (uint32_t k = 0; k + 1 < h.order; ++k) {
    const uint64_t b = L.order_begin[k], e = L.order_begin[k + 1];
    if (ctx[b].child_begin != L.order_begin[k + 1]) Bad(name, "child ranges do not start at the next order");
    for (uint64_t c = b; c < e; ++c) {
      if (ctx[c + 1].child_begin < ctx[c].child_begin) Bad(name, "child ranges not increasing");
      uint32_t s = ctx[c].backoff_state;
      if (s != 0 && (s - 1 >= L.order_begin[k])) Bad(name, "back-off state is not a shorter context");
    }
  }
  if (ctx[C].child_begin != E) Bad(name, "child ranges do not end at the last entry");
  // N-gram table: every slot empty or naming an entry; at least one empty
  // slot so that probing ends. Lookups verify word and parent of the entry.
  const uint64_t nslots = uint64_t{1} << h.ngram_table_bits;
  const uint32_t emask = static_cast<uint32_t>((uint64_t{1} << EntryBits(E)) - 1);
  uint64_t free_slots = 0;
  for (uint64_t i = 0; i < nslots; ++i) {
    const uint32_t v = a.ngram_table[i];
    if (v == 0) {
      ++free_slots;
    } else if ((v & emask) == 0 || (v & emask) > E) {
      Bad(name, "n-gram table entry out of range");
    }
  }
  if (free_slots == 0) Bad(name, "n-gram table full");
  return a;
}

}  // namespace asr::lm
