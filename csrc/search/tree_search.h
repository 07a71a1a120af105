// Time-synchronous Viterbi beam search over the lexicon tree, driven by a
// word-sequence model (n-gram, grammar, interpolation — anything behind
// lm::WordSequenceModel).
//
// Token passing: each active HMM state holds its best path score, the word
// exit that path started from and (for multiplexed nodes) its left-context
// phone. Language-model scores are applied at word ends, using the history
// of the word's own path; unigram lookahead scores ride along inside the
// tree so that pruning can see them. Every word end that survives the word
// beam is recorded in a WordExitTable. Per-utterance state only: the tree
// and the models are shared.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "lm/score_cache.h"
#include "search/hmm_tokens.h"
#include "search/lexicon_tree.h"
#include "search/search_options.h"
#include "search/word_exits.h"

namespace asr {

class Mdef;
class TransitionMatrices;

class TreeSearch {
 public:

  TreeSearch(std::shared_ptr<const LexiconTree> tree, const SearchVocabulary& vocab, const Mdef& mdef,
             const TransitionMatrices& tmat, const lm::WordSequenceModel& lm, const SearchOptions& options);

  void StartUtterance();
  // Senones the next Step will read (those of the active HMM states).
  void ActiveSenones(std::vector<int>* senones);
  // Advances one frame; senone_scores holds (at least) the active senones.
  void Step(const float* senone_scores);
  int frames() const { return frame_; }

  // Best hypothesis so far (partial) or at the end (final: adds the
  // sentence-end score). Fillers are included; callers drop them for text.
  std::vector<WordSegment> BestPath(bool final, double* total_score = nullptr) const;
  const WordExitTable& exits() const { return table_; }

  // Statistics of the last frames, for tuning.
  int active_hmms() const { return static_cast<int>(active_.size()); }
  int64_t total_hmm_evaluations() const { return hmm_evals_; }
  const lm::ScoreCache& lm_cache() const { return lm_cache_; }

 private:
  struct Hmm : HmmTokens {
    int32_t node;
    int32_t variant;  // fan-out variant (index into the tree's variants), -1 for plain nodes
    // Resolved once when the HMM is activated, so that the per-frame loops
    // touch neither the tree's node and variant tables nor the mdef's: the
    // senone sequence of a node fixed by its context (nullptr when
    // multiplexed) or, multiplexed, its table of sequences by left context.
    const uint16_t* sen;
    const int32_t* lc_ssids;
    const float* tmat;
  };

  const uint16_t* Senones(const Hmm& h, int lc) const;
  void Enter(int node, float score, int32_t bp, int lc);
  template <int N>
  float EvaluateAll(const float* senones);  // N: emitting states, 0 = n_state_ (any)
  float FrameThreshold(float best);
  void RecordWordExits(const Hmm& h, float best);
  void PruneWordExits();
  void EnterFromWordExits(float threshold);
  void Normalize(float best);
  int NewExit(int word, int prev, float score, float lm_score, const lm::State& state, int last_phone);

  std::shared_ptr<const LexiconTree> tree_;
  const SearchVocabulary& vocab_;
  const Mdef& mdef_;
  const TransitionMatrices& tmat_;
  const lm::WordSequenceModel& lm_;
  lm::ScoreCache lm_cache_;  // word-end scores: one (state, word) recurs over frames and paths
  SearchOptions opts_;
  float beam_, phone_beam_, word_beam_, lw_, log_wip_, sil_pen_, fill_pen_, garbage_pen_;
  float la_scale_;  // multiplies the tree's unigram lookahead (lw, or 0 without lookahead)
  float La(const TreeNode& n) const { return la_scale_ * n.lookahead; }
  int n_state_;

  std::vector<int32_t> slot_;   // node -> index in active_, -1 if inactive
  std::vector<Hmm> active_;
  std::vector<int32_t> word_exit_of_;  // search word -> exit index in this frame, -1 if none
  std::vector<int32_t> frame_words_;   // words with an exit in this frame
  std::vector<float> scratch_;
  // ActiveSenones' "seen" marks: senone s is listed this frame iff
  // stamp_[s] == stamp_now_, so no per-frame clearing of n_senone entries.
  std::vector<uint32_t> stamp_;
  uint32_t stamp_now_ = 0;
  std::vector<int> exit_class_;  // entry class of each exit of the current frame
  std::vector<int> classes_;     // entry classes present among them
  WordExitTable table_;
  int frame_ = 0;
  int64_t hmm_evals_ = 0;
};

}  // namespace asr
