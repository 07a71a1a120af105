// Back-off n-gram language model (orders 1..6) as a deterministic automaton
// over contexts, with KenLM's back-off semantics:
//   ln P(w | h) = prob(longest stored suffix s·w of h·w) + sum of the back-off
//                 weights of the stored contexts of h longer than s.
// A state is one context n-gram (slot 0: 0 = empty context, c+1 = context
// entry c, numbering the n-grams of orders 1..N-1 in order). Each state is
// the longest suffix of the history that can still matter (it has extensions
// or a non-zero back-off weight), so equal futures give equal states, which
// is what the decoder needs for recombination.
// Scoring a word searches the children of the state's n-gram (a sorted run of
// bit-packed records, see ngram_levels.h), falling back along back-off links;
// the successor state is stored per highest-order n-gram and derived for the
// others from their own record.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "lm/ngram_binary_format.h"
#include "lm/vocabulary.h"
#include "lm/word_sequence_model.h"

namespace asr::lm {

struct NgramLoadOptions {
  // Hash the whole binary on load (catches bit rot in the n-gram levels, and
  // makes every page resident). Without it the header, vocabulary, unigrams
  // and codebooks are still checksummed and checked, and the levels are read
  // through clamping accessors, so a corrupt file never crashes.
  bool verify_checksum = true;
};

class NgramModel final : public WordSequenceModel {
 public:
  // Checks `image` (see OpenImage) and scores straight from it.
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
    // If every context misses we end at the unigram; fetch it meanwhile.
    __builtin_prefetch(&unigrams_[w]);
    uint32_t s = in.slot[0];
    float acc = 0.0f;
    // Each back-off goes to a shorter context, so a valid state needs at
    // most order-1 rounds; the bound also stops a corrupt image's cycles.
    for (int round = 1; round < order_ && s != 0; ++round) {
      const uint32_t c = s - 1;
      if (c < vocab_size_) {  // a unigram context: its children are the bigrams
        const UnigramRecord& u = unigrams_[c];
        uint32_t begin = u.child_begin, end = (&u + 1)->child_begin;
        const DirectoryEntry* d = Bucket(u, w);
        if (d != nullptr) {  // narrow to w's bucket (offsets clamped to the range)
          const uint32_t hi = std::min(d[1].first, end - begin), lo = std::min(d[0].first, hi);
          end = begin + hi;
          begin += lo;
          if (((d[0].words_mask >> (w % 32)) & 1) == 0) end = begin;  // surely absent
        }
        const uint32_t i = a_.levels[2].Find(begin, end, w, vocab_size_);
        if (i != PackedLevel::kNone) return Hit(2, i, acc, out, ngram_length);
        acc += u.backoff;
        s = 0;
      } else {
        int k = 2;  // the context's order
        while (k + 1 < order_ && c >= a_.layout.order_begin[k]) ++k;
        const PackedLevel& L = a_.levels[k];
        const uint32_t j = c - static_cast<uint32_t>(a_.layout.order_begin[k - 1]);
        // Most searches from an order-2 context miss and back off to the
        // unigram of its word; start fetching that lookup's bucket now.
        if (k == 2) {
          const DirectoryEntry* d = Bucket(unigrams_[std::min(L.Word(j), vocab_size_ - 1)], w);
          if (d != nullptr) __builtin_prefetch(d);
        }
        const uint32_t i = a_.levels[k + 1].Find(L.ChildBegin(j), L.ChildBegin(j + 1), w, vocab_size_);
        if (i != PackedLevel::kNone) return Hit(k + 1, i, acc, out, ngram_length);
        acc += L.Backoff(j);
        // Order-2 contexts back off to their word's unigram (not minimised:
        // an unhelpful unigram just misses and adds 0).
        s = k == 2 ? std::min(L.Word(j), vocab_size_ - 1) + 1 : L.State(j);
      }
    }
    SetState(out, UnigramState(w));
    *ngram_length = 1;
    return acc + unigrams_[w].prob;
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
  // `words` and returns its ln probability; *ln_backoff gets its back-off
  // weight (0 for the highest order). Finds each parent by bisecting the
  // child ranges of the order below, so O(k log n).
  float NgramAt(int k, uint64_t i, WordId* words, float* ln_backoff) const;

  // Calls f(words, k, ln_prob, ln_backoff) for every n-gram of order k in
  // lexicographic order of word ids (back-off is 0 for the highest order).
  // Throws FormatError if the image's child ranges or word ids are corrupt.
  void ForEachNgram(int k, const std::function<void(const WordId*, int, float, float)>& f) const;

 private:
  // Record i of order k matched: its probability, and the next state.
  float Hit(int k, uint32_t i, float acc, State* out, int* ngram_length) const {
    const PackedLevel& L = a_.levels[k];
    const float prob = L.Prob(i);
    uint32_t next;
    if (k == order_) {
      next = L.State(i);
    } else if (L.ChildBegin(i) != L.ChildBegin(i + 1) || !L.BackoffIsZero(i)) {
      next = static_cast<uint32_t>(a_.layout.order_begin[k - 1]) + i + 1;  // useful: itself
    } else {
      next = k == 2 ? UnigramState(std::min(L.Word(i), vocab_size_ - 1)) : L.State(i);
    }
    SetState(out, next);
    *ngram_length = k;
    return acc + prob;
  }
  // The directory entries bounding w's bucket among the children of unigram
  // record u, or nullptr if u has no directory.
  const DirectoryEntry* Bucket(const UnigramRecord& u, WordId w) const {
    const uint32_t entries = (&u + 1)->dir_begin - u.dir_begin;
    return entries >= 2 ? directory_ + u.dir_begin + DirectoryBucket(w, entries - 1, dir_scale_) : nullptr;
  }
  // The state after unigram w: itself if it can matter, else the empty context.
  uint32_t UnigramState(WordId w) const {
    const UnigramRecord& u = unigrams_[w];
    return order_ > 1 && (u.child_begin != (&u + 1)->child_begin || u.backoff != 0.0f) ? w + 1 : 0;
  }
  static void SetState(State* out, uint32_t s) {
    out->slot[0] = s;
    out->slot[1] = out->slot[2] = out->slot[3] = 0;
  }
  // First child and end of the children of the n-gram (k, i), k < order.
  void Children(int k, uint32_t i, uint32_t* begin, uint32_t* end) const;
  void Visit(int depth, int k, uint32_t i, WordId* words, uint32_t* expect,
             const std::function<void(const WordId*, int, float, float)>& f) const;

  NgramImage image_;
  std::string name_;
  NgramArrays a_;
  const UnigramRecord* unigrams_ = nullptr;
  const DirectoryEntry* directory_ = nullptr;
  uint64_t dir_scale_ = 0;
  Vocabulary vocab_;
  uint32_t vocab_size_ = 0;
  uint32_t contexts_ = 0;
  int order_ = 0;
  State begin_;
};

}  // namespace asr::lm
