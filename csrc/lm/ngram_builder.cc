#include "lm/ngram_builder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "common/error.h"
#include "lm/vocabulary.h"

namespace asr::lm {

namespace {

constexpr uint32_t kNone = 0xFFFFFFFFu;
// KenLM gives an absent <unk> log10 probability -100; we do the same for the
// sentence markers so that every model can score every sentence.
constexpr float kMissingWordLn = static_cast<float>(-100.0 * 2.302585092994046);

int Compare(const WordId* a, const WordId* b, int n) {
  for (int i = 0; i < n; ++i)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

std::string NgramText(const NgramSet& set, const WordId* w, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += set.vocab[w[i]];
  }
  return s;
}

template <typename T>
void Permute(std::vector<T>& v, const std::vector<uint32_t>& perm, size_t width) {
  if (v.empty()) return;
  std::vector<T> out(v.size());
  for (size_t i = 0; i < perm.size(); ++i)
    std::memcpy(&out[i * width], &v[static_cast<size_t>(perm[i]) * width], width * sizeof(T));
  v.swap(out);
}

void SortAndCheck(NgramSet& set, NgramList& l) {
  const int k = l.order;
  const size_t n = l.size();
  bool sorted = true;
  for (size_t i = 1; i < n && sorted; ++i) sorted = Compare(l.at(i - 1), l.at(i), k) < 0;
  if (!sorted) {
    std::vector<uint32_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0u);
    std::sort(perm.begin(), perm.end(), [&](uint32_t a, uint32_t b) {
      int c = Compare(l.at(a), l.at(b), k);
      // Ties keep file order so a duplicate is reported at its later line.
      return c != 0 ? c < 0 : a < b;
    });
    Permute(l.words, perm, static_cast<size_t>(k));
    Permute(l.prob, perm, 1);
    Permute(l.backoff, perm, 1);
    Permute(l.line, perm, 1);
  }
  for (size_t i = 1; i < n; ++i) {
    if (Compare(l.at(i - 1), l.at(i), k) == 0) {
      std::string where = l.line.empty() ? "" : " (lines " + std::to_string(l.line[i - 1]) + " and " +
                                                     std::to_string(l.line[i]) + ")";
      throw FormatError(set.source + ": duplicate " + std::to_string(k) + "-gram '" +
                        NgramText(set, l.at(i), k) + "'" + where);
    }
  }
}

// Adds, as blanks, the prefixes of `upper` n-grams that `lower` lacks, so
// every n-gram hangs under its context. Both lists are sorted.
void InsertBlanks(NgramList& lower, const NgramList& upper) {
  const int k = lower.order;
  std::vector<WordId> missing;
  size_t j = 0;
  for (size_t i = 0; i < upper.size(); ++i) {
    const WordId* p = upper.at(i);
    while (j < lower.size() && Compare(lower.at(j), p, k) < 0) ++j;
    if (j < lower.size() && Compare(lower.at(j), p, k) == 0) continue;
    if (!missing.empty() && Compare(&missing[missing.size() - k], p, k) == 0) continue;
    missing.insert(missing.end(), p, p + k);
  }
  if (missing.empty()) return;
  const size_t nm = missing.size() / k, n = lower.size();
  NgramList out;
  out.order = k;
  out.words.reserve((n + nm) * k);
  out.prob.reserve(n + nm);
  out.backoff.reserve(n + nm);
  const bool lines = !lower.line.empty();
  size_t a = 0, b = 0;
  while (a < n || b < nm) {
    bool take_old = b == nm || (a < n && Compare(lower.at(a), &missing[b * k], k) < 0);
    if (take_old) {
      out.words.insert(out.words.end(), lower.at(a), lower.at(a) + k);
      out.prob.push_back(lower.prob[a]);
      out.backoff.push_back(lower.backoff[a]);
      if (lines) out.line.push_back(lower.line[a]);
      ++a;
    } else {
      out.words.insert(out.words.end(), &missing[b * k], &missing[b * k] + k);
      out.prob.push_back(std::numeric_limits<float>::quiet_NaN());  // filled in later
      out.backoff.push_back(0.0f);
      if (lines) out.line.push_back(0);
      ++b;
    }
  }
  lower = std::move(out);
}

// Writable views of the image arrays while building.
struct Arrays {
  uint32_t* entry_word;
  EntryValue* value;
  ContextRecord* ctx;
  uint64_t contexts;

  uint32_t FindChild(uint32_t c, WordId w) const {
    const uint32_t* b = entry_word + ctx[c].child_begin;
    const uint32_t* e = entry_word + ctx[c + 1].child_begin;
    const uint32_t* it = std::lower_bound(b, e, w);
    return (it != e && *it == w) ? static_cast<uint32_t>(it - entry_word) : kNone;
  }
  // The entry for words[0..len), or kNone.
  uint32_t Find(const WordId* words, int len) const {
    uint32_t e = words[0];
    for (int i = 1; i < len; ++i) {
      if (e >= contexts) return kNone;
      e = FindChild(e, words[i]);
      if (e == kNone) return kNone;
    }
    return e;
  }
};

}  // namespace

NgramImage BuildNgramImage(NgramSet& set) {
  const int N = static_cast<int>(set.lists.size());
  if (N < 1 || N > kMaxOrder)
    throw FormatError(set.source + ": n-gram order " + std::to_string(N) + " is outside 1..6");
  NgramList& uni = set.lists[0];
  uni.order = 1;
  if (uni.prob.size() != set.vocab.size() || uni.backoff.size() != uni.prob.size())
    throw InvalidArgument(set.source + ": unigram table does not match the vocabulary");
  for (const char* special : {"<unk>", "<s>", "</s>"}) {
    if (std::find(set.vocab.begin(), set.vocab.end(), special) != set.vocab.end()) continue;
    set.vocab.emplace_back(special);
    uni.prob.push_back(kMissingWordLn);
    uni.backoff.push_back(0.0f);
    if (!uni.line.empty()) uni.line.push_back(0);
  }
  if (set.vocab.size() >= 0xFFFFFFF0u) throw FormatError(set.source + ": vocabulary too large");
  const uint32_t V = static_cast<uint32_t>(set.vocab.size());
  uni.words.resize(V);
  std::iota(uni.words.begin(), uni.words.end(), 0u);
  for (int k = 2; k <= N; ++k) {
    NgramList& l = set.lists[k - 1];
    l.order = k;
    if (l.words.size() != l.prob.size() * k || l.backoff.size() != l.prob.size() ||
        (!l.line.empty() && l.line.size() != l.prob.size()))
      throw InvalidArgument(set.source + ": inconsistent " + std::to_string(k) + "-gram table");
    for (WordId w : l.words)
      if (w >= V) throw InvalidArgument(set.source + ": word id out of range");
    SortAndCheck(set, l);
  }
  for (int k = N; k >= 3; --k) InsertBlanks(set.lists[k - 2], set.lists[k - 1]);

  // Header and layout.
  NgramFileHeader h;
  std::memset(&h, 0, sizeof(h));
  std::memcpy(h.magic, kNgramMagic, sizeof(kNgramMagic));
  h.version = kNgramFormatVersion;
  h.header_bytes = sizeof(NgramFileHeader);
  h.order = static_cast<uint32_t>(N);
  h.vocab_size = V;
  h.table_bits = Vocabulary::TableBitsFor(V);
  {
    uint64_t higher = 0;
    for (int k = 1; k < N; ++k) higher += set.lists[k].size();
    h.ngram_table_bits = NgramTableBitsFor(higher);
  }
  for (const auto& w : set.vocab) h.strings_bytes += w.size();
  for (int k = 0; k < N; ++k) {
    h.counts[k] = set.lists[k].size();
    uint64_t declared = k < static_cast<int>(set.declared_counts.size()) ? set.declared_counts[k] : set.lists[k].size();
    h.declared_counts[k] = static_cast<uint32_t>(std::min<uint64_t>(declared, 0xFFFFFFFFu));
  }
  for (int k = 1; k < N; ++k)
    if (h.counts[k] == 0)
      throw FormatError(set.source + ": no " + std::to_string(k + 1) + "-grams although the order is " +
                        std::to_string(N));
  const NgramLayout L = ComputeLayout(h, set.source);
  h.file_bytes = L.total;
  uint8_t* p = nullptr;
  NgramImage image = AllocateImage(L.total, &p);

  // Vocabulary.
  auto* offsets = reinterpret_cast<uint32_t*>(p + L.vocab_offsets);
  char* strings = reinterpret_cast<char*>(p + L.vocab_strings);
  uint32_t pos = 0;
  for (uint32_t i = 0; i < V; ++i) {
    offsets[i] = pos;
    std::memcpy(strings + pos, set.vocab[i].data(), set.vocab[i].size());
    pos += static_cast<uint32_t>(set.vocab[i].size());
  }
  offsets[V] = pos;
  Vocabulary::FillTable(set.vocab, h.table_bits, reinterpret_cast<VocabSlot*>(p + L.vocab_table));

  Arrays a;
  a.entry_word = reinterpret_cast<uint32_t*>(p + L.entry_word);
  a.value = reinterpret_cast<EntryValue*>(p + L.entry_value);
  a.ctx = reinterpret_cast<ContextRecord*>(p + L.contexts_at);
  a.contexts = L.contexts;

  // Entries, weights and child ranges (children of order-k contexts tile the
  // order-(k+1) entries because both are sorted).
  for (int k = 1; k <= N; ++k) {
    const NgramList& l = set.lists[k - 1];
    const uint64_t base = L.order_begin[k - 1];
    for (size_t i = 0; i < l.size(); ++i) {
      a.entry_word[base + i] = l.at(i)[k - 1];
      a.value[base + i].prob = l.prob[i];
      if (k < N) a.ctx[base + i].backoff_weight = l.backoff[i];
    }
    if (k == N) break;
    const NgramList& children = set.lists[k];
    size_t c = 0;
    for (size_t i = 0; i < l.size(); ++i) {
      a.ctx[base + i].child_begin = static_cast<uint32_t>(L.order_begin[k] + c);
      while (c < children.size() && Compare(children.at(c), l.at(i), k) == 0) ++c;
    }
    if (c != children.size())
      throw FormatError(set.source + ": internal error: " + std::to_string(k + 1) + "-gram without context");
  }
  a.ctx[L.contexts].child_begin = static_cast<uint32_t>(L.entries);

  // Blank probabilities, by back-off from shorter n-grams (already final).
  for (int k = 2; k < N; ++k) {
    const NgramList& l = set.lists[k - 1];
    const uint64_t base = L.order_begin[k - 1];
    for (size_t i = 0; i < l.size(); ++i) {
      if (!std::isnan(a.value[base + i].prob)) continue;
      const WordId* w = l.at(i);
      const int m = k - 1;  // context length
      float acc = a.ctx[a.Find(w, m)].backoff_weight;
      for (int j = 1; j <= m; ++j) {
        uint32_t e = a.Find(w + j, k - j);
        if (e != kNone) {
          a.value[base + i].prob = acc + a.value[e].prob;
          break;
        }
        uint32_t c = a.Find(w + j, m - j);
        if (c != kNone) acc += a.ctx[c].backoff_weight;
      }
    }
  }

  // Back-off links and successor states (shorter orders first: each uses the
  // links of its suffixes).
  auto useful = [&](uint32_t c) {
    return a.ctx[c + 1].child_begin > a.ctx[c].child_begin || a.ctx[c].backoff_weight != 0.0f;
  };
  auto lus = [&](uint32_t c) { return useful(c) ? c + 1 : a.ctx[c].backoff_state; };
  auto longest_useful_suffix = [&](const WordId* w, int len) -> uint32_t {
    for (int j = 0; j < len; ++j) {
      uint32_t e = a.Find(w + j, len - j);
      if (e != kNone) return lus(e);
    }
    return 0;
  };
  for (uint32_t w = 0; w < V; ++w) {
    if (N > 1) {
      a.ctx[w].backoff_state = 0;
      a.value[w].next = useful(w) ? w + 1 : 0;
    } else {
      a.value[w].next = 0;
    }
  }
  for (int k = 2; k <= N; ++k) {
    const NgramList& l = set.lists[k - 1];
    const uint64_t base = L.order_begin[k - 1];
    for (size_t i = 0; i < l.size(); ++i) {
      const uint32_t e = static_cast<uint32_t>(base + i);
      const uint32_t suffix_state = longest_useful_suffix(l.at(i) + 1, k - 1);
      if (k < N) {
        a.ctx[e].backoff_state = suffix_state;
        a.value[e].next = useful(e) ? e + 1 : suffix_state;
      } else {
        a.value[e].next = suffix_state;
      }
    }
  }

  // (state, word) -> entry table for every entry above the unigrams.
  {
    uint32_t* table = reinterpret_cast<uint32_t*>(p + L.ngram_table);
    const uint64_t mask = (uint64_t{1} << h.ngram_table_bits) - 1;
    const int ebits = EntryBits(L.entries);
    for (uint64_t c = 0; c < L.contexts; ++c) {
      for (uint32_t e = a.ctx[c].child_begin; e < a.ctx[c + 1].child_begin; ++e) {
        const uint64_t hash = NgramSlotHash(static_cast<uint32_t>(c + 1), a.entry_word[e]);
        const uint32_t tag = ebits >= 32 ? 0u : static_cast<uint32_t>(hash >> 40) << ebits;
        uint64_t i = hash & mask;
        while (table[i] != 0) i = (i + 1) & mask;
        table[i] = tag | (e + 1);
      }
    }
  }

  h.checksum = ImageChecksum(p + sizeof(NgramFileHeader), L.total - sizeof(NgramFileHeader));
  std::memcpy(p, &h, sizeof(h));
  return image;
}

}  // namespace asr::lm
