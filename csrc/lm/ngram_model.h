// Back-off n-gram language model (orders 1..6) as a deterministic automaton
// over contexts, with KenLM's back-off semantics:
//   ln P(w | h) = prob(longest stored suffix s·w of h·w) + sum of the back-off
//                 weights of the stored contexts of h longer than s.
// A state is one context entry (slot 0: 0 = empty context, c+1 = context
// entry c). Each state is the longest suffix of the history that can still
// matter (it has extensions or a non-zero back-off weight), so equal futures
// give equal states, which is what the decoder needs for recombination.
// Scoring a word is a hash lookup of (state, word), falling back along
// stored back-off links; the successor state is precomputed per entry.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "lm/ngram_binary_format.h"
#include "lm/vocabulary.h"
#include "lm/word_sequence_model.h"

namespace asr::lm {

struct NgramLoadOptions {
  bool verify_checksum = true;  // hash the whole binary on load (catches bit rot)
};

class NgramModel final : public WordSequenceModel {
 public:
  // Validates `image` (see ValidateImage) and scores straight from it.
  NgramModel(NgramImage image, std::string name, bool verify_checksum = false);

  // Memory-maps a file in our binary format.
  static std::shared_ptr<NgramModel> LoadBinary(const std::string& path, const NgramLoadOptions& options = {});
  void SaveBinary(const std::string& path) const;
  const NgramImage& image() const { return image_; }
  const std::string& name() const { return name_; }

  // WordSequenceModel.
  const Vocabulary& vocab() const override { return vocab_; }
  State BeginState() const override { return begin_; }
  State NullState() const override { return State(); }
  float Score(const State& in, WordId word, State* out) const override {
    int unused;
    return ScoreFull(in, word, out, &unused);
  }
  float Final(const State& in) const override {
    State unused;
    return Score(in, vocab_.eos(), &unused);
  }
  int StateWords() const override { return 1; }

  // As Score, also reporting the length of the matched n-gram (KenLM's
  // ngram_length). Words >= vocab().size() score as <unk>.
  float ScoreFull(const State& in, WordId word, State* out, int* ngram_length) const {
    const WordId w = word < vocab_size_ ? word : vocab_.unk();
    uint32_t s = in.slot[0];
    float acc = 0.0f;
    // If every context misses we end at the unigram; fetch it meanwhile.
    __builtin_prefetch(&a_.entry_value[w]);
    while (s != 0) {
      const ContextRecord& c = a_.contexts[s - 1];
      const uint32_t e = FindChild(s, c, w);
      if (e != kNone) {
        const EntryValue v = a_.entry_value[e];
        SetState(out, v.next);
        *ngram_length = OrderOfEntry(e);
        return acc + v.prob;
      }
      acc += c.backoff_weight;
      s = c.backoff_state;
    }
    const EntryValue v = a_.entry_value[w];
    SetState(out, v.next);
    *ngram_length = 1;
    return acc + v.prob;
  }

  bool IsValidState(const State& s) const override {
    return s.slot[0] <= contexts_ && s.slot[1] == 0 && s.slot[2] == 0 && s.slot[3] == 0;
  }

  int order() const { return order_; }
  // Number of stored n-grams of order k (1-based), including any blanks.
  uint64_t count(int k) const { return (k >= 1 && k <= order_) ? a_.header->counts[k - 1] : 0; }
  // The count the source file declared for order k (ARPA \data\, lm.bin header).
  uint64_t declared_count(int k) const {
    return (k >= 1 && k <= order_) ? a_.header->declared_counts[k - 1] : 0;
  }

  // The i-th n-gram of order k (lexicographic order): writes its k words to
  // `words` and returns its entry's ln probability; *ln_backoff gets its
  // back-off weight (0 for the highest order). Finds each parent by
  // bisecting the child ranges of the order below, so O(k log n).
  float NgramAt(int k, uint64_t i, WordId* words, float* ln_backoff) const;

  // Calls f(words, k, ln_prob, ln_backoff) for every n-gram of order k in
  // lexicographic order of word ids (back-off is 0 for the highest order).
  void ForEachNgram(int k, const std::function<void(const WordId*, int, float, float)>& f) const;

 private:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;

  // The child of state s (context record c) with word w, or kNone.
  uint32_t FindChild(uint32_t s, const ContextRecord& c, WordId w) const {
    const uint64_t h = NgramSlotHash(s, w);
    const uint32_t tag = entry_bits_ >= 32 ? 0u : static_cast<uint32_t>(h >> 40) << entry_bits_;
    uint64_t i = h & table_mask_;
    for (;;) {
      const uint32_t v = a_.ngram_table[i];
      if (v == 0) return kNone;
      if ((v & ~entry_mask_) == tag) {
        // Verify: the entry has this word and lies in this context's range.
        const uint32_t e = (v & entry_mask_) - 1;
        __builtin_prefetch(&a_.entry_value[e]);  // needed on a hit: overlap it with the check
        if (a_.entry_word[e] == w && e >= c.child_begin && e < (&c + 1)->child_begin) return e;
      }
      i = (i + 1) & table_mask_;
    }
  }
  int OrderOfEntry(uint32_t e) const {
    int k = 1;
    while (k < order_ && e >= a_.layout.order_begin[k]) ++k;
    return k;
  }
  static void SetState(State* out, uint32_t s) {
    out->slot[0] = s;
    out->slot[1] = out->slot[2] = out->slot[3] = 0;
  }
  void Visit(int depth, int k, uint32_t entry, WordId* words,
             const std::function<void(const WordId*, int, float, float)>& f) const;

  NgramImage image_;
  std::string name_;
  NgramArrays a_;
  Vocabulary vocab_;
  uint32_t vocab_size_ = 0;
  uint32_t contexts_ = 0;
  int order_ = 0;
  int entry_bits_ = 0;
  uint32_t entry_mask_ = 0;
  uint64_t table_mask_ = 0;
  State begin_;
};

}  // namespace asr::lm
