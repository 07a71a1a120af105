// One order's bit-packed n-gram records (see ngram_binary_format.h), as the
// scorer reads them: field accessors and the child search.
//
// Every accessor is safe on a corrupt image without any validation pass:
// fields are masked to their width, codebooks have 2^bits entries, and child
// indices and states are clamped to the sizes known from the header. Callers
// only pass record indices <= records (the sentinel of orders < N).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "lm/bit_packing.h"

namespace asr::lm {

struct PackedLevel {
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  static constexpr uint32_t kScanRecords = 24;  // at most ~4 cache lines

  const uint8_t* bits = nullptr;
  uint64_t record_bits = 0;
  uint64_t word_mask = 0, prob_mask = 0, backoff_mask = 0, child_mask = 0, state_mask = 0;
  uint32_t prob_at = 0, backoff_at = 0, child_at = 0, state_at = 0;  // bit offsets in a record
  const float* prob_codebook = nullptr;     // nullptr: the field is a raw float
  const float* backoff_codebook = nullptr;  // nullptr: the field is a raw float
  uint32_t records = 0;      // n-grams of this order (the sentinel is extra)
  uint32_t child_limit = 0;  // n-grams of the next order
  uint32_t state_limit = 0;  // contexts (the largest state id)
  // The back-off field value that means exactly +0.0 (the builder turns -0.0
  // into +0.0), or a value no field can hold: lets the scorer test "no
  // back-off weight" without a codebook load on its critical path.
  uint32_t zero_backoff = kNone;

  uint32_t Field(uint64_t i, uint32_t at, uint64_t mask) const { return ReadBits(bits, i * record_bits + at, mask); }
  uint32_t Word(uint64_t i) const { return Field(i, 0, word_mask); }
  float Prob(uint64_t i) const { return Value(Field(i, prob_at, prob_mask), prob_codebook); }
  float Backoff(uint64_t i) const { return Value(Field(i, backoff_at, backoff_mask), backoff_codebook); }
  bool BackoffIsZero(uint64_t i) const { return Field(i, backoff_at, backoff_mask) == zero_backoff; }
  uint32_t ChildBegin(uint64_t i) const { return std::min(Field(i, child_at, child_mask), child_limit); }
  uint32_t State(uint64_t i) const { return std::min(Field(i, state_at, state_mask), state_limit); }

  static float Value(uint32_t field, const float* codebook) {
    if (codebook != nullptr) return codebook[field];
    float f;
    std::memcpy(&f, &field, 4);
    return f;
  }

  // The record in [begin, end) whose word is w (< vocab_size), or kNone.
  uint32_t Find(uint32_t begin, uint32_t end, uint32_t w, uint32_t vocab_size) const {
    // Children are sorted, distinct word ids spread over the vocabulary, so
    // interpolation search needs few probes (each a likely cache miss) where
    // bisection would need log2(n); a few rounds of it, then bisection keeps
    // the worst case logarithmic. The first guess assumes the children span
    // the whole vocabulary, which saves reading both ends of the range.
    // Invariant: the match, if any, is in [begin, end) with lo_w <= w <= hi_w,
    // which also keeps every probe inside the range on a corrupt level.
    if (begin < end && end - begin > kScanRecords) {
      uint32_t lo_w = 0, hi_w = vocab_size - 1;
      for (int round = 0; round < 3 && end - begin > kScanRecords; ++round) {
        if (w < lo_w || w > hi_w) return kNone;
        const uint32_t pos = begin + static_cast<uint32_t>(static_cast<uint64_t>(w - lo_w) * (end - 1 - begin) /
                                                           (static_cast<uint64_t>(hi_w - lo_w) + 1));
        const uint32_t v = Word(pos);
        if (v == w) return pos;
        if (v < w) {
          begin = pos + 1;
          lo_w = v + 1;
        } else {
          end = pos;
          hi_w = v - 1;
        }
      }
    }
    while (begin < end && end - begin > kScanRecords) {
      const uint32_t mid = begin + ((end - begin) >> 1);
      if (Word(mid) < w) {
        begin = mid + 1;
      } else {
        end = mid + 1;
      }
    }
    if (begin >= end) return kNone;
    // Fetch the few cache lines of the remaining records at once, so their
    // misses overlap, then scan.
    const uint8_t* line = bits + ((begin * record_bits) >> 3);
    const uint8_t* last = bits + ((end * record_bits) >> 3);
    for (line = reinterpret_cast<const uint8_t*>(reinterpret_cast<uintptr_t>(line) & ~uintptr_t{63}); line <= last;
         line += 64)
      __builtin_prefetch(line);
    for (; begin < end; ++begin) {
      const uint32_t v = Word(begin);
      if (v >= w) return v == w ? begin : kNone;
    }
    return kNone;
  }
};

}  // namespace asr::lm
