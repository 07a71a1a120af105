// Packs a compiled back-off automaton, held in plain arrays, into our binary
// image (ngram_binary_format.h): chooses each level's field widths and
// value codebooks, writes the sections and the checksums.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lm/ngram_binary_format.h"

namespace asr::lm {

// Everything the scorer needs, one entry per n-gram in the global numbering
// (orders 1..N in turn, each sorted; unigram i is word i; contexts are the
// entries of orders 1..N-1, and state c+1 is context c).
struct NgramTables {
  std::vector<std::string> vocab;
  std::vector<uint64_t> counts;            // per order
  std::vector<uint32_t> declared_counts;   // per order, informational
  std::vector<uint32_t> word;              // [E] last word of each n-gram
  std::vector<float> prob;                 // [E] ln probability
  std::vector<float> backoff;              // [C] ln back-off weight
  std::vector<uint32_t> child_begin;       // [C+1] first child (global entry); [C] = E
  std::vector<uint32_t> backoff_state;     // [C] longest useful proper suffix
  std::vector<uint32_t> next;              // [E] successor state

  int order() const { return static_cast<int>(counts.size()); }
};

NgramImage WriteNgramImage(const NgramTables& t, const std::string& source);

}  // namespace asr::lm
