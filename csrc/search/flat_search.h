// Second pass over a flat lexicon, after PocketSphinx's "fwdflat" idea:
// every word the first (tree) pass saw is searched again as its own chain
// of triphone HMMs, so that no word shares a prefix with another. The
// tree pass applies the LM only when a word ends, so inside a shared
// prefix the best predecessor is chosen without the LM score of the word
// that will end there (the unigram lookahead stands in for it); a word
// chain of its own is entered with the exact n-gram score of each
// predecessor, so the predecessor that wins is the one the LM prefers.
//
// The vocabulary is narrowed per frame, as PocketSphinx does: a word may
// start at frame t+1 only if the first pass ended it after a start within
// `fwdflat_window` frames of t (and with at least `fwdflat_min_end_frames`
// end frames for that start). Fillers (silence, noises) may start at every
// frame from the best exit into silence.
//
// The HMMs are those of the lexicon tree (the same senone sequences and
// cross-word contexts: multiplexed first phones, right-context fan-outs of
// last phones), taken along each word's path in the tree. The output is a
// WordExitTable like the first pass's, so the lattice, rescoring and
// confusion network work on it unchanged. n-gram models only (one entry
// class): grammars keep the first pass.
#pragma once

#include <cstdint>
#include <vector>

#include "lm/score_cache.h"
#include "search/hmm_tokens.h"
#include "search/lexicon_tree.h"
#include "search/search_options.h"
#include "search/tree_search.h"
#include "search/word_exits.h"

namespace asr {

class Mdef;
class TransitionMatrices;

// The word exits of both passes as one table for the lattice: the first
// pass's, then the second's that it lacks (an exit of the same word, start
// and end frame is kept once, the first pass's), with scores on the first
// pass's normalisation. Only the fields the lattice reads are filled
// (per-frame lists and right-context scores are not).
WordExitTable MergeExitTables(const WordExitTable& first, const WordExitTable& second);

class FlatSearch {
 public:
  // The tree, vocabulary and models must outlive the search.
  FlatSearch(const LexiconTree& tree, const SearchVocabulary& vocab, const Mdef& mdef,
             const TransitionMatrices& tmat, const lm::WordSequenceModel& lm, const SearchOptions& options);

  // Whether the vocabulary allows this pass (n-gram models: one entry class, no garbage).
  static bool Supports(const SearchVocabulary& vocab);

  // Sets up the utterance from the first pass's word exits over `num_frames` frames.
  void StartUtterance(const WordExitTable& first_pass, int num_frames);
  // Senones the next Step will read.
  void ActiveSenones(std::vector<int>* senones);
  // Advances one frame; senone_scores holds (at least) the active senones.
  void Step(const float* senone_scores);
  int frames() const { return frame_; }

  // Best hypothesis at the end (final adds the sentence end), as TreeSearch::BestPath.
  std::vector<WordSegment> BestPath(bool final, double* total_score = nullptr) const;
  const WordExitTable& exits() const { return table_; }

  // Statistics of the utterance, for tuning.
  int utterance_words() const { return static_cast<int>(words_.size()); }
  int64_t total_hmm_evaluations() const { return hmm_evals_; }

 private:
  struct Hmm : HmmTokens {
    int32_t node;
    int32_t variant;  // fan-out variant, -1 for plain nodes
    int32_t word;     // index into words_
    int32_t position; // phone position within the word
    int32_t mark;     // last frame this HMM was listed for
  };
  // One search word of the utterance: its HMMs by phone position.
  struct Word {
    int32_t word;                     // search word
    int32_t first_phone;              // CI phone its first HMM is entered on
    lm::WordId lm_id;
    std::vector<int32_t> position;    // first HMM of each position; position.back() = end
    // Multiplexed first phones: the copy of position 0's HMMs for each left
    // context entered so far (position 0's own HMMs are the template).
    std::vector<std::pair<int16_t, int32_t>> roots;
  };

  void BuildWordPaths();
  int AddWord(int search_word);
  void Clear(Hmm& h);
  const uint16_t* Senones(const Hmm& h, int lc) const;
  bool Multiplexed(const Hmm& h) const;
  void Evaluate(Hmm& h, const float* senones);
  void Enter(int hmm, float score, int32_t bp, int lc);
  void EnterWord(int word, float score, int32_t bp, int lc);
  void RecordExit(const Hmm& h);
  void WordTransitions(int cf, int begin, int end, float threshold);
  void Normalize(float best);

  const LexiconTree& tree_;
  const SearchVocabulary& vocab_;
  const Mdef& mdef_;
  const TransitionMatrices& tmat_;
  const lm::WordSequenceModel& lm_;
  lm::ScoreCache lm_cache_;
  SearchOptions opts_;
  float beam_, word_beam_, lw_, log_wip_, sil_pen_, fill_pen_;
  int n_state_;

  // Tree path of every search word (root first), built once.
  std::vector<int32_t> path_begin_;  // search word -> offset in path_nodes_ (size + 1)
  std::vector<int32_t> path_nodes_;
  std::vector<int32_t> fillers_;     // search words that are fillers

  // Per utterance.
  std::vector<Word> words_;
  std::vector<int32_t> slot_of_;           // search word -> index in words_, -1
  std::vector<Hmm> hmms_;
  std::vector<std::vector<int32_t>> starts_;  // frame -> words_ indices the first pass started there
  std::vector<int32_t> active_, next_;     // HMMs evaluated this frame / listed for the next
  std::vector<std::vector<int32_t>> expand_;  // by first phone: words that may start at the next frame
  std::vector<int32_t> expand_phones_;     // first phones with words in expand_
  std::vector<int32_t> expand_mark_;       // per words_ index: frame it was last listed for
  std::vector<int32_t> exit_of_;           // per words_ index: exit in this frame, -1
  std::vector<int32_t> frame_words_;
  std::vector<uint8_t> seen_;
  WordExitTable table_;
  int num_frames_ = 0;
  int frame_ = 0;
  int listing_ = 0;  // the frame next_ is being built for
  int64_t hmm_evals_ = 0;
};

}  // namespace asr
