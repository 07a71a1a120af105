#include "search/confusion_network.h"

#include <algorithm>
#include <unordered_map>

namespace asr {

namespace {
int Overlap(int a0, int a1, int b0, int b1) { return std::max(0, std::min(a1, b1) - std::max(a0, b0) + 1); }
}  // namespace

ConfusionNetwork::ConfusionNetwork(const WordLattice& lattice, const ConfusionOptions& options) {
  const auto& inst = lattice.instances();
  const auto& post = lattice.Posteriors();
  const SearchVocabulary& vocab = lattice.vocabulary();
  const int n = static_cast<int>(inst.size());
  bin_of_.assign(n, -1);
  num_frames_ = lattice.num_frames();
  if (lattice.empty() || post.empty()) return;
  auto hidden = [&](int i) { return inst[i].word < 0 || vocab.word(inst[i].word).hidden(); };
  std::vector<int> pivot;
  for (int i : lattice.BestPath().instances)
    if (!hidden(i)) pivot.push_back(i);
  const int m = static_cast<int>(pivot.size());
  // Slot 2k is the gap before pivot word k, slot 2k+1 the word itself. An
  // instance joins a pivot word's slot when it covers that word's middle
  // frame (of the middles it covers, the word it overlaps most): the
  // instances of one path never overlap, so a path puts at most one word in
  // a pivot slot and the slot's posteriors never count a path twice. An
  // instance that covers no middle joins the gap between the middles around it.
  std::vector<int> slot_of(n, -1);
  std::vector<int> middles(m);
  for (int k = 0; k < m; ++k) middles[k] = (inst[pivot[k]].start + inst[pivot[k]].end) / 2;
  for (int i = 1; i < n; ++i) {
    if (hidden(i) || post[i] < options.min_posterior) continue;
    const WordInstance& w = inst[i];
    // First pivot middle at or after the instance's start.
    const int k = static_cast<int>(std::lower_bound(middles.begin(), middles.end(), w.start) - middles.begin());
    if (k == m || middles[k] > w.end) {
      slot_of[i] = 2 * k;
      continue;
    }
    int best = k, best_overlap = -1;
    for (int j = k; j < m && middles[j] <= w.end; ++j) {
      const int o = Overlap(w.start, w.end, inst[pivot[j]].start, inst[pivot[j]].end);
      if (o > best_overlap) best = j, best_overlap = o;
    }
    slot_of[i] = 2 * best + 1;
  }
  // Gather the slots' words by text.
  std::vector<ConfusionBin> slots(2 * m + 1);
  std::vector<std::unordered_map<std::string, int>> index(slots.size());
  for (int k = 0; k < m; ++k) {
    slots[2 * k + 1].pivot = true;
    slots[2 * k + 1].start = inst[pivot[k]].start;
    slots[2 * k + 1].end = inst[pivot[k]].end;
  }
  for (int i = 1; i < n; ++i) {
    const int s = slot_of[i];
    if (s < 0) continue;
    ConfusionBin& bin = slots[s];
    const std::string& text = vocab.word(inst[i].word).text;
    auto [it, fresh] = index[s].emplace(text, static_cast<int>(bin.words.size()));
    if (fresh) bin.words.push_back(BinWord{text, 0.0, i, inst[i].start, inst[i].end});
    BinWord& bw = bin.words[it->second];
    bw.posterior += post[i];
    if (post[i] > post[bw.instance]) bw = BinWord{text, bw.posterior, i, inst[i].start, inst[i].end};
  }
  std::vector<int> bin_of_slot(slots.size(), -1);
  for (size_t s = 0; s < slots.size(); ++s) {
    ConfusionBin& bin = slots[s];
    if (bin.words.empty() && !bin.pivot) continue;
    double total = 0;
    for (BinWord& bw : bin.words) {
      bw.posterior = std::min(1.0, bw.posterior);
      total += bw.posterior;
    }
    std::stable_sort(bin.words.begin(), bin.words.end(),
                     [](const BinWord& a, const BinWord& b) { return a.posterior > b.posterior; });
    bin.epsilon = std::max(0.0, 1.0 - total);
    if (!bin.pivot) {  // a gap bin spans its best word's instance
      bin.start = bin.words[0].start;
      bin.end = bin.words[0].end;
    }
    bin_of_slot[s] = static_cast<int>(bins_.size());
    bins_.push_back(std::move(bin));
  }
  for (int i = 1; i < n; ++i)
    if (slot_of[i] >= 0) bin_of_[i] = bin_of_slot[slot_of[i]];
}

std::vector<ConsensusWord> ConfusionNetwork::BestPath() const {
  std::vector<ConsensusWord> out;
  int last_end = -1;
  for (size_t b = 0; b < bins_.size(); ++b) {
    const ConfusionBin& bin = bins_[b];
    if (bin.words.empty() || !(bin.words[0].posterior > bin.epsilon)) continue;
    ConsensusWord w;
    w.bin = static_cast<int>(b);
    w.word = 0;
    w.posterior = bin.words[0].posterior;
    // Times of the word's own best instance, clipped to follow the previous word.
    w.start = std::min(std::max(bin.words[0].start, last_end + 1), num_frames_ - 1);
    w.end = std::max(w.start, bin.words[0].end);
    out.push_back(w);
    last_end = w.end;
  }
  return out;
}

}  // namespace asr
