// Interpolated modified Kneser-Ney estimation (Chen & Goodman) of a back-off
// n-gram model from tokenised sentences; this is how custom language models
// are trained.
//
// Definitions (the tests reproduce them with a slow direct computation):
//  * Each sentence is padded as <s> w1 .. wn </s>; empty sentences are skipped.
//  * Adjusted counts a(g): raw counts for the highest order and for n-grams
//    starting with <s>; otherwise the number of distinct words seen before g.
//  * Discounts per order from the counts-of-counts n1..n4 of a():
//      Y = n1/(n1+2 n2), D1 = 1-2Y n2/n1, D2 = 2-3Y n3/n2, D3+ = 3-4Y n4/n3,
//    replaced by MknOptions::fallback when any n_r is 0 or D_r is not in (0, r).
//  * p(w|h) = max(a(hw) - D(a(hw)), 0)/S(h) + gamma(h) p(w|h'), with S(h) the
//    sum of a(hx), gamma(h) = (D1 N1(h) + D2 N2(h) + D3+ N3+(h)) / S(h), and h'
//    h without its oldest word; unigrams interpolate with the uniform
//    distribution over the vocabulary without <s> (so <unk> and unseen extra
//    words get mass). <s> itself is never predicted (log10 prob -99).
//  * Written as a back-off model: every seen n-gram with p(w|h), contexts with
//    back-off weight gamma(h); this reproduces the interpolated p exactly.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "lm/ngram_lists.h"

namespace asr::lm {

struct MknOptions {
  int order = 3;                                       // n-gram order, 1..6
  std::array<double, 3> fallback = {0.5, 1.0, 1.5};    // D1, D2, D3+ when estimates are invalid
  std::vector<std::string> extra_words;                // vocabulary to include even if unseen
};

// Per-order discounts actually used (for reporting and tests).
struct MknDiscounts {
  std::array<double, 3> d = {0, 0, 0};
  bool fallback = false;
};

// Tokenises each sentence on ASCII whitespace. Throws InvalidArgument for
// <s> or </s> inside a sentence. `discounts`, if not null, receives one entry
// per order.
NgramSet EstimateMkn(const std::vector<std::string>& sentences, const MknOptions& options,
                     std::vector<MknDiscounts>* discounts = nullptr);

}  // namespace asr::lm
