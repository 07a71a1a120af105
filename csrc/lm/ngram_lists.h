// Plain n-gram tables as readers and the estimator produce them, before they
// are compiled into the scoring image (ngram_builder.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lm/word_sequence_model.h"

namespace asr::lm {

// All n-grams of one order. Scores are natural logs.
struct NgramList {
  int order = 0;
  std::vector<WordId> words;    // order ids per n-gram, oldest word first (unused for unigrams)
  std::vector<float> prob;      // ln P(last word | the others)
  std::vector<float> backoff;   // ln back-off weight of the n-gram as a context (0 if none)
  std::vector<uint32_t> line;   // source line per n-gram for error messages (may be empty)

  size_t size() const { return prob.size(); }
  const WordId* at(size_t i) const { return words.data() + i * static_cast<size_t>(order); }
};

struct NgramSet {
  std::string source;               // file name (or description) for messages
  std::vector<std::string> vocab;   // word i has unigram i
  std::vector<NgramList> lists;     // lists[k-1] holds order k
  std::vector<uint64_t> declared_counts;  // as the source file states them (informational)
};

}  // namespace asr::lm
