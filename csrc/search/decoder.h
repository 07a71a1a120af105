// Decodes one utterance at a time from acoustic feature frames: scores the
// senones the search needs and advances the search frame by frame. One
// Decoder per thread or stream; the RecognitionModel is shared.
//
// Senones may be scored with another acoustic model than the one the
// search network was built from, as long as it has the same senones: an
// adapted copy (AcousticModel::WithParameters) decodes through the base
// model's network, so adaptation never rebuilds the lexicon tree.
#pragma once

#include <memory>
#include <vector>

#include "am/senone_scorer.h"
#include "search/flat_search.h"
#include "search/recognition_model.h"
#include "search/tree_search.h"
#include "search/word_lattice.h"

namespace asr {

class Decoder {
 public:
  Decoder(std::shared_ptr<const RecognitionModel> model, const SearchOptions& options,
          std::shared_ptr<const AcousticModel> scoring_model = nullptr);

  void StartUtterance();
  // frames: n x frame_dim features (the acoustic model's feature type).
  void ProcessFrames(const float* frames, int n);
  std::vector<WordSegment> BestPath(bool final, double* score = nullptr) const {
    return flat_ ? flat_->BestPath(final, score) : search_.BestPath(final, score);
  }
  // With options().fwdflat (and an n-gram model): searches the utterance so
  // far again over a flat lexicon of the first pass's words; from then on
  // BestPath, exits() and BuildLattice are the second pass's. Needs the
  // frames ProcessFrames keeps when options().fwdflat is on; returns whether
  // the pass ran. `flat_options` (for tuning): take the fwdflat settings
  // from these instead; calling it again replaces the earlier second pass.
  bool SecondPass(const SearchOptions* flat_options = nullptr);
  // The word exits results come from (the second pass's once it ran).
  const WordExitTable& exits() const { return merged_ ? *merged_ : flat_ ? flat_->exits() : search_.exits(); }
  const FlatSearch* flat_search() const { return flat_.get(); }
  // The lattice of the utterance so far, weighted as the options say.
  std::unique_ptr<WordLattice> BuildLattice() const;
  int frames() const { return search_.frames(); }
  const SearchOptions& options() const { return options_; }
  const TreeSearch& search() const { return search_; }
  const RecognitionModel& model() const { return *model_; }
  const std::shared_ptr<const RecognitionModel>& model_ptr() const { return model_; }

 private:
  std::shared_ptr<const RecognitionModel> model_;
  SearchOptions options_;
  SenoneScorer scorer_;
  TreeSearch search_;
  std::vector<float> senone_scores_;
  std::vector<int> active_;
  std::vector<float> frames_;  // the utterance's features, kept for the second pass
  std::unique_ptr<FlatSearch> flat_;
  std::unique_ptr<WordExitTable> merged_;  // both passes' exits, with fwdflat_merge_lattice
};

}  // namespace asr
