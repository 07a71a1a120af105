#include "lm/sphinx_lm_bin_reader.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "common/error.h"
#include "common/utf8.h"
#include "lm/bit_packing.h"
#include "lm/mapped_file.h"
#include "lm/ngram_binary_format.h"

namespace asr::lm {

namespace {

// Sphinx stores log values in base 1.0001.
const double kLnBase = std::log(1.0001);
constexpr uint64_t kQuantEntries = uint64_t{1} << 16;  // 16-bit bins for prob and back-off
constexpr int kMiddleQuantBits = 32;                    // back-off (low 16) then prob (high 16)
constexpr int kLongestQuantBits = 16;

[[noreturn]] void Bad(const std::string& name, const std::string& what) {
  throw FormatError(name + ": bad Sphinx lm.bin: " + what);
}

// Bounds-checked little-endian cursor over the file.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size, const std::string& name) : d_(data), n_(size), name_(name) {}
  const uint8_t* Take(uint64_t bytes, const char* what) {
    if (bytes > n_ - pos_) Bad(name_, std::string("file truncated while reading ") + what);
    const uint8_t* p = d_ + pos_;
    pos_ += bytes;
    return p;
  }
  uint32_t U32(const char* what) {
    uint32_t v;
    std::memcpy(&v, Take(4, what), 4);
    return v;
  }
  uint8_t U8(const char* what) { return *Take(1, what); }

 private:
  const uint8_t* d_;
  size_t n_;
  size_t pos_ = 0;
  const std::string& name_;
};

// One level of bit-packed trie records.
struct Level {
  const uint8_t* mem = nullptr;
  uint64_t bytes = 0;
  uint64_t records = 0;  // n-grams at this level (middle levels add a sentinel record)
  int word_bits = 0, quant_bits = 0, next_bits = 0, total_bits = 0;

  // Reads `bits` (<= 57) bits at bit offset `off`; the region carries 8 bytes
  // of slack after the last record, and we check anyway.
  uint64_t Bits(uint64_t off, int bits, const std::string& name) const {
    uint64_t byte = off >> 3;
    if (byte + 8 > bytes) Bad(name, "record outside its trie level");
    uint64_t v;
    std::memcpy(&v, mem + byte, 8);
    return (v >> (off & 7)) & ((uint64_t{1} << bits) - 1);
  }
  uint32_t Word(uint64_t i, const std::string& name) const {
    return static_cast<uint32_t>(Bits(i * total_bits, word_bits, name));
  }
  uint32_t QuantField(uint64_t i, int shift, const std::string& name) const {
    return static_cast<uint32_t>(Bits(i * total_bits + word_bits + shift, 16, name));
  }
  uint32_t Next(uint64_t i, const std::string& name) const {
    return static_cast<uint32_t>(Bits(i * total_bits + word_bits + quant_bits, next_bits, name));
  }
};

struct Walker {
  const std::string& name;
  int order;
  std::vector<Level> levels;             // levels[k] holds order k+2
  std::vector<const float*> prob_bins;   // per order 2..N
  std::vector<const float*> bo_bins;     // per order 2..N-1
  std::vector<uint64_t> expect;          // next record each level must visit
  NgramSet* set;
  uint32_t vocab;

  // Records under one node cover [begin, end) of level `li` (order li+2);
  // `rev` holds the n-gram newest word first.
  void Walk(int li, uint64_t begin, uint64_t end, uint32_t* rev, int depth) {
    const Level& L = levels[li];
    // A depth-first walk meets each level's records in file order, so the
    // ranges must tile the level; this also bounds the output by the counts.
    if (begin != expect[li] || end < begin || end > L.records) Bad(name, "inconsistent child pointers in the trie");
    expect[li] = end;
    const int k = li + 2;
    const bool longest = k == order;
    NgramList& out = set->lists[k - 1];
    for (uint64_t i = begin; i < end; ++i) {
      uint32_t w = L.Word(i, name);
      if (w >= vocab) Bad(name, "word id out of range");
      rev[depth] = w;
      float prob, bo = 0.0f;
      if (longest) {
        prob = prob_bins[li][L.QuantField(i, 0, name)];
      } else {
        bo = bo_bins[li][L.QuantField(i, 0, name)];
        prob = prob_bins[li][L.QuantField(i, 16, name)];
      }
      for (int j = depth; j >= 0; --j) out.words.push_back(rev[j]);
      out.prob.push_back(static_cast<float>(prob * kLnBase));
      out.backoff.push_back(static_cast<float>(bo * kLnBase));
      if (!longest) {
        uint64_t b = L.Next(i, name), e = L.Next(i + 1, name);
        if (b != e) Walk(li + 1, b, e, rev, depth + 1);
      }
    }
  }
};

}  // namespace

bool LooksLikeSphinxLmBin(const uint8_t* data, size_t size) {
  const size_t n = sizeof(kSphinxTrieMagic) - 1;
  return size >= n && std::memcmp(data, kSphinxTrieMagic, n) == 0;
}

NgramSet ParseSphinxLmBin(const uint8_t* data, size_t size, const std::string& name) {
  if (!LooksLikeSphinxLmBin(data, size)) Bad(name, "missing 'Trie Language Model' header");
  Cursor cur(data, size, name);
  cur.Take(sizeof(kSphinxTrieMagic) - 1, "header");
  const int N = cur.U8("the order");
  if (N < 1 || N > kMaxOrder) Bad(name, "order " + std::to_string(N) + " is outside 1..6");
  std::vector<uint64_t> counts(N);
  for (int k = 0; k < N; ++k) {
    counts[k] = cur.U32("n-gram counts");
    if (counts[k] >= (uint64_t{1} << 25) && k > 0) Bad(name, "too many n-grams for the Sphinx trie");
  }
  if (counts[0] == 0 || counts[0] >= (uint64_t{1} << 25)) Bad(name, "bad unigram count");
  for (int k = 1; k < N; ++k)
    if (counts[k] == 0) Bad(name, "no " + std::to_string(k + 1) + "-grams although the order is " + std::to_string(N));

  NgramSet set;
  set.source = name;
  set.lists.resize(N);
  set.declared_counts = counts;
  for (int k = 0; k < N; ++k) set.lists[k].order = k + 1;

  std::vector<float> bins;
  Walker walker{name, N, {}, {}, {}, {}, &set, static_cast<uint32_t>(counts[0])};
  if (N > 1) {
    cur.U32("the quantizer type");
    // Per middle order a prob table then a back-off table, then the longest
    // order's prob table.
    const uint64_t nvalues = static_cast<uint64_t>(N - 2) * 2 * kQuantEntries + kQuantEntries;
    const uint8_t* q = cur.Take(nvalues * 4, "quantization tables");
    // Copy out: the file offset is not float-aligned in general.
    bins.resize(nvalues);
    std::memcpy(bins.data(), q, nvalues * 4);
    for (int k = 2; k < N; ++k) {
      walker.prob_bins.push_back(bins.data() + (k - 2) * 2 * kQuantEntries);
      walker.bo_bins.push_back(bins.data() + (k - 2) * 2 * kQuantEntries + kQuantEntries);
    }
    walker.prob_bins.push_back(bins.data() + (N - 2) * 2 * kQuantEntries);
    walker.bo_bins.push_back(nullptr);
  }

  // Unigrams: prob, back-off, index of the first bigram record (+ sentinel).
  const uint64_t V = counts[0];
  const uint8_t* ug = cur.Take((V + 1) * 12, "unigrams");
  NgramList& uni = set.lists[0];
  uni.prob.resize(V);
  uni.backoff.resize(V);
  std::vector<uint32_t> uni_next(V + 1);
  for (uint64_t i = 0; i <= V; ++i) {
    float p, b;
    std::memcpy(&p, ug + 12 * i, 4);
    std::memcpy(&b, ug + 12 * i + 4, 4);
    std::memcpy(&uni_next[i], ug + 12 * i + 8, 4);
    if (i < V) {
      uni.prob[i] = static_cast<float>(p * kLnBase);
      uni.backoff[i] = N > 1 ? static_cast<float>(b * kLnBase) : 0.0f;
    }
  }

  // Bit-packed levels, sized exactly as Sphinx sizes them.
  const int word_bits = RequiredBits(V);
  for (int k = 2; k <= N; ++k) {
    Level L;
    L.word_bits = word_bits;
    const bool longest = k == N;
    L.quant_bits = longest ? kLongestQuantBits : kMiddleQuantBits;
    L.next_bits = longest ? 0 : RequiredBits(counts[k]);
    L.total_bits = L.word_bits + L.quant_bits + L.next_bits;
    L.records = counts[k - 1];
    L.bytes = ((1 + counts[k - 1]) * static_cast<uint64_t>(L.total_bits) + 7) / 8 + 8;
    walker.levels.push_back(L);
  }
  for (auto& L : walker.levels) L.mem = cur.Take(L.bytes, "the n-gram trie");
  walker.expect.assign(walker.levels.size(), 0);

  // Word strings: a byte count, then NUL-terminated words in id order.
  const uint32_t k = cur.U32("the word-string size");
  const char* words = reinterpret_cast<const char*>(cur.Take(k, "word strings"));
  set.vocab.reserve(V);
  size_t start = 0;
  for (size_t i = 0; i < k; ++i) {
    if (words[i] != '\0') continue;
    if (set.vocab.size() == V) Bad(name, "more word strings than unigrams");
    if (!IsValidUtf8(std::string_view(words + start, i - start)))
      Bad(name, "word " + std::to_string(set.vocab.size()) + " is not valid UTF-8");
    set.vocab.emplace_back(words + start, i - start);
    start = i + 1;
  }
  if (start != k || set.vocab.size() != V)
    Bad(name, std::to_string(set.vocab.size()) + " word strings for " + std::to_string(V) + " unigrams");

  if (N > 1) {
    for (uint64_t i = 0; i < V; ++i)
      if (uni_next[i + 1] < uni_next[i]) Bad(name, "unigram child pointers not increasing");
    // Sphinx sizes each level by an upper bound (lm_trie_fix_counts) but may
    // fill fewer records, so the header counts can exceed the real ones; the
    // real count of each level is the child pointer of the level above's
    // sentinel record.
    if (uni_next[V] > counts[1]) Bad(name, "unigram child pointers run past the bigrams");
    walker.levels[0].records = uni_next[V];
    for (int kk = 2; kk < N; ++kk) {
      Level& L = walker.levels[kk - 2];
      uint64_t below = L.Next(L.records, name);
      if (below > counts[kk]) Bad(name, "child pointers run past the " + std::to_string(kk + 1) + "-grams");
      walker.levels[kk - 1].records = below;
    }
    for (int kk = 2; kk <= N; ++kk) {
      set.lists[kk - 1].words.reserve(counts[kk - 1] * kk);
      set.lists[kk - 1].prob.reserve(counts[kk - 1]);
      set.lists[kk - 1].backoff.reserve(counts[kk - 1]);
    }
    uint32_t rev[kMaxOrder];
    for (uint64_t w = 0; w < V; ++w) {
      rev[0] = static_cast<uint32_t>(w);
      if (uni_next[w] != uni_next[w + 1]) walker.Walk(0, uni_next[w], uni_next[w + 1], rev, 1);
    }
    for (int kk = 2; kk <= N; ++kk)
      if (walker.expect[kk - 2] != walker.levels[kk - 2].records)
        Bad(name, "unreachable records in the " + std::to_string(kk) + "-gram level");
  }
  return set;
}

NgramSet ReadSphinxLmBinFile(const std::string& path) {
  MappedFile f = MapFile(path);
  return ParseSphinxLmBin(f.data, f.size, path);
}

}  // namespace asr::lm
