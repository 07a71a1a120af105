#include "lm/ngram_image_writer.h"

#include <algorithm>
#include <cstring>

#include "common/error.h"
#include "lm/bit_packing.h"
#include "lm/vocabulary.h"

namespace asr::lm {

namespace {

constexpr int kMaxCodebookBits = 24;
constexpr int kRawFloatBits = 32;

uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// How one value field (probabilities or back-offs of one order) is stored:
// the exact distinct values as a codebook when that is smaller than raw
// floats, so quantized sources (lm.bin) shrink and ARPA values stay exact.
struct ValueCoding {
  int bits = kRawFloatBits;
  std::vector<uint32_t> values;  // distinct float bit patterns, sorted (codebook mode)

  static ValueCoding Choose(const float* v, size_t n) {
    ValueCoding c;
    std::vector<uint32_t> u(n);
    for (size_t i = 0; i < n; ++i) u[i] = FloatBits(v[i]);
    std::sort(u.begin(), u.end());
    u.erase(std::unique(u.begin(), u.end()), u.end());
    const int bits = RequiredBits(u.empty() ? 0 : u.size() - 1);
    const uint64_t coded = (n * static_cast<uint64_t>(bits) + 7) / 8 + (uint64_t{4} << bits);
    if (bits <= kMaxCodebookBits && coded < 4 * static_cast<uint64_t>(n)) {
      c.bits = bits;
      c.values = std::move(u);
    }
    return c;
  }
  uint32_t Encode(float f) const {
    const uint32_t u = FloatBits(f);
    if (bits == kRawFloatBits) return u;
    return static_cast<uint32_t>(std::lower_bound(values.begin(), values.end(), u) - values.begin());
  }
  // 2^bits floats: the distinct values, padded so any index is in range.
  void WriteCodebook(uint8_t* at) const {
    if (bits == kRawFloatBits) return;
    const size_t n = size_t{1} << bits;
    for (size_t i = 0; i < n; ++i) std::memcpy(at + 4 * i, &values[std::min(i, values.size() - 1)], 4);
  }
};

void WriteVocabulary(const NgramTables& t, const NgramFileHeader& h, const NgramLayout& L, uint8_t* p) {
  auto* offsets = reinterpret_cast<uint32_t*>(p + L.vocab_offsets);
  char* strings = reinterpret_cast<char*>(p + L.vocab_strings);
  uint32_t pos = 0;
  for (size_t i = 0; i < t.vocab.size(); ++i) {
    offsets[i] = pos;
    std::memcpy(strings + pos, t.vocab[i].data(), t.vocab[i].size());
    pos += static_cast<uint32_t>(t.vocab[i].size());
  }
  offsets[t.vocab.size()] = pos;
  Vocabulary::FillTable(t.vocab, h.table_bits, reinterpret_cast<VocabSlot*>(p + L.vocab_table));
}

// Bucket directories of the unigram contexts with many children (see
// UnigramRecord): entries, and each unigram's first entry (V+1 values).
struct Directory {
  std::vector<DirectoryEntry> entries;
  std::vector<uint32_t> begin;

  explicit Directory(const NgramTables& t) {
    const uint32_t V = static_cast<uint32_t>(t.counts[0]);
    const uint64_t scale = DirectoryScale(V);
    begin.reserve(V + 1);
    for (uint32_t u = 0; u < V; ++u) {
      begin.push_back(static_cast<uint32_t>(entries.size()));
      if (t.order() == 1) continue;
      const uint32_t first = t.child_begin[u], n = t.child_begin[u + 1] - first;
      if (n == 0) continue;
      const uint32_t buckets = (n + kChildrenPerBucket - 1) / kChildrenPerBucket;
      uint32_t i = 0;
      for (uint32_t b = 0; b < buckets; ++b) {
        DirectoryEntry d{i, 0};
        for (; i < n && DirectoryBucket(t.word[first + i], buckets, scale) == b; ++i)
          d.words_mask |= uint32_t{1} << (t.word[first + i] % 32);
        entries.push_back(d);
      }
      entries.push_back(DirectoryEntry{n, 0});
    }
    begin.push_back(static_cast<uint32_t>(entries.size()));
  }
};

void WriteUnigrams(const NgramTables& t, const Directory& dir, const NgramLayout& L, uint8_t* p) {
  auto* u = reinterpret_cast<UnigramRecord*>(p + L.unigrams);
  const uint64_t V = t.counts[0];
  const bool contexts = t.order() > 1;
  const uint32_t base = static_cast<uint32_t>(L.order_begin[1]);
  for (uint64_t w = 0; w <= V; ++w) {
    u[w].prob = w < V ? t.prob[w] : 0.0f;
    u[w].backoff = contexts && w < V ? t.backoff[w] : 0.0f;
    u[w].child_begin = contexts ? t.child_begin[w] - base : 0;
    u[w].dir_begin = dir.begin[w];
  }
  if (!dir.entries.empty()) std::memcpy(p + L.directory, dir.entries.data(), sizeof(DirectoryEntry) * dir.entries.size());
}

// Records of order k: entries [first, first + count) plus, below the highest
// order, a sentinel that carries the end of the last child range.
void WriteLevel(const NgramTables& t, const NgramFileHeader& h, const NgramLayout& L, uint32_t k,
                const ValueCoding& prob, const ValueCoding& backoff, uint8_t* p) {
  const LevelFormat& f = h.levels[k - 1];
  const bool highest = k == h.order;
  const uint64_t record_bits = static_cast<uint64_t>(RecordBits(f, highest));
  const uint64_t first = L.order_begin[k - 1], count = h.counts[k - 1];
  const uint64_t child_base = highest ? 0 : L.order_begin[k];
  uint8_t* bits = p + L.level[k];
  for (uint64_t i = 0; i <= count; ++i) {
    const bool sentinel = i == count;
    if (sentinel && highest) break;
    const uint64_t e = first + i;
    uint64_t at = i * record_bits;
    WriteBits(bits, at, f.word_bits, sentinel ? 0 : t.word[e]);
    at += f.word_bits;
    WriteBits(bits, at, f.prob_bits, sentinel ? 0 : prob.Encode(t.prob[e]));
    at += f.prob_bits;
    if (!highest) {
      WriteBits(bits, at, f.backoff_bits, sentinel ? 0 : backoff.Encode(t.backoff[e]));
      at += f.backoff_bits;
      WriteBits(bits, at, f.child_bits, t.child_begin[e] - child_base);
      at += f.child_bits;
    }
    const uint64_t state = sentinel ? 0 : highest ? t.next[e] : t.backoff_state[e];
    WriteBits(bits, at, f.state_bits, state);
  }
}

}  // namespace

NgramImage WriteNgramImage(const NgramTables& t, const std::string& source) {
  const int N = t.order();
  NgramFileHeader h;
  std::memset(&h, 0, sizeof(h));
  std::memcpy(h.magic, kNgramMagic, sizeof(kNgramMagic));
  h.version = kNgramFormatVersion;
  h.header_bytes = sizeof(NgramFileHeader);
  h.order = static_cast<uint32_t>(N);
  h.vocab_size = static_cast<uint32_t>(t.vocab.size());
  h.table_bits = Vocabulary::TableBitsFor(h.vocab_size);
  for (const auto& w : t.vocab) h.strings_bytes += w.size();
  uint64_t entries = 0;
  for (int k = 0; k < N; ++k) {
    h.counts[k] = t.counts[k];
    h.declared_counts[k] = t.declared_counts[k];
    entries += t.counts[k];
  }
  const uint64_t contexts = entries - t.counts[N - 1];

  std::vector<ValueCoding> prob(N + 1), backoff(N + 1);
  uint64_t first = t.counts[0];
  for (int k = 2; k <= N; ++k) {
    const uint64_t n = t.counts[k - 1];
    const bool highest = k == N;
    prob[k] = ValueCoding::Choose(t.prob.data() + first, n);
    if (!highest) backoff[k] = ValueCoding::Choose(t.backoff.data() + first, n);
    LevelFormat& f = h.levels[k - 1];
    f.word_bits = static_cast<uint8_t>(std::max(1, RequiredBits(h.vocab_size - 1)));
    f.prob_bits = static_cast<uint8_t>(prob[k].bits);
    if (!highest) {
      f.backoff_bits = static_cast<uint8_t>(backoff[k].bits);
      f.child_bits = static_cast<uint8_t>(std::max(1, RequiredBits(t.counts[k])));
    }
    // States run 0..contexts. Order-2 contexts need no back-off state.
    if (highest || k >= 3) f.state_bits = static_cast<uint8_t>(std::max(1, RequiredBits(contexts)));
    first += n;
  }

  const Directory dir(t);
  if (dir.entries.size() >= 0xFFFFFFF0u) throw FormatError(source + ": n-gram directory too large");
  h.dir_entries = static_cast<uint32_t>(dir.entries.size());

  const NgramLayout L = ComputeLayout(h, source);
  h.file_bytes = L.total;
  uint8_t* p = nullptr;
  NgramImage image = AllocateImage(L.total, &p);
  WriteVocabulary(t, h, L, p);
  WriteUnigrams(t, dir, L, p);
  for (int k = 2; k <= N; ++k) {
    prob[k].WriteCodebook(p + L.prob_codebook[k]);
    if (k < N) backoff[k].WriteCodebook(p + L.backoff_codebook[k]);
    WriteLevel(t, h, L, static_cast<uint32_t>(k), prob[k], backoff[k], p);
  }
  h.index_checksum = ImageChecksum(p + sizeof(NgramFileHeader), L.index_end - sizeof(NgramFileHeader));
  h.checksum = ImageChecksum(p + sizeof(NgramFileHeader), L.total - sizeof(NgramFileHeader));
  h.header_checksum = HeaderChecksum(h);
  std::memcpy(p, &h, sizeof(h));
  return image;
}

}  // namespace asr::lm
