// Keyword spotting in a word lattice: every chain of instances that spells
// a keyword (one or more words, compared case-insensitively as ASCII), with
// at most `max_gap_frames` of silence or noise between its words, gets its
// posterior from the lattice's forward-backward scores (the probability of
// all paths through the chain). Chains of one keyword that overlap in time
// are the same spoken occurrence found with other word boundaries: they are
// one hit, whose posterior is their sum (they share no path) and whose times
// are those of its best chain.
#pragma once

#include <string>
#include <vector>

#include "search/word_lattice.h"

namespace asr {

struct KeywordOptions {
  int max_gap_frames = 10;      // silence or noise allowed between a keyword's words (0.1 s)
  double min_posterior = 1e-4;  // chains (and hits) less probable than this are not reported
  int max_chains = 100000;      // bound on the chains examined per keyword
};

struct KeywordHit {
  int keyword = -1;       // index into the keywords searched
  int start = 0, end = -1;  // frames of the best chain's first and last words
  double posterior = 0;   // summed posterior of the hit's chains, at most 1
  std::vector<std::vector<int>> chains;  // instances of each chain (best first), gaps included
};

// Hits of each keyword (a keyword is its words), keywords in the order
// given, each keyword's hits in time order.
std::vector<KeywordHit> SpotKeywords(const WordLattice& lattice, const std::vector<std::vector<std::string>>& keywords,
                                     const KeywordOptions& options = {});

}  // namespace asr
