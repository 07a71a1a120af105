#include "lm/mkn_estimator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

#include "common/error.h"
#include "lm/ngram_binary_format.h"
#include "lm/sentence_scoring.h"

namespace asr::lm {

namespace {

constexpr double kNeverLn = -99.0 * 2.302585092994046;  // ARPA's conventional log10 -99 for <s>

// All distinct n-grams of one order, sorted, with their adjusted counts.
struct OrderTable {
  int k = 0;
  std::vector<WordId> keys;      // k ids per n-gram
  std::vector<uint64_t> count;   // adjusted count
  std::vector<double> prob;      // interpolated p(w|h)
  std::vector<double> gamma;     // back-off weight of the n-gram as a context (0 if none)
  size_t size() const { return keys.size() / k; }
  const WordId* at(size_t i) const { return keys.data() + i * k; }
};

bool Less(const WordId* a, const WordId* b, int k) {
  for (int i = 0; i < k; ++i)
    if (a[i] != b[i]) return a[i] < b[i];
  return false;
}
bool Equal(const WordId* a, const WordId* b, int k) { return std::memcmp(a, b, sizeof(WordId) * k) == 0; }

// Sorts fixed-width keys and collapses duplicates, counting them.
void SortUnique(std::vector<WordId>& flat, int k, std::vector<WordId>* keys, std::vector<uint64_t>* counts) {
  const size_t n = flat.size() / k;
  std::vector<uint32_t> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = static_cast<uint32_t>(i);
  std::sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return Less(&flat[a * k], &flat[b * k], k); });
  keys->clear();
  counts->clear();
  for (size_t i = 0; i < n; ++i) {
    const WordId* g = &flat[static_cast<size_t>(idx[i]) * k];
    if (!counts->empty() && Equal(&keys->data()[keys->size() - k], g, k)) {
      ++counts->back();
    } else {
      keys->insert(keys->end(), g, g + k);
      counts->push_back(1);
    }
  }
}

size_t Find(const OrderTable& t, const WordId* g) {
  size_t lo = 0, hi = t.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (Less(t.at(mid), g, t.k)) lo = mid + 1; else hi = mid;
  }
  if (lo == t.size() || !Equal(t.at(lo), g, t.k)) throw std::logic_error("MKN: lower-order n-gram missing");
  return lo;
}

MknDiscounts Discounts(const OrderTable& t, WordId bos, const std::array<double, 3>& fallback) {
  uint64_t n[5] = {0, 0, 0, 0, 0};
  for (size_t i = 0; i < t.size(); ++i) {
    if (t.k == 1 && t.at(i)[0] == bos) continue;
    if (t.count[i] >= 1 && t.count[i] <= 4) ++n[t.count[i]];
  }
  MknDiscounts d;
  bool ok = n[1] && n[2] && n[3] && n[4];
  if (ok) {
    double y = double(n[1]) / (n[1] + 2.0 * n[2]);
    d.d[0] = 1.0 - 2.0 * y * n[2] / n[1];
    d.d[1] = 2.0 - 3.0 * y * n[3] / n[2];
    d.d[2] = 3.0 - 4.0 * y * n[4] / n[3];
    for (int r = 0; r < 3; ++r) ok = ok && d.d[r] > 0.0 && d.d[r] < r + 1.0;
  }
  if (!ok) {
    d.d = fallback;
    d.fallback = true;
  }
  return d;
}

double DiscountFor(const MknDiscounts& d, uint64_t c) { return c == 0 ? 0.0 : d.d[std::min<uint64_t>(c, 3) - 1]; }

}  // namespace

NgramSet EstimateMkn(const std::vector<std::string>& sentences, const MknOptions& options,
                     std::vector<MknDiscounts>* discounts_out) {
  int N = options.order;
  if (N < 1 || N > kMaxOrder) throw InvalidArgument("order must be between 1 and 6");
  for (double d : options.fallback)
    if (!(d > 0.0)) throw InvalidArgument("fallback discounts must be positive");

  // Vocabulary: specials first, then words in order of first appearance.
  NgramSet set;
  set.source = "<trained>";
  std::unordered_map<std::string, WordId> ids;
  auto intern = [&](std::string_view w) {
    auto it = ids.find(std::string(w));
    if (it != ids.end()) return it->second;
    WordId id = static_cast<WordId>(set.vocab.size());
    set.vocab.emplace_back(w);
    ids.emplace(std::string(w), id);
    return id;
  };
  const WordId unk = intern("<unk>"), bos = intern("<s>"), eos = intern("</s>");
  (void)unk;

  std::vector<std::vector<WordId>> corpus;
  corpus.reserve(sentences.size());
  for (const auto& s : sentences) {
    std::vector<WordId> padded{bos};
    ForEachToken(s, [&](std::string_view tok) {
      if (tok == "<s>" || tok == "</s>")
        throw InvalidArgument("sentence markers <s> and </s> must not appear inside training sentences");
      padded.push_back(intern(tok));
    });
    if (padded.size() == 1) continue;
    padded.push_back(eos);
    corpus.push_back(std::move(padded));
  }
  for (const auto& w : options.extra_words) {
    if (w.empty() || w.find_first_of(" \t\n\r\v\f") != std::string::npos)
      throw InvalidArgument("extra word '" + w + "' is empty or contains whitespace");
    if (w == "<s>" || w == "</s>") continue;
    intern(w);
  }
  const uint32_t V = static_cast<uint32_t>(set.vocab.size());

  // Raw counts per order, then adjusted counts (continuation counts below N).
  // Orders longer than every padded sentence have no n-grams; the model's
  // order is then the longest one seen (the requested order is an upper bound).
  if (corpus.empty()) N = 1;
  std::vector<OrderTable> t(N);
  std::vector<std::vector<uint64_t>> raw(N);
  for (int k = 1; k <= N; ++k) {
    std::vector<WordId> flat;
    for (const auto& s : corpus)
      for (size_t i = 0; i + k <= s.size(); ++i) flat.insert(flat.end(), s.begin() + i, s.begin() + i + k);
    if (flat.empty() && k > 1) {
      N = k - 1;
      t.resize(N);
      raw.resize(N);
      break;
    }
    t[k - 1].k = k;
    SortUnique(flat, k, &t[k - 1].keys, &raw[k - 1]);
  }
  // Unigrams are indexed by word id: every vocabulary word, count 0 if unseen.
  {
    OrderTable u;
    u.k = 1;
    u.keys.resize(V);
    u.count.assign(V, 0);
    for (WordId w = 0; w < V; ++w) u.keys[w] = w;
    std::vector<uint64_t> raw1(V, 0);
    for (size_t i = 0; i < t[0].size(); ++i) raw1[t[0].at(i)[0]] = raw[0][i];
    t[0] = std::move(u);
    raw[0] = std::move(raw1);
  }
  for (int k = N; k >= 1; --k) {
    OrderTable& cur = t[k - 1];
    if (k == N) {
      cur.count = raw[k - 1];
    } else {
      cur.count.assign(cur.size(), 0);
      // Distinct left neighbours: one per distinct (k+1)-gram with suffix g.
      const OrderTable& up = t[k];
      std::vector<WordId> suffixes;
      suffixes.reserve(up.size() * k);
      for (size_t i = 0; i < up.size(); ++i) suffixes.insert(suffixes.end(), up.at(i) + 1, up.at(i) + 1 + k);
      std::vector<WordId> keys;
      std::vector<uint64_t> n1p;
      SortUnique(suffixes, k, &keys, &n1p);
      for (size_t i = 0; i < n1p.size(); ++i) cur.count[Find(cur, &keys[i * k])] = n1p[i];
      for (size_t i = 0; i < cur.size(); ++i)
        if (cur.at(i)[0] == bos) cur.count[i] = raw[k - 1][i];
    }
  }

  std::vector<MknDiscounts> disc(N);
  for (int k = 1; k <= N; ++k) disc[k - 1] = Discounts(t[k - 1], bos, options.fallback);

  // Unigrams: discounted continuation counts interpolated with uniform.
  {
    OrderTable& u = t[0];
    u.prob.assign(V, 0.0);
    u.gamma.assign(V, 0.0);
    double S = 0;
    uint64_t n[4] = {0, 0, 0, 0};
    for (WordId w = 0; w < V; ++w) {
      if (w == bos) continue;
      S += u.count[w];
      ++n[std::min<uint64_t>(u.count[w], 3)];
    }
    const double uniform = 1.0 / (V - 1);  // every word but <s>
    double gamma = S > 0 ? (disc[0].d[0] * n[1] + disc[0].d[1] * n[2] + disc[0].d[2] * n[3]) / S : 1.0;
    for (WordId w = 0; w < V; ++w) {
      if (w == bos) continue;
      double c = static_cast<double>(u.count[w]);
      double alpha = S > 0 ? std::max(c - DiscountFor(disc[0], u.count[w]), 0.0) / S : 0.0;
      u.prob[w] = alpha + gamma * uniform;
    }
  }
  // Higher orders, grouped by context (contiguous because keys are sorted).
  for (int k = 2; k <= N; ++k) {
    OrderTable& cur = t[k - 1];
    OrderTable& lower = t[k - 2];
    const MknDiscounts& D = disc[k - 1];
    cur.prob.assign(cur.size(), 0.0);
    cur.gamma.assign(cur.size(), 0.0);
    size_t b = 0;
    while (b < cur.size()) {
      size_t e = b;
      double S = 0;
      uint64_t n[4] = {0, 0, 0, 0};
      while (e < cur.size() && Equal(cur.at(e), cur.at(b), k - 1)) {
        S += cur.count[e];
        ++n[std::min<uint64_t>(cur.count[e], 3)];
        ++e;
      }
      const double gamma = (D.d[0] * n[1] + D.d[1] * n[2] + D.d[2] * n[3]) / S;
      for (size_t i = b; i < e; ++i) {
        const double lower_p = lower.prob[k == 2 ? cur.at(i)[1] : Find(lower, cur.at(i) + 1)];
        const double c = static_cast<double>(cur.count[i]);
        cur.prob[i] = std::max(c - DiscountFor(D, cur.count[i]), 0.0) / S + gamma * lower_p;
      }
      // The context h is an n-gram of order k-1.
      lower.gamma[k == 2 ? cur.at(b)[0] : Find(lower, cur.at(b))] = gamma;
      b = e;
    }
  }

  // Back-off form.
  set.lists.resize(N);
  for (int k = 1; k <= N; ++k) {
    const OrderTable& cur = t[k - 1];
    NgramList& l = set.lists[k - 1];
    l.order = k;
    if (k > 1) l.words = cur.keys;
    l.prob.resize(cur.size());
    l.backoff.resize(cur.size());
    for (size_t i = 0; i < cur.size(); ++i) {
      const bool never = k == 1 && cur.at(i)[0] == bos;
      l.prob[i] = static_cast<float>(never ? kNeverLn : std::log(cur.prob[i]));
      l.backoff[i] = k < N && cur.gamma[i] > 0 ? static_cast<float>(std::log(cur.gamma[i])) : 0.0f;
    }
  }
  if (discounts_out) *discounts_out = disc;
  return set;
}

}  // namespace asr::lm
