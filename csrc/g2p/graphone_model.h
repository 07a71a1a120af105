// The joint-sequence G2P model: an n-gram over graphones (graphone.h), which
// scores a spelling and a pronunciation together; decoding finds the
// pronunciations whose graphone sequences spell the word and score best.
//
// Training = EM alignment of the dictionary (graphone_aligner.h) + our
// modified Kneser-Ney estimator over the aligned graphone sentences. The
// model is immutable after construction and safe to share between threads.
//
// Right-to-left rescoring: a second graphone model trained on the reversed
// spellings and pronunciations sees each word from its end (suffixes like
// "-tion", "-ed" are its early context). Pronounce takes the left-to-right
// model's n best and ranks them by the mean of both models' ln P, each
// computed exactly over the candidate's graphone segmentations (Score). The
// two directions make different errors, so their agreement is a better
// ranking than either alone (-0.3 points of word error on CMUdict).
//
// File: a small header, then the n-gram image(s) in our LM binary format
// (lm/ngram_binary_format.h) at 8-byte aligned offsets (left-to-right, then
// the optional right-to-left one); memory-mapped and fully checksummed on
// load, so a corrupt file raises FormatError.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "g2p/graphone_aligner.h"
#include "lm/ngram_model.h"

namespace asr::g2p {

struct G2pTrainOptions {
  AlignerOptions align;
  int order = 6;             // graphone n-gram order (the estimator allows 1..6)
  bool right_to_left = true;  // also train the right-to-left model that rescores the n best
};

// What training did (for progress messages and the benchmark).
struct G2pTrainReport {
  size_t entries = 0, unaligned = 0;
  size_t graphones = 0;            // distinct graphones of the left-to-right model (its n-gram's words)
  size_t candidate_graphones = 0;  // graphones the alignment's EM kept with non-zero probability
  std::vector<uint64_t> ngrams;  // per order
  double align_seconds = 0, estimate_seconds = 0;  // both directions together
};

// Version of the model file format (bump on any layout change; caches are keyed by it).
inline constexpr uint32_t kG2pFormatVersion = 2;

// Longer spellings are refused (search memory grows with the length; the
// longest word in CMUdict has 34 letters).
inline constexpr size_t kMaxSpellingBytes = 100;

struct PronounceOptions {
  int nbest = 1;            // pronunciations wanted (distinct phone strings)
  int beam = 16;            // hypotheses kept per letter position (at least 4 nbest)
  float beam_width = 10.f;  // and only those within this many nats of the position's best
  // Score a pronunciation by the sum over the graphone segmentations the
  // search meets (merging hypotheses with equal n-gram state and phones),
  // not by its best segmentation alone.
  bool sum_segmentations = false;
  // Left-to-right candidates that the right-to-left model rescores (at
  // least nbest are taken; 0 = no rescoring; ignored without that model).
  int rescore = 3;
};

struct ScoredPronunciation {
  std::vector<std::string> phones;
  float log_prob;  // ln P(spelling, pronunciation): best path, or summed (sum_segmentations)
};

class GraphoneModel {
 public:
  // Throws FormatError if a word of `lm` (other than <s>, </s>, <unk>) is not
  // a graphone token.
  explicit GraphoneModel(std::shared_ptr<const lm::NgramModel> lm,
                         std::shared_ptr<const GraphoneModel> right_to_left = nullptr);

  static std::shared_ptr<GraphoneModel> Train(const std::vector<LexiconEntry>& entries,
                                              const G2pTrainOptions& options, G2pTrainReport* report = nullptr);
  // Throws NotFound for a missing file, FormatError for anything malformed.
  static std::shared_ptr<GraphoneModel> Load(const std::string& path);
  // Writes the file format above (callers make it atomic).
  void Save(const std::string& path) const;

  // Best pronunciations of `spelling`, best first, at most options.nbest.
  // Every byte must be a letter of the model (see IsLetter); throws
  // InvalidArgument otherwise or for an empty spelling. Empty result only if
  // no graphone path covers the spelling.
  std::vector<ScoredPronunciation> Pronounce(std::string_view spelling, const PronounceOptions& options) const;

  // Pronounce for each spelling, the batch split between `threads` threads
  // (at least 1; fewer for small batches). Results in input order.
  std::vector<std::vector<ScoredPronunciation>> PronounceMany(const std::vector<std::string>& spellings,
                                                              const PronounceOptions& options, int threads) const;

  // ln P(spelling, phones) under this model alone: the best graphone
  // segmentation (or the sum over all, `sum_segmentations`); -infinity if
  // none spells both. Exact (no beam). Same checks on `spelling` as Pronounce.
  float Score(std::string_view spelling, const std::vector<std::string>& phones, bool sum_segmentations) const;

  // The right-to-left model (reversed spellings and phones), or null.
  const std::shared_ptr<const GraphoneModel>& right_to_left() const { return reverse_; }

  bool IsLetter(unsigned char c) const { return letters_[c]; }
  std::string Letters() const;              // the alphabet, sorted
  std::vector<std::string> Phones() const;  // the phone set, sorted
  const lm::NgramModel& lm() const { return *lm_; }
  int max_letters() const { return max_letters_; }

 private:
  struct Candidate {
    lm::WordId word;
    uint32_t phone_begin, phone_count;  // into phones_
  };
  struct Range {
    uint32_t begin = 0, end = 0;  // into candidates_
  };

  // The n best of this model alone (the beam search of graphone_decoder.cc).
  std::vector<ScoredPronunciation> Decode(std::string_view spelling, const PronounceOptions& options) const;
  void CheckSpelling(std::string_view spelling) const;

  std::shared_ptr<const lm::NgramModel> lm_;
  std::shared_ptr<const GraphoneModel> reverse_;    // right-to-left model, optional
  std::vector<Candidate> candidates_;               // grouped by spelling
  std::unordered_map<std::string, Range> by_spelling_;
  std::vector<uint16_t> phones_;                    // phone ids of all candidates
  std::vector<std::string> phone_names_;
  bool letters_[256] = {};
  int max_letters_ = 0;
};

}  // namespace asr::g2p
