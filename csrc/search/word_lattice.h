// Word lattice of one utterance, built from the search's word exits: each
// surviving word end is a word instance (word, first frame, last frame,
// acoustic score), and an instance can follow any instance that ends on the
// frame before it starts.
//
// On it: the best path rescored with the word-sequence model and its own
// language weight (the second pass), n-best alternatives, and posterior
// probabilities of the instances by forward-backward, from which word
// confidences come. Language scores on a link use the LM state of the best
// path into its source instance, so every link has one fixed weight and the
// posteriors of the instances covering any frame sum to one.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "lm/score_cache.h"
#include "lm/word_sequence_model.h"
#include "search/search_vocabulary.h"
#include "search/word_exits.h"

namespace asr {

struct LatticeOptions {
  double language_weight = 9.5;          // LM weight of the rescoring pass
  double word_insertion_penalty = 0.01;  // probability charged per word
  double silence_probability = 0.05;     // per silence
  double filler_probability = 1e-8;      // per noise word
  double garbage_phone_probability = 1e-4;  // per phone of a grammar's $GARBAGE
  double acoustic_scale = 1.0 / 20;      // scales path scores for posteriors (Sphinx's 1/ascale)
};

struct WordInstance {
  int word = -1;        // search word; -1 for the utterance start
  int start = 0;        // first frame
  int end = -1;         // last frame
  float acoustic = 0;   // acoustic log-likelihood
};

struct LatticePath {
  std::vector<int> instances;  // in time order, fillers included
  double score = 0;
};

class WordLattice {
 public:
  WordLattice(const WordExitTable& exits, const SearchVocabulary& vocab, const lm::WordSequenceModel& lm,
              int num_frames, const LatticeOptions& options);
  // `other` with its posteriors at another acoustic scale, as if built with
  // that options.acoustic_scale (bit for bit): the instances, the Viterbi
  // pass and the link weights do not depend on the scale, so only
  // forward-backward is run again.
  WordLattice(const WordLattice& other, double acoustic_scale);

  const std::vector<WordInstance>& instances() const { return inst_; }
  bool empty() const { return best_final_ < 0; }

  // The best complete path (Viterbi with the rescoring LM).
  LatticePath BestPath() const;
  // Up to n best paths with distinct word sequences (fillers ignored).
  std::vector<LatticePath> NBest(int n, int max_expansions = 20000) const;
  // Posterior probability of every instance.
  const std::vector<double>& Posteriors() const { return posterior_; }
  // Log of the summed scaled scores of all complete paths (forward total):
  // a path's posterior is exp(acoustic_scale * path.score - LogTotal()).
  double LogTotal() const { return log_total_; }
  // Word confidences of a path's instances: for each, the summed posterior
  // of the instances of the same word (any pronunciation) that cover the
  // middle frame of its segment, at most 1. One sweep over the lattice, so
  // O(instances log instances) whatever the path's length.
  std::vector<double> Confidences(const std::vector<int>& path) const;

  // For algorithms over the lattice (confusion network, keyword search):
  // forward and backward log scores of each instance, scaled by the
  // acoustic scale (LogForward includes the instance's own acoustic score,
  // LogBackward only what follows it), so the posterior of a chain of
  // instances u1..un that follow one another is
  //   exp(LogForward(u1) + sum ScaledLink(u_i, u_i+1) + LogBackward(un) - LogTotal()).
  const SearchVocabulary& vocabulary() const { return vocab_; }
  int num_frames() const { return num_frames_; }
  double LogForward(int i) const { return alpha_.empty() ? kNoScore : alpha_[i]; }
  double LogBackward(int i) const { return beta_.empty() ? kNoScore : beta_[i]; }
  // Instances that may follow instance `i` (those starting on the frame after it).
  const std::vector<int>& Successors(int i) const;
  // Scaled weight of the link from `from` to `to`, `to`'s acoustic score included.
  double ScaledLink(int from, int to) const {
    return opts_.acoustic_scale * (static_cast<double>(Link(from, to)) + inst_[to].acoustic);
  }
  // Unscaled score of a complete path (instances in time order, from frame 0
  // to the last frame, sentence end included); -infinity if it is not one.
  double PathScore(const std::vector<int>& path) const;

  static constexpr double kNoScore = -std::numeric_limits<double>::infinity();

 private:
  // LM/penalty part of entering `to` after `from`; through `cache` while
  // the lattice is built (Viterbi and forward-backward ask for each link
  // three times, and a source state for each instance of a word), directly
  // afterwards so that const calls stay thread-safe.
  float LinkScore(int from, int to, lm::ScoreCache* cache = nullptr) const;
  // LinkScore as stored by Viterbi (each link is asked for again by
  // forward-backward, n-best and the confusion network); computed when
  // not stored.
  float Link(int from, int to, lm::ScoreCache* cache = nullptr) const {
    if (link_.empty() || viterbi_[from] == kNoScore) return LinkScore(from, to, cache);
    return link_[link_block_[inst_[to].start] + static_cast<size_t>(link_row_[from]) * by_start_[inst_[to].start].size() +
                 link_col_[to]];
  }
  void Viterbi(lm::ScoreCache& cache);
  void ForwardBackward(lm::ScoreCache& cache);

  const SearchVocabulary& vocab_;
  const lm::WordSequenceModel& lm_;
  LatticeOptions opts_;
  float lw_, log_wip_, sil_pen_, fill_pen_, garbage_pen_;
  int num_frames_;
  std::vector<WordInstance> inst_;           // [0] is the utterance start
  std::vector<std::vector<int>> by_end_;     // instances ending at each frame
  std::vector<std::vector<int>> by_start_;   // instances starting at each frame
  std::vector<int> order_;                   // instances by start frame
  std::vector<double> viterbi_;              // best score of a path ending with the instance
  std::vector<int> back_;
  std::vector<lm::State> state_;             // LM state after the best path into the instance
  std::vector<double> final_;                // sentence-end score for instances on the last frame
  int best_final_ = -1;
  double best_score_ = 0;
  std::vector<double> posterior_;
  std::vector<double> alpha_, beta_;         // scaled forward / backward log scores
  // Link weights from Viterbi: the links into instances starting at frame
  // s form a block (the instances ending at s - 1, or the utterance start,
  // by the instances starting at s), row-major from link_block_[s];
  // link_row_ / link_col_ are an instance's row and column in its blocks.
  // Empty (weights recomputed on demand) for very large lattices.
  std::vector<float> link_;
  std::vector<size_t> link_block_;
  std::vector<int32_t> link_row_, link_col_;
  double log_total_ = 0;
};

}  // namespace asr
