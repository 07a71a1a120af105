// The joint-sequence G2P model: an n-gram over graphones (graphone.h), which
// scores a spelling and a pronunciation together; decoding finds the
// pronunciations whose graphone sequences spell the word and score best.
//
// Training = EM alignment of the dictionary (graphone_aligner.h) + our
// modified Kneser-Ney estimator over the aligned graphone sentences. The
// model is immutable after construction and safe to share between threads.
//
// File: a small header, then the n-gram image in our LM binary format
// (lm/ngram_binary_format.h) at an 8-byte aligned offset; it is memory-mapped
// and fully checksummed on load, so a corrupt file raises FormatError.
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
  int order = 6;  // graphone n-gram order (the estimator allows 1..6)
};

// What training did (for progress messages and the benchmark).
struct G2pTrainReport {
  size_t entries = 0, unaligned = 0, graphones = 0;
  std::vector<uint64_t> ngrams;  // per order
  double align_seconds = 0, estimate_seconds = 0;
};

// Version of the model file format (bump on any layout change; caches are keyed by it).
inline constexpr uint32_t kG2pFormatVersion = 1;

// Longer spellings are refused (search memory grows with the length; the
// longest word in CMUdict has 34 letters).
inline constexpr size_t kMaxSpellingBytes = 100;

struct PronounceOptions {
  int nbest = 1;            // pronunciations wanted (distinct phone strings)
  int beam = 64;            // hypotheses kept per letter position
  float beam_width = 15.f;  // and only those within this many nats of the position's best
};

struct ScoredPronunciation {
  std::vector<std::string> phones;
  float log_prob;  // ln P(spelling, pronunciation) along the best graphone path
};

class GraphoneModel {
 public:
  // Throws FormatError if a word of `lm` (other than <s>, </s>, <unk>) is not
  // a graphone token.
  explicit GraphoneModel(std::shared_ptr<const lm::NgramModel> lm);

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

  std::shared_ptr<const lm::NgramModel> lm_;
  std::vector<Candidate> candidates_;               // grouped by spelling
  std::unordered_map<std::string, Range> by_spelling_;
  std::vector<uint16_t> phones_;                    // phone ids of all candidates
  std::vector<std::string> phone_names_;
  bool letters_[256] = {};
  int max_letters_ = 0;
};

}  // namespace asr::g2p
