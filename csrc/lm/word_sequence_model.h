// The one question the search asks of whatever constrains word order:
// "how likely is `word` after this state, and where do we go next?".
//
// N-gram models, grammar FSAs, base+custom interpolation and word boosts all
// implement this interface, so the decoder is written once against it. States
// are small fixed-size values (no allocation, hashable, comparable) because
// the decoder stores one per token and recombines tokens on equal states.
#pragma once

#include <cstdint>
#include <cstring>

namespace asr::lm {

class Vocabulary;

using WordId = uint32_t;
inline constexpr WordId kNoWord = 0xFFFFFFFFu;

// A model's position in a word sequence. Each model uses the first
// StateWords() slots and leaves the rest zero, so wrapping models (interpolation,
// boosts) can stack their inner models' states next to their own.
struct State {
  static constexpr int kSlots = 4;
  uint32_t slot[kSlots] = {0, 0, 0, 0};

  bool operator==(const State& o) const { return std::memcmp(slot, o.slot, sizeof(slot)) == 0; }
  bool operator!=(const State& o) const { return !(*this == o); }
};

struct StateHash {
  size_t operator()(const State& s) const {
    uint64_t a, b;
    std::memcpy(&a, &s.slot[0], 8);
    std::memcpy(&b, &s.slot[2], 8);
    uint64_t h = (a ^ (b * 0x9E3779B97F4A7C15ull)) * 0xFF51AFD7ED558CCDull;
    return static_cast<size_t>(h ^ (h >> 32));
  }
};

// Scores are natural-log probabilities (float32) throughout.
class WordSequenceModel {
 public:
  virtual ~WordSequenceModel() = default;

  // Words this model knows; unknown words map to vocab().unk().
  virtual const Vocabulary& vocab() const = 0;

  // State after the sentence-start marker <s>.
  virtual State BeginState() const = 0;
  // State with no left context (scoring a fragment).
  virtual State NullState() const = 0;

  // ln P(word | in); writes the successor state to *out (which may alias &in).
  virtual float Score(const State& in, WordId word, State* out) const = 0;

  // ln P(</s> | in): the cost of ending the sentence here.
  virtual float Final(const State& in) const = 0;

  // How many State slots this model uses (wrappers put theirs after it).
  virtual int StateWords() const = 0;

  // True if `s` could have come from this model; lets bindings reject
  // foreign or forged states instead of reading out of bounds.
  virtual bool IsValidState(const State& s) const = 0;
};

}  // namespace asr::lm
