// Many-to-many alignment of spellings to pronunciations by EM, which turns a
// pronunciation dictionary into graphone sequences (the G2P n-gram's corpus).
//
// Every entry's alignments form a lattice over (letters used, phones used);
// an arc takes 1..max_letters letters and 0..max_phones phones and is one
// graphone. EM (forward-backward over each lattice) estimates a unigram
// distribution over graphones; the final alignment of each entry is its
// Viterbi path under it. Letters always advance, so no graphone is
// spelled with zero letters (a decoder can then step through the spelling
// left to right); phones may be empty ("e" -> nothing).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace asr::g2p {

struct AlignerOptions {
  int max_letters = 2;         // letters per graphone, 1..2 (phonetisaurus: seq1_max)
  int max_phones = 2;          // phones per graphone, 1..2 (seq2_max)
  bool silent_letters = true;  // letters may stand for no phone (seq2_del)
  bool many_to_many = true;    // allow graphones with 2 letters and 2 phones
  int iterations = 10;         // EM iterations
  // Multiplies the Viterbi cost -ln p of a graphone by its length (the longer
  // side) in the final alignment, so long chunks are used only where they
  // explain the data much better (phonetisaurus: penalize).
  bool penalize_long = true;
};

struct LexiconEntry {
  std::string spelling;             // bytes, each one letter; no separators or blanks
  std::vector<std::string> phones;  // at least one
};

struct AlignmentResult {
  std::vector<std::string> sentences;  // per aligned entry: graphone tokens separated by spaces
  size_t unaligned = 0;                // entries no lattice path could cover (skipped)
  double log_likelihood = 0;           // total ln P of the aligned entries in the last iteration
  size_t graphones = 0;                // distinct graphones in `sentences` (the n-gram's inventory)
  size_t candidate_graphones = 0;      // graphones EM left with non-zero probability (a superset)
};

// Throws InvalidArgument for invalid options, an empty spelling or phone
// list, bytes that cannot be letters (see IsSpellingByte), or more than 254
// distinct letters or phones.
AlignmentResult AlignLexicon(const std::vector<LexiconEntry>& entries, const AlignerOptions& options);

}  // namespace asr::g2p
