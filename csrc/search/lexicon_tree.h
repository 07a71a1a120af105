// The search network: a prefix tree of triphone HMMs over the pronunciations
// of the search vocabulary, shared by all hypotheses (one tree, as in
// PocketSphinx's first pass).
//
// Cross-word context is exact at both ends of a word:
//  * word-initial phones depend on the previous word's last phone, which is
//    only known at run time, so root nodes are "multiplexed": each HMM state
//    picks its senone from a per-left-context table using the left context
//    its token carries;
//  * word-final phones depend on the next word's first phone, so they fan
//    out into one HMM per distinct senone sequence over the right contexts;
//    a word exit records its score per right context, and the next word's
//    root takes the one for its own first phone.
// Single-phone words are fan-outs that are also multiplexed. Fillers
// (silence, noises) are context-independent chains.
#pragma once

#include <cstdint>
#include <vector>

#include "search/search_vocabulary.h"

namespace asr {

class Mdef;
class TransitionMatrices;

enum class NodeKind : uint8_t {
  kRoot,      // first phone of a multi-phone word (multiplexed on left context)
  kInternal,  // word-internal phone, contexts fixed by the tree
  kFanout,    // last phone for a set of right contexts
  kSingle,    // single-phone word for a set of right contexts (multiplexed)
  kFiller,    // phone of a filler word (context-independent)
};

// One HMM of a word-final phone, for the right contexts it covers.
struct FanoutVariant {
  int32_t ssid = -1;     // senone sequence; -1 when multiplexed (single-phone words)
  int32_t lc_ssid = -1;  // multiplexed: offset into LcSsids()
  int32_t rc_begin = 0;  // right-context phones [rc_begin, rc_end) in RcPhones()
  int32_t rc_end = 0;
};

struct TreeNode {
  int32_t first_child = 0;   // children are nodes [first_child, first_child + num_children)
  int32_t num_children = 0;
  int32_t ssid = -1;         // senone sequence; -1 for multiplexed and fan-out nodes
  int32_t lc_ssid = -1;      // roots: offset into LcSsids() (one ssid per left-context phone)
  int32_t words_begin = 0;   // word-final nodes: search words [words_begin, words_end) end here
  int32_t words_end = 0;
  // Fan-out and single-phone nodes stand for several HMMs, one per variant
  // [variant_begin, variant_end) of Variants(); the variants depend only on
  // the phone and its left context, so words share them.
  int32_t variant_begin = 0;
  int32_t variant_end = 0;
  int16_t phone = 0;         // CI phone
  int16_t tmat = 0;          // transition matrix
  float lookahead = 0;       // best unigram ln-probability of the words below
  NodeKind kind = NodeKind::kInternal;

  bool ends_words() const { return words_end > words_begin; }
  int num_variants() const { return variant_end - variant_begin; }
};

class LexiconTree {
 public:
  // unigram_score[i]: the unigram ln-probability of search word i, which
  // the lookahead assumes before the word's real history is known.
  LexiconTree(const SearchVocabulary& vocab, const Mdef& mdef, const TransitionMatrices& tmat,
              const std::vector<float>& unigram_score);
  // `base` plus the words [first_new_word, vocab.size()) of `vocab` (whose
  // first words are base's), with every look-ahead recomputed from
  // `unigram_score`: what a recognizer with extra words or another LM
  // needs, built in a fraction of a full tree. The new words get their own
  // roots (no prefix sharing with the base words: few words, little cost).
  LexiconTree(const LexiconTree& base, const SearchVocabulary& vocab, int first_new_word, const Mdef& mdef,
              const TransitionMatrices& tmat, const std::vector<float>& unigram_score);
  LexiconTree(const LexiconTree&) = default;

  const std::vector<TreeNode>& nodes() const { return nodes_; }
  const TreeNode& node(int i) const { return nodes_[i]; }
  int num_nodes() const { return static_cast<int>(nodes_.size()); }

  // Nodes entered from word exits of an entry class, by the CI phone they
  // start with (roots and single-phone words).
  const std::vector<int32_t>& EntryNodes(int entry_class, int phone) const {
    return entries_[static_cast<size_t>(entry_class) * num_phones_ + phone];
  }
  // First nodes of the filler words of an entry class.
  const std::vector<int32_t>& FillerEntries(int entry_class) const { return filler_entries_[entry_class]; }
  int num_classes() const { return static_cast<int>(filler_entries_.size()); }

  const std::vector<int32_t>& WordList() const { return word_list_; }
  const std::vector<int16_t>& RcPhones() const { return rc_phones_; }
  const FanoutVariant& Variant(int i) const { return variants_[i]; }
  const int32_t* LcSsids(int offset) const { return lc_ssids_.data() + offset; }

  int num_phones() const { return num_phones_; }
  int silence_phone() const { return silence_phone_; }
  // The phone a right or left context is taken as (fillers count as silence).
  int ContextPhone(int phone) const { return context_phone_[phone]; }

 private:
  LexiconTree() = default;
  // Builds the tree of the search words `subset` of `vocab`.
  void Build(const SearchVocabulary& vocab, const std::vector<int>& subset, const Mdef& mdef,
             const TransitionMatrices& tmat, const std::vector<float>& unigram_score);
  void SetLookahead(const SearchVocabulary& vocab, const std::vector<float>& unigram_score);

  std::vector<TreeNode> nodes_;
  std::vector<std::vector<int32_t>> entries_;
  std::vector<std::vector<int32_t>> filler_entries_;
  std::vector<int32_t> word_list_;
  std::vector<int16_t> rc_phones_;
  std::vector<FanoutVariant> variants_;
  std::vector<int32_t> template_first_;  // construction: first variant of each template
  std::vector<int32_t> template_count_;
  std::vector<int32_t> lc_ssids_;
  std::vector<int16_t> context_phone_;
  int num_phones_ = 0;
  int silence_phone_ = 0;
};

}  // namespace asr
