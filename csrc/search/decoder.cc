#include "search/decoder.h"

#include "common/error.h"

namespace asr {

namespace {

std::shared_ptr<const AcousticModel> ScoringModel(const RecognitionModel& network,
                                                  std::shared_ptr<const AcousticModel> scoring) {
  if (!scoring) return network.acoustic_model_ptr();
  const AcousticModel& base = network.acoustic_model();
  if (scoring->n_senone() != base.n_senone() || scoring->frame_dim() != base.frame_dim() ||
      scoring->mdef().n_ciphone() != base.mdef().n_ciphone())
    throw InvalidArgument("the scoring acoustic model does not have the senones of the search network's model");
  return scoring;
}

}  // namespace

Decoder::Decoder(std::shared_ptr<const RecognitionModel> model, const SearchOptions& options,
                 std::shared_ptr<const AcousticModel> scoring_model)
    : model_(std::move(model)),
      options_(options),
      scorer_(ScoringModel(*model_, std::move(scoring_model))),
      search_(model_->tree(), model_->vocabulary(), model_->acoustic_model().mdef(),
              model_->acoustic_model().transitions(), model_->word_model(), options),
      senone_scores_(model_->acoustic_model().n_senone(), 0.0f) {}

void Decoder::StartUtterance() {
  search_.StartUtterance();
  frames_.clear();
  flat_.reset();
  merged_.reset();
}

void Decoder::ProcessFrames(const float* frames, int n) {
  const int dim = scorer_.frame_dim();
  if (flat_) throw InvalidArgument("frames after the second pass: start a new utterance");
  if (options_.fwdflat) frames_.insert(frames_.end(), frames, frames + static_cast<size_t>(n) * dim);
  for (int t = 0; t < n; ++t) {
    const float* f = frames + static_cast<size_t>(t) * dim;
    if (options_.compute_all_senones) {
      scorer_.ScoreAll(f, senone_scores_.data());
    } else {
      search_.ActiveSenones(&active_);
      scorer_.ScoreActive(f, active_.data(), static_cast<int>(active_.size()), senone_scores_.data());
    }
    search_.Step(senone_scores_.data());
  }
}

bool Decoder::SecondPass(const SearchOptions* flat_options) {
  const SearchOptions& o = flat_options ? *flat_options : options_;
  if (!o.fwdflat || !FlatSearch::Supports(model_->vocabulary())) return false;
  const int dim = scorer_.frame_dim();
  const int n = search_.frames();
  if (frames_.size() != static_cast<size_t>(n) * dim)
    throw InvalidArgument("the second pass needs the frames, which the decoder keeps only with options.fwdflat");
  auto flat = std::make_unique<FlatSearch>(*model_->tree(), model_->vocabulary(), model_->acoustic_model().mdef(),
                                           model_->acoustic_model().transitions(), model_->word_model(), o);
  flat->StartUtterance(search_.exits(), n);
  for (int t = 0; t < n; ++t) {
    const float* f = frames_.data() + static_cast<size_t>(t) * dim;
    if (options_.compute_all_senones) {
      scorer_.ScoreAll(f, senone_scores_.data());
    } else {
      flat->ActiveSenones(&active_);
      scorer_.ScoreActive(f, active_.data(), static_cast<int>(active_.size()), senone_scores_.data());
    }
    flat->Step(senone_scores_.data());
  }
  flat_ = std::move(flat);
  merged_.reset();
  if (o.fwdflat_merge_lattice) merged_ = std::make_unique<WordExitTable>(MergeExitTables(search_.exits(), flat_->exits()));
  return true;
}

std::unique_ptr<WordLattice> Decoder::BuildLattice() const {
  LatticeOptions lo;
  lo.language_weight = options_.bestpath_language_weight;
  lo.word_insertion_penalty = options_.word_insertion_penalty;
  lo.silence_probability = options_.silence_probability;
  lo.filler_probability = options_.filler_probability;
  lo.garbage_phone_probability = options_.garbage_phone_probability;
  lo.acoustic_scale = options_.acoustic_scale;
  return std::make_unique<WordLattice>(exits(), model_->vocabulary(), model_->word_model(), frames(), lo);
}

}  // namespace asr
