// A memo in front of a WordSequenceModel for one decoder (or one lattice
// construction): the search asks for the same (state, word) again and again
// - a word's HMM exits on consecutive frames from one predecessor, and a
// lattice scores every link from one source state to each instance of a
// word - and composed models (base + custom, open vocabulary, boosts) pay
// several n-gram lookups and a log-add per question.
//
// Direct-mapped: a slot holds one (state, word) and the model's answer
// (score and successor state), bit for bit, so a hit returns exactly what
// Score would. Not thread-safe: one per decoder / per lattice being built.
// The model must outlive the cache and stay unchanged (models are immutable).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lm/word_sequence_model.h"

namespace asr::lm {

class ScoreCache {
 public:
  // 2^log2_slots slots of 40 bytes, allocated on first use.
  explicit ScoreCache(const WordSequenceModel& model, int log2_slots = 15)
      : model_(model), log2_slots_(log2_slots < 4 ? 4 : (log2_slots > 22 ? 22 : log2_slots)) {}

  const WordSequenceModel& model() const { return model_; }

  float Score(const State& in, WordId word, State* out) {
    if (slots_.empty()) slots_.resize(size_t{1} << log2_slots_);
    Slot& s = slots_[Index(in, word)];
    if (s.word == word && s.in == in) {
      ++hits_;
      *out = s.out;
      return s.score;
    }
    ++misses_;
    const State key = in;  // `out` may alias `in`
    s.score = model_.Score(key, word, &s.out);
    s.in = key;
    s.word = word;
    *out = s.out;
    return s.score;
  }

  int64_t hits() const { return hits_; }
  int64_t misses() const { return misses_; }

 private:
  struct Slot {
    State in;
    State out;
    WordId word = kNoWord;  // kNoWord: empty
    float score = 0;
  };

  size_t Index(const State& in, WordId word) const {
    uint64_t h = static_cast<uint64_t>(StateHash()(in)) ^ (static_cast<uint64_t>(word) * 0x9E3779B97F4A7C15ull);
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return static_cast<size_t>(h & ((uint64_t{1} << log2_slots_) - 1));
  }

  const WordSequenceModel& model_;
  int log2_slots_;
  std::vector<Slot> slots_;
  int64_t hits_ = 0, misses_ = 0;
};

}  // namespace asr::lm
