#include "search/word_lattice.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <set>
#include <string_view>
#include <unordered_map>

#include "common/error.h"

namespace asr {

namespace {
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

double LogAdd(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  const double hi = a > b ? a : b, lo = a > b ? b : a;
  const double d = lo - hi;
  // Most terms of a lattice's sums are negligible: with |hi| in
  // [2^(e-1), 2^e), the spacing of doubles next to hi is at least 2^(e-54),
  // so a term log1p(exp(d)) <= exp(d) < 2^(e-56) (a margin for the rounding
  // of exp and log1p) leaves the rounded sum at hi exactly: the two
  // transcendental calls are skipped, the result is the same.
  if (d < -30.0 && hi != 0.0) {
    int e;
    std::frexp(hi, &e);
    if (d < (e - 56) * 0.6931471805599453) return hi;
  }
  return hi + std::log1p(std::exp(d));
}
}  // namespace

WordLattice::WordLattice(const WordExitTable& table, const SearchVocabulary& vocab, const lm::WordSequenceModel& lm,
                         int num_frames, const LatticeOptions& o)
    : vocab_(vocab), lm_(lm), opts_(o), num_frames_(num_frames) {
  if (!(o.language_weight > 0) || !(o.word_insertion_penalty > 0) || !(o.acoustic_scale > 0) ||
      !(o.silence_probability > 0) || !(o.filler_probability > 0) || !(o.garbage_phone_probability > 0))
    throw InvalidArgument("lattice weights and probabilities must be positive");
  lw_ = static_cast<float>(o.language_weight);
  log_wip_ = static_cast<float>(std::log(o.word_insertion_penalty));
  sil_pen_ = static_cast<float>(std::log(o.silence_probability));
  fill_pen_ = static_cast<float>(std::log(o.filler_probability));
  garbage_pen_ = static_cast<float>(std::log(o.garbage_phone_probability));
  inst_.push_back(WordInstance{-1, 0, -1, 0.0f});
  by_end_.assign(num_frames_, {});
  by_start_.assign(num_frames_ + 1, {});
  for (size_t e = 1; e < table.exits.size(); ++e) {
    const WordExit& x = table.exits[e];
    if (!x.valid || x.word < 0 || x.frame >= num_frames_) continue;
    const WordExit& p = table.exits[x.prev];
    WordInstance w;
    w.word = x.word;
    w.start = p.frame + 1;
    w.end = x.frame;
    w.acoustic = static_cast<float>(table.Absolute(static_cast<int>(e)) - table.Absolute(x.prev) - x.lm_score);
    const int id = static_cast<int>(inst_.size());
    inst_.push_back(w);
    by_end_[w.end].push_back(id);
    by_start_[w.start].push_back(id);
  }
  order_.push_back(0);
  for (int f = 0; f < num_frames_; ++f)
    for (int i : by_start_[f]) order_.push_back(i);
  // Room for every link weight unless the lattice is huge (then they are
  // recomputed when asked for: slower, same values).
  constexpr size_t kMaxStoredLinks = size_t{1} << 23;
  link_block_.assign(num_frames_ + 1, 0);
  size_t links = 0;
  for (int f = 0; f < num_frames_; ++f) {
    link_block_[f] = links;
    links += (f == 0 ? 1 : by_end_[f - 1].size()) * by_start_[f].size();
  }
  link_block_[num_frames_] = links;
  if (links <= kMaxStoredLinks) {
    link_.assign(links, -std::numeric_limits<float>::infinity());
    link_row_.assign(inst_.size(), 0);
    link_col_.assign(inst_.size(), 0);
    for (int f = 0; f < num_frames_; ++f) {
      for (size_t r = 0; r < by_end_[f].size(); ++r) link_row_[by_end_[f][r]] = static_cast<int32_t>(r);
      for (size_t c = 0; c < by_start_[f].size(); ++c) link_col_[by_start_[f][c]] = static_cast<int32_t>(c);
    }
  } else {
    link_block_.clear();
  }
  // Enough slots for the distinct (source state, word) pairs of a lattice
  // of this size; released when construction ends.
  int log2_slots = 10;
  while (log2_slots < 19 && (size_t{1} << log2_slots) < 4 * inst_.size()) ++log2_slots;
  lm::ScoreCache cache(lm_, log2_slots);
  Viterbi(cache);
  if (best_final_ >= 0) ForwardBackward(cache);
}

WordLattice::WordLattice(const WordLattice& other, double acoustic_scale) : WordLattice(other) {
  if (!(acoustic_scale > 0)) throw InvalidArgument("lattice weights and probabilities must be positive");
  opts_.acoustic_scale = acoustic_scale;
  posterior_.clear();
  alpha_.clear();
  beta_.clear();
  log_total_ = 0;
  if (best_final_ < 0) return;
  int log2_slots = 10;
  while (log2_slots < 19 && (size_t{1} << log2_slots) < 4 * inst_.size()) ++log2_slots;
  lm::ScoreCache cache(lm_, log2_slots);  // used only if the link weights are not stored
  ForwardBackward(cache);
}

float WordLattice::LinkScore(int from, int to, lm::ScoreCache* cache) const {
  const SearchWord& w = vocab_.word(inst_[to].word);
  // Under a grammar a word may only follow exits of its entry class.
  const bool after_garbage = from > 0 && vocab_.word(inst_[from].word).garbage;
  if (vocab_.EntryClass(state_[from], after_garbage) != w.entry_class)
    return -std::numeric_limits<float>::infinity();
  if (w.filler) return w.silence ? sil_pen_ : fill_pen_;
  if (w.garbage_repeat) return garbage_pen_;
  lm::State unused;
  const float ln_p = cache ? cache->Score(state_[from], w.lm_id, &unused) : lm_.Score(state_[from], w.lm_id, &unused);
  const float lm = lw_ * ln_p;
  return w.garbage ? lm + garbage_pen_ : lm + log_wip_;
}

void WordLattice::Viterbi(lm::ScoreCache& cache) {
  const size_t n = inst_.size();
  viterbi_.assign(n, kNegInf);
  back_.assign(n, -1);
  state_.assign(n, lm::State());
  final_.assign(n, kNegInf);
  viterbi_[0] = 0;
  state_[0] = lm_.BeginState();
  for (size_t k = 1; k < order_.size(); ++k) {
    const int v = order_[k];
    const WordInstance& iv = inst_[v];
    const std::vector<int>& preds = iv.start == 0 ? std::vector<int>{0} : by_end_[iv.start - 1];
    double best = kNegInf;
    int from = -1;
    float* links = link_.empty() ? nullptr : &link_[link_block_[iv.start] + link_col_[v]];
    const size_t row_stride = by_start_[iv.start].size();
    for (int u : preds) {
      if (viterbi_[u] == kNegInf) continue;
      const float link = LinkScore(u, v, &cache);
      if (links) links[link_row_[u] * row_stride] = link;
      const double s = viterbi_[u] + link;
      if (s > best) {
        best = s;
        from = u;
      }
    }
    if (from < 0) continue;
    viterbi_[v] = best + iv.acoustic;
    back_[v] = from;
    const SearchWord& w = vocab_.word(iv.word);
    if (w.filler || w.garbage_repeat) {
      state_[v] = state_[from];
    } else {
      cache.Score(state_[from], w.lm_id, &state_[v]);
    }
  }
  best_score_ = kNegInf;
  if (num_frames_ == 0) return;
  for (int u : by_end_[num_frames_ - 1]) {
    if (viterbi_[u] == kNegInf) continue;
    final_[u] = lw_ * lm_.Final(state_[u]);
    const double s = viterbi_[u] + final_[u];
    if (s > best_score_) {
      best_score_ = s;
      best_final_ = u;
    }
  }
}

void WordLattice::ForwardBackward(lm::ScoreCache& cache) {
  const size_t n = inst_.size();
  const double k = opts_.acoustic_scale;
  std::vector<double> alpha(n, kNegInf), beta(n, kNegInf);
  alpha[0] = 0;
  // Links are weighted with the LM state of the best path into their
  // source (state_), fixed once by Viterbi, so both passes see equal weights.
  for (size_t i = 1; i < order_.size(); ++i) {
    const int v = order_[i];
    if (viterbi_[v] == kNegInf) continue;
    const WordInstance& iv = inst_[v];
    double a = kNegInf;
    if (iv.start == 0) {
      a = alpha[0] + k * Link(0, v, &cache);
    } else {
      for (int u : by_end_[iv.start - 1])
        if (alpha[u] != kNegInf) a = LogAdd(a, alpha[u] + k * Link(u, v, &cache));
    }
    alpha[v] = a == kNegInf ? a : a + k * iv.acoustic;
  }
  double total = kNegInf;
  for (int u : by_end_[num_frames_ - 1])
    if (alpha[u] != kNegInf) total = LogAdd(total, alpha[u] + k * final_[u]);
  for (size_t i = order_.size(); i-- > 0;) {
    const int u = order_[i];
    if (alpha[u] == kNegInf) continue;
    const int next = u == 0 ? 0 : inst_[u].end + 1;
    double b = kNegInf;
    if (u != 0 && inst_[u].end == num_frames_ - 1) b = k * final_[u];
    if (next < num_frames_)
      for (int v : by_start_[next])
        if (beta[v] != kNegInf)
          b = LogAdd(b, k * (static_cast<double>(Link(u, v, &cache)) + inst_[v].acoustic) + beta[v]);
    beta[u] = b;
  }
  posterior_.assign(n, 0.0);
  log_total_ = total;
  if (total == kNegInf) return;
  for (size_t i = 1; i < n; ++i)
    if (alpha[i] != kNegInf && beta[i] != kNegInf) posterior_[i] = std::exp(alpha[i] + beta[i] - total);
  alpha_ = std::move(alpha);
  beta_ = std::move(beta);
}

const std::vector<int>& WordLattice::Successors(int i) const {
  static const std::vector<int> kNone;
  if (i < 0 || i >= static_cast<int>(inst_.size())) throw InvalidArgument("lattice instance out of range");
  const int next = i == 0 ? 0 : inst_[i].end + 1;
  return next < num_frames_ ? by_start_[next] : kNone;
}

double WordLattice::PathScore(const std::vector<int>& path) const {
  const int n = static_cast<int>(inst_.size());
  if (path.empty() || best_final_ < 0) return kNegInf;
  double score = 0;
  int prev = 0;
  for (int v : path) {
    if (v <= 0 || v >= n) throw InvalidArgument("path instance out of range");
    const int expected = prev == 0 ? 0 : inst_[prev].end + 1;
    if (inst_[v].start != expected || viterbi_[prev] == kNegInf) return kNegInf;
    score += static_cast<double>(LinkScore(prev, v)) + inst_[v].acoustic;
    prev = v;
  }
  if (inst_[prev].end != num_frames_ - 1) return kNegInf;
  return score + final_[prev];
}

std::vector<double> WordLattice::Confidences(const std::vector<int>& path) const {
  const int n = static_cast<int>(inst_.size());
  std::vector<double> out(path.size(), 0.0);
  if (posterior_.empty()) return out;
  // Words by text: alternate pronunciations are distinct search words.
  std::unordered_map<std::string_view, int> text_ids;
  std::vector<int> text_of(n, -1);
  for (int i = 1; i < n; ++i)
    text_of[i] = text_ids.emplace(vocab_.word(inst_[i].word).text, static_cast<int>(text_ids.size())).first->second;
  // Queries by middle frame; a sweep adds instances as they start (order_ is
  // by start frame) and drops them once they end before the query frame.
  std::vector<int> queries;
  for (size_t q = 0; q < path.size(); ++q) {
    if (path[q] <= 0 || path[q] >= n) throw InvalidArgument("path instance out of range");
    queries.push_back(static_cast<int>(q));
  }
  auto middle = [&](int q) { return (inst_[path[q]].start + inst_[path[q]].end) / 2; };
  std::stable_sort(queries.begin(), queries.end(), [&](int a, int b) { return middle(a) < middle(b); });
  std::vector<double> active(text_ids.size(), 0.0);
  auto ends_first = [&](int a, int b) { return inst_[a].end > inst_[b].end; };
  std::priority_queue<int, std::vector<int>, decltype(ends_first)> live(ends_first);
  size_t next = 1;  // order_[0] is the utterance start
  for (int q : queries) {
    const int m = middle(q);
    for (; next < order_.size() && inst_[order_[next]].start <= m; ++next) {
      const int i = order_[next];
      if (posterior_[i] <= 0) continue;
      active[text_of[i]] += posterior_[i];
      live.push(i);
    }
    while (!live.empty() && inst_[live.top()].end < m) {
      active[text_of[live.top()]] -= posterior_[live.top()];
      live.pop();
    }
    out[q] = std::min(1.0, std::max(0.0, active[text_of[path[q]]]));
  }
  return out;
}

LatticePath WordLattice::BestPath() const {
  LatticePath p;
  if (best_final_ < 0) return p;
  for (int v = best_final_; v > 0; v = back_[v]) p.instances.push_back(v);
  std::reverse(p.instances.begin(), p.instances.end());
  p.score = best_score_;
  return p;
}

std::vector<LatticePath> WordLattice::NBest(int n, int max_expansions) const {
  std::vector<LatticePath> out;
  if (best_final_ < 0 || n <= 0) return out;
  // Best completion score of each instance (Viterbi backwards), used as the
  // exact heuristic of a best-first search over partial paths from the end.
  const size_t count = inst_.size();
  std::vector<double> completion(count, kNegInf);
  for (size_t i = order_.size(); i-- > 0;) {
    const int u = order_[i];
    if (viterbi_[u] == kNegInf) continue;
    double b = kNegInf;
    if (u != 0 && inst_[u].end == num_frames_ - 1) b = final_[u];
    const int next = u == 0 ? 0 : inst_[u].end + 1;
    if (next < num_frames_)
      for (int v : by_start_[next])
        if (completion[v] != kNegInf) b = std::max(b, Link(u, v) + inst_[v].acoustic + completion[v]);
    completion[u] = b;
  }
  struct Partial {
    double priority;
    double score;  // exact score of the prefix
    int last;
    int parent;    // index into `nodes`
  };
  struct Node {
    int inst;
    int parent;
  };
  std::vector<Node> nodes;
  auto cmp = [](const Partial& a, const Partial& b) { return a.priority < b.priority; };
  std::priority_queue<Partial, std::vector<Partial>, decltype(cmp)> queue(cmp);
  nodes.push_back(Node{0, -1});
  queue.push(Partial{completion[0], 0.0, 0, 0});
  std::set<std::vector<std::string>> seen;
  int expansions = 0;
  while (!queue.empty() && static_cast<int>(out.size()) < n && expansions < max_expansions) {
    Partial p = queue.top();
    queue.pop();
    ++expansions;
    const int u = p.last;
    if (u == -2) {
      // A complete path: reconstruct, dedupe by word sequence.
      LatticePath path;
      for (int k = p.parent; k > 0; k = nodes[k].parent) path.instances.push_back(nodes[k].inst);
      std::reverse(path.instances.begin(), path.instances.end());
      path.score = p.score;
      // Alternate pronunciations are different search words with one text.
      std::vector<std::string> words;
      for (int i : path.instances)
        if (!vocab_.word(inst_[i].word).hidden()) words.push_back(vocab_.word(inst_[i].word).text);
      const bool dup = !seen.insert(words).second;
      if (!dup) out.push_back(path);
      continue;
    }
    if (u != 0 && inst_[u].end == num_frames_ - 1 && final_[u] != kNegInf) {
      const double s = p.score + final_[u];
      queue.push(Partial{s, s, -2, p.parent});
    }
    const int next = u == 0 ? 0 : inst_[u].end + 1;
    if (next >= num_frames_) continue;
    // Viterbi LM states make link weights fixed; score with them.
    for (int v : by_start_[next]) {
      if (completion[v] == kNegInf) continue;
      const double s = p.score + Link(u, v) + inst_[v].acoustic;
      nodes.push_back(Node{v, p.parent});
      queue.push(Partial{s + completion[v], s, v, static_cast<int>(nodes.size()) - 1});
    }
  }
  return out;
}

}  // namespace asr
