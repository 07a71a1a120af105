// Confusion network (word-level consensus bins) of a word lattice, by pivot
// alignment (after Hakkani-Tür et al., "Beyond ASR 1-best", 2006): the
// lattice's best path is the pivot; each of its words opens a bin and so
// does each gap between them. A word instance that covers a pivot word's
// middle frame joins that word's bin (no path has two such instances, so
// a pivot bin's posteriors are exact path probabilities); any other joins
// the gap bin between the middles around it. A bin's words are the
// distinct texts of its instances with their summed lattice posteriors (at
// most 1); what they leave of probability one is the posterior of "no word
// here" (epsilon). Silence and noise instances are epsilon.
//
// Consensus decoding (Mangu et al., 2000) takes, bin by bin, the word with
// the highest posterior when it beats epsilon: it minimises the expected
// word errors under the network instead of maximising the sentence
// probability as the lattice best path does.
#pragma once

#include <string>
#include <vector>

#include "search/word_lattice.h"

namespace asr {

struct ConfusionOptions {
  double min_posterior = 1e-4;  // instances below this posterior are left out
};

struct BinWord {
  std::string text;     // as the dictionary spells it (one entry for all pronunciations)
  double posterior = 0; // summed posterior of its instances in the bin, at most 1
  int instance = -1;    // its instance with the highest posterior
  int start = 0, end = -1;  // that instance's frames
};

struct ConfusionBin {
  int start = 0;         // first frame
  int end = -1;          // last frame
  bool pivot = false;    // opened by a word of the best path (else a gap bin)
  std::vector<BinWord> words;  // by posterior, highest first
  double epsilon = 1;    // posterior of no word in this bin: max(0, 1 - sum of words)
};

// One word of the consensus hypothesis.
struct ConsensusWord {
  int bin = -1;
  int word = -1;         // index into the bin's words
  int start = 0, end = -1;  // frames, clipped so words never overlap
  double posterior = 0;
};

class ConfusionNetwork {
 public:
  explicit ConfusionNetwork(const WordLattice& lattice, const ConfusionOptions& options = {});

  // Bins in time order; empty gap bins are dropped.
  const std::vector<ConfusionBin>& bins() const { return bins_; }
  // The bin each lattice instance joined (index into bins()); -1 for
  // silence, noise, the utterance start and instances below min_posterior.
  const std::vector<int>& bin_of() const { return bin_of_; }
  // The consensus hypothesis: per bin, its best word if that beats epsilon.
  std::vector<ConsensusWord> BestPath() const;

 private:
  std::vector<ConfusionBin> bins_;
  std::vector<int> bin_of_;
  int num_frames_ = 0;
};

}  // namespace asr
