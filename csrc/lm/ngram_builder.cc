#include "lm/ngram_builder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "common/error.h"
#include "lm/ngram_image_writer.h"
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

// Child search over the plain tables while they are being filled.
struct Lookup {
  const NgramTables& t;
  uint64_t contexts;

  uint32_t FindChild(uint32_t c, WordId w) const {
    const uint32_t* b = t.word.data() + t.child_begin[c];
    const uint32_t* e = t.word.data() + t.child_begin[c + 1];
    const uint32_t* it = std::lower_bound(b, e, w);
    return (it != e && *it == w) ? static_cast<uint32_t>(it - t.word.data()) : kNone;
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

  uint64_t entries = 0;
  for (int k = 1; k <= N; ++k) entries += set.lists[k - 1].size();
  if (entries >= 0xFFFFFFF0u) throw FormatError(set.source + ": too many n-grams");
  for (int k = 2; k <= N; ++k)
    if (set.lists[k - 1].size() == 0)
      throw FormatError(set.source + ": no " + std::to_string(k) + "-grams although the order is " +
                        std::to_string(N));
  const uint64_t contexts = entries - set.lists[N - 1].size();
  std::vector<uint64_t> order_begin(N + 1, 0);  // first entry of each order (0-based)
  for (int k = 0; k < N; ++k) order_begin[k + 1] = order_begin[k] + set.lists[k].size();

  NgramTables t;
  t.vocab = set.vocab;
  for (int k = 0; k < N; ++k) {
    t.counts.push_back(set.lists[k].size());
    uint64_t declared = k < static_cast<int>(set.declared_counts.size()) ? set.declared_counts[k] : set.lists[k].size();
    t.declared_counts.push_back(static_cast<uint32_t>(std::min<uint64_t>(declared, 0xFFFFFFFFu)));
  }
  t.word.resize(entries);
  t.prob.resize(entries);
  t.next.resize(entries);
  t.backoff.resize(contexts);
  t.backoff_state.resize(contexts);
  t.child_begin.resize(contexts + 1);
  Lookup a{t, contexts};

  // Entries, weights and child ranges (children of order-k contexts tile the
  // order-(k+1) entries because both are sorted).
  for (int k = 1; k <= N; ++k) {
    const NgramList& l = set.lists[k - 1];
    const uint64_t base = order_begin[k - 1];
    for (size_t i = 0; i < l.size(); ++i) {
      t.word[base + i] = l.at(i)[k - 1];
      t.prob[base + i] = l.prob[i];
      // -0.0 becomes +0.0: the scorer tests for a zero weight by bit pattern.
      if (k < N) t.backoff[base + i] = l.backoff[i] == 0.0f ? 0.0f : l.backoff[i];
    }
    if (k == N) break;
    const NgramList& children = set.lists[k];
    size_t c = 0;
    for (size_t i = 0; i < l.size(); ++i) {
      t.child_begin[base + i] = static_cast<uint32_t>(order_begin[k] + c);
      while (c < children.size() && Compare(children.at(c), l.at(i), k) == 0) ++c;
    }
    if (c != children.size())
      throw FormatError(set.source + ": internal error: " + std::to_string(k + 1) + "-gram without context");
  }
  t.child_begin[contexts] = static_cast<uint32_t>(entries);

  // Blank probabilities, by back-off from shorter n-grams (already final).
  for (int k = 2; k < N; ++k) {
    const NgramList& l = set.lists[k - 1];
    const uint64_t base = order_begin[k - 1];
    for (size_t i = 0; i < l.size(); ++i) {
      if (!std::isnan(t.prob[base + i])) continue;
      const WordId* w = l.at(i);
      const int m = k - 1;  // context length
      float acc = t.backoff[a.Find(w, m)];
      for (int j = 1; j <= m; ++j) {
        uint32_t e = a.Find(w + j, k - j);
        if (e != kNone) {
          t.prob[base + i] = acc + t.prob[e];
          break;
        }
        uint32_t c = a.Find(w + j, m - j);
        if (c != kNone) acc += t.backoff[c];
      }
    }
  }

  // Back-off links and successor states (shorter orders first: each uses the
  // links of its suffixes).
  auto useful = [&](uint32_t c) { return t.child_begin[c + 1] > t.child_begin[c] || t.backoff[c] != 0.0f; };
  auto lus = [&](uint32_t c) { return useful(c) ? c + 1 : t.backoff_state[c]; };
  auto longest_useful_suffix = [&](const WordId* w, int len) -> uint32_t {
    for (int j = 0; j < len; ++j) {
      uint32_t e = a.Find(w + j, len - j);
      if (e != kNone) return lus(e);
    }
    return 0;
  };
  for (uint32_t w = 0; w < V; ++w) {
    if (N > 1) {
      t.backoff_state[w] = 0;
      t.next[w] = useful(w) ? w + 1 : 0;
    } else {
      t.next[w] = 0;
    }
  }
  for (int k = 2; k <= N; ++k) {
    const NgramList& l = set.lists[k - 1];
    const uint64_t base = order_begin[k - 1];
    for (size_t i = 0; i < l.size(); ++i) {
      const uint32_t e = static_cast<uint32_t>(base + i);
      const uint32_t suffix_state = longest_useful_suffix(l.at(i) + 1, k - 1);
      if (k < N) {
        t.backoff_state[e] = suffix_state;
        t.next[e] = useful(e) ? e + 1 : suffix_state;
      } else {
        t.next[e] = suffix_state;
      }
    }
  }
  return WriteNgramImage(t, set.source);
}

}  // namespace asr::lm
