#include "search/keyword_spotter.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>

#include "common/error.h"

namespace asr {

namespace {

std::string Lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Chain {
  std::vector<int> instances;
  double log_posterior;
  int start, end;
};

// Depth-first search of the chains spelling `words` from a first instance.
class ChainSearch {
 public:
  ChainSearch(const WordLattice& lattice, const std::vector<int>& text_of, const std::vector<int>& words,
              const KeywordOptions& o)
      : lat_(lattice), inst_(lattice.instances()), text_of_(text_of), words_(words), opts_(o),
        log_min_(std::log(o.min_posterior)) {}

  void From(int first, std::vector<Chain>* out) {
    out_ = out;
    path_.assign(1, first);
    Extend(first, 1, 0, lat_.LogForward(first));
  }
  bool exhausted() const { return examined_ >= opts_.max_chains; }

 private:
  // `u` ends the chain so far, `matched` words of the keyword are spelled,
  // `gap` frames of silence or noise follow the last word, `score` is the
  // scaled forward score of the chain.
  void Extend(int u, size_t matched, int gap, double score) {
    if (exhausted()) return;
    ++examined_;
    const double through = score + lat_.LogBackward(u) - lat_.LogTotal();
    if (!(through >= log_min_)) return;  // no completion can be more probable
    if (matched == words_.size()) {
      out_->push_back(Chain{path_, through, inst_[path_.front()].start, inst_[u].end});
      return;
    }
    for (int v : lat_.Successors(u)) {
      if (lat_.LogBackward(v) == WordLattice::kNoScore) continue;
      const int t = text_of_[v];
      int next_gap = 0;
      size_t next_matched = matched;
      if (t == kGap) {
        next_gap = gap + inst_[v].end - inst_[v].start + 1;
        if (next_gap > opts_.max_gap_frames) continue;
      } else if (t == words_[matched]) {
        next_matched = matched + 1;
      } else {
        continue;
      }
      path_.push_back(v);
      Extend(v, next_matched, next_gap, score + lat_.ScaledLink(u, v));
      path_.pop_back();
    }
  }

 public:
  static constexpr int kGap = -2;  // text id of silence and noise

 private:
  const WordLattice& lat_;
  const std::vector<WordInstance>& inst_;
  const std::vector<int>& text_of_;
  const std::vector<int>& words_;
  const KeywordOptions& opts_;
  double log_min_;
  std::vector<Chain>* out_ = nullptr;
  std::vector<int> path_;
  int examined_ = 0;
};

}  // namespace

std::vector<KeywordHit> SpotKeywords(const WordLattice& lattice, const std::vector<std::vector<std::string>>& keywords,
                                     const KeywordOptions& o) {
  if (o.max_gap_frames < 0 || !(o.min_posterior > 0) || o.max_chains <= 0)
    throw InvalidArgument("keyword options: max_gap_frames >= 0, min_posterior > 0, max_chains > 0");
  std::vector<KeywordHit> hits;
  if (lattice.empty() || lattice.Posteriors().empty()) return hits;
  const auto& inst = lattice.instances();
  const auto& post = lattice.Posteriors();
  const SearchVocabulary& vocab = lattice.vocabulary();
  // Texts of the keywords' words get ids; other words -1, fillers kGap.
  std::unordered_map<std::string, int> ids;
  std::vector<std::vector<int>> queries;
  for (const auto& kw : keywords) {
    std::vector<int> q;
    for (const std::string& w : kw) q.push_back(ids.emplace(Lower(w), static_cast<int>(ids.size())).first->second);
    queries.push_back(std::move(q));
  }
  const int n = static_cast<int>(inst.size());
  std::vector<int> text_of(n, -1);
  std::vector<std::vector<int>> starts(ids.size());  // instances of each text, by start frame
  for (int i = 1; i < n; ++i) {
    const SearchWord& w = vocab.word(inst[i].word);
    if (w.filler) {
      text_of[i] = ChainSearch::kGap;
    } else if (!w.garbage) {
      auto it = ids.find(Lower(w.text));
      if (it != ids.end()) {
        text_of[i] = it->second;
        if (post[i] >= o.min_posterior) starts[it->second].push_back(i);
      }
    }
  }
  for (size_t k = 0; k < queries.size(); ++k) {
    if (queries[k].empty()) continue;
    std::vector<Chain> chains;
    ChainSearch search(lattice, text_of, queries[k], o);
    for (int first : starts[queries[k][0]]) {
      search.From(first, &chains);
      if (search.exhausted()) break;
    }
    std::stable_sort(chains.begin(), chains.end(),
                     [](const Chain& a, const Chain& b) { return a.log_posterior > b.log_posterior; });
    // Greedy clustering: a chain joins the first (more probable) hit it
    // overlaps in time, else opens its own.
    std::vector<KeywordHit> found;
    for (Chain& c : chains) {
      KeywordHit* into = nullptr;
      for (KeywordHit& h : found)
        if (c.start <= h.end && h.start <= c.end) {
          into = &h;
          break;
        }
      if (into == nullptr) {
        found.push_back(KeywordHit{static_cast<int>(k), c.start, c.end, 0.0, {}});
        into = &found.back();
      }
      into->posterior += std::exp(c.log_posterior);
      into->chains.push_back(std::move(c.instances));
    }
    std::sort(found.begin(), found.end(), [](const KeywordHit& a, const KeywordHit& b) { return a.start < b.start; });
    for (KeywordHit& h : found) {
      h.posterior = std::min(1.0, h.posterior);
      if (h.posterior >= o.min_posterior) hits.push_back(std::move(h));
    }
  }
  return hits;
}

}  // namespace asr
