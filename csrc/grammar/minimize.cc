#include "grammar/minimize.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>
#include <utility>

namespace asr::grammar {

namespace {

// Weights closer than this (in nats) are treated as equal, as in
// determinisation; pushing leaves float noise far below it.
constexpr double kQuantum = 1.0 / 1024.0;

int64_t Quantize(double w) { return w == kLogZero ? INT64_MIN : static_cast<int64_t>(std::llround(w / kQuantum)); }

struct PairHash {
  size_t operator()(const std::pair<uint32_t, int64_t>& p) const {
    uint64_t h = (static_cast<uint64_t>(p.first) * 0x9E3779B97F4A7C15ull) ^ static_cast<uint64_t>(p.second);
    h *= 0xFF51AFD7ED558CCDull;
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

class Partition {
 public:
  explicit Partition(uint32_t n) : elems_(n), pos_(n), block_(n, 0) {
    for (uint32_t i = 0; i < n; ++i) elems_[i] = pos_[i] = i;
  }

  // Initial blocks from a class id per element.
  void Init(const std::vector<uint32_t>& cls) {
    const uint32_t n = static_cast<uint32_t>(elems_.size());
    std::sort(elems_.begin(), elems_.end(), [&](uint32_t a, uint32_t b) { return cls[a] < cls[b]; });
    for (uint32_t i = 0; i < n; ++i) {
      pos_[elems_[i]] = i;
      if (i == 0 || cls[elems_[i]] != cls[elems_[i - 1]]) blocks_.push_back({i, i, 0});
      blocks_.back().end = i + 1;
      block_[elems_[i]] = static_cast<uint32_t>(blocks_.size() - 1);
    }
  }

  void Mark(uint32_t s) {
    Block& b = blocks_[block_[s]];
    uint32_t i = pos_[s], j = b.begin + b.marked;
    if (i < j) return;  // already marked
    std::swap(elems_[i], elems_[j]);
    pos_[elems_[i]] = i;
    pos_[elems_[j]] = j;
    if (b.marked++ == 0) touched_.push_back(block_[s]);
  }

  // Splits every touched block into marked and unmarked parts; calls
  // on_split(old_block, new_block) for each real split.
  template <typename F>
  void SplitTouched(F&& on_split) {
    for (uint32_t bi : touched_) {
      Block& b = blocks_[bi];
      uint32_t m = b.marked;
      b.marked = 0;
      if (m == b.end - b.begin) continue;
      uint32_t nb = static_cast<uint32_t>(blocks_.size());
      blocks_.push_back({b.begin, b.begin + m, 0});
      blocks_[bi].begin += m;
      for (uint32_t i = blocks_[nb].begin; i < blocks_[nb].end; ++i) block_[elems_[i]] = nb;
      on_split(bi, nb);
    }
    touched_.clear();
  }

  uint32_t num_blocks() const { return static_cast<uint32_t>(blocks_.size()); }
  uint32_t block_of(uint32_t s) const { return block_[s]; }
  uint32_t size(uint32_t b) const { return blocks_[b].end - blocks_[b].begin; }
  std::vector<uint32_t> members(uint32_t b) const {
    return std::vector<uint32_t>(elems_.begin() + blocks_[b].begin, elems_.begin() + blocks_[b].end);
  }

 private:
  struct Block {
    uint32_t begin, end, marked;
  };
  std::vector<uint32_t> elems_, pos_, block_;
  std::vector<Block> blocks_;
  std::vector<uint32_t> touched_;
};

}  // namespace

void Minimize(WeightedAutomaton* fsa) {
  const uint32_t n = fsa->num_states();
  if (n <= 1) return;
  // Letters: distinct (label, quantised weight) pairs.
  std::unordered_map<std::pair<uint32_t, int64_t>, uint32_t, PairHash> letters;
  std::vector<uint32_t> rbegin(n + 1, 0);
  for (uint32_t s = 0; s < n; ++s)
    for (const WeightedArc& a : fsa->arcs(s)) ++rbegin[a.next + 1];
  for (uint32_t s = 0; s < n; ++s) rbegin[s + 1] += rbegin[s];
  struct InArc {
    uint32_t letter, source;
  };
  std::vector<InArc> in(rbegin[n]);
  {
    std::vector<uint32_t> fill(rbegin.begin(), rbegin.end() - 1);
    for (uint32_t s = 0; s < n; ++s) {
      for (const WeightedArc& a : fsa->arcs(s)) {
        auto key = std::make_pair(a.label, Quantize(a.weight));
        auto it = letters.emplace(key, static_cast<uint32_t>(letters.size())).first;
        in[fill[a.next]++] = {it->second, s};
      }
    }
  }
  // Initial classes: quantised final weight (non-final is its own class).
  std::vector<uint32_t> cls(n);
  {
    std::map<int64_t, uint32_t> fin;
    for (uint32_t s = 0; s < n; ++s) {
      auto it = fin.emplace(Quantize(fsa->final_weight(s)), static_cast<uint32_t>(fin.size())).first;
      cls[s] = it->second;
    }
  }
  Partition p(n);
  p.Init(cls);
  std::vector<char> in_work(p.num_blocks(), 1);
  std::vector<uint32_t> work;
  for (uint32_t b = 0; b < p.num_blocks(); ++b) work.push_back(b);
  std::vector<InArc> splitter_in;
  while (!work.empty()) {
    uint32_t b = work.back();
    work.pop_back();
    in_work[b] = 0;
    splitter_in.clear();
    for (uint32_t t : p.members(b))
      for (uint32_t i = rbegin[t]; i < rbegin[t + 1]; ++i) splitter_in.push_back(in[i]);
    fsa->limits()->Tick(splitter_in.size() + 1);
    std::sort(splitter_in.begin(), splitter_in.end(),
              [](const InArc& x, const InArc& y) { return x.letter < y.letter; });
    size_t i = 0;
    while (i < splitter_in.size()) {
      size_t j = i;
      while (j < splitter_in.size() && splitter_in[j].letter == splitter_in[i].letter) p.Mark(splitter_in[j++].source);
      p.SplitTouched([&](uint32_t old_block, uint32_t new_block) {
        in_work.push_back(0);
        if (in_work[old_block]) {
          in_work[new_block] = 1;
          work.push_back(new_block);
        } else {
          uint32_t smaller = p.size(new_block) <= p.size(old_block) ? new_block : old_block;
          in_work[smaller] = 1;
          work.push_back(smaller);
        }
      });
      i = j;
    }
  }
  if (p.num_blocks() == n) return;
  // Rebuild on blocks; the start's block becomes state 0.
  const uint32_t nb = p.num_blocks();
  std::vector<uint32_t> id(nb, kEpsilon);
  std::vector<uint32_t> rep(nb, kEpsilon);
  uint32_t next_id = 0;
  id[p.block_of(fsa->start())] = next_id++;
  for (uint32_t s = 0; s < n; ++s) {
    uint32_t b = p.block_of(s);
    if (rep[b] == kEpsilon) rep[b] = s;
    if (id[b] == kEpsilon) id[b] = next_id++;
  }
  WeightedAutomaton out(fsa->limits());
  for (uint32_t k = 0; k < nb; ++k) out.AddState();
  out.SetStart(0);
  for (uint32_t b = 0; b < nb; ++b) {
    uint32_t s = rep[b];
    out.SetFinal(id[b], fsa->final_weight(s));
    for (const WeightedArc& a : fsa->arcs(s)) out.AddArc(id[b], a.label, a.weight, id[p.block_of(a.next)]);
  }
  *fsa = std::move(out);
}

}  // namespace asr::grammar
