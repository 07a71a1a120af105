// Compiles n-gram tables (from ARPA, lm.bin or the estimator) into the
// back-off automaton image that NgramModel scores from.
//
// It sorts each order, rejects duplicates, adds <unk>/<s>/</s> when missing
// (at log10 -100, as KenLM does for <unk>), inserts "blank" contexts for
// n-grams whose prefix is missing (probability computed by back-off, weight
// 0, so scores are unchanged), and precomputes back-off links and successor
// states; ngram_image_writer.h then packs the result.
#pragma once

#include "lm/ngram_binary_format.h"
#include "lm/ngram_lists.h"

namespace asr::lm {

// Consumes `set` (its lists are sorted and extended in place).
NgramImage BuildNgramImage(NgramSet& set);

}  // namespace asr::lm
