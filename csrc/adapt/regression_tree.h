// Regression classes for MLLR: a tree of phone classes over the model's
// codebooks, and the choice of which tree nodes get a transform of their
// own.
//
// The built-in tree is phonetic (ARPAbet names, as CMUdict models use):
//
//   all ─┬─ non-speech (silence and the noise phones)
//        └─ speech ─┬─ vowels ─┬─ front vowels and diphthongs
//                   │          └─ back and central vowels
//                   └─ consonants ─┬─ obstruents ─┬─ stops and affricates
//                                  │              └─ fricatives
//                                  └─ sonorants (nasals, liquids, glides)
//
// and under each class one leaf per phone (its codebook in a PTM model, its
// senones' codebooks in a continuous one).
//
// Phones the table does not know hang under "speech" (or "non-speech" if
// the model calls them fillers), so models of other languages get at least
// the upper levels. A node gets its own transform when the frames aligned
// to its codebooks reach a minimum; every codebook then uses the transform
// of its deepest ancestor that has one, so sparse classes back off towards
// the global transform (the root, always class 0: the one PocketSphinx
// applies).
#pragma once

#include <string>
#include <vector>

#include "am/acoustic_model.h"

namespace asr {

struct RegressionNode {
  std::string name;
  int parent = -1;                 // -1 for the root
  std::vector<int> codebooks;      // every codebook under this node
};

// The nodes that carry transforms and the class of every codebook.
struct RegressionClasses {
  std::vector<int> nodes;              // class -> tree node; class 0 is the root
  std::vector<int> class_of_codebook;  // codebook -> class
};

class RegressionTree {
 public:
  // The phonetic tree over `model`'s codebooks (a semi-continuous model's
  // single codebook is only in the root).
  static RegressionTree Phonetic(const AcousticModel& model);

  int n_node() const { return static_cast<int>(nodes_.size()); }
  const RegressionNode& node(int i) const { return nodes_[i]; }

  // Nodes whose codebooks have at least `min_frames` frames in
  // `codebook_frames` get a class; the root always does.
  RegressionClasses Choose(const std::vector<double>& codebook_frames, double min_frames) const;

 private:
  std::vector<RegressionNode> nodes_;  // parents before children
};

}  // namespace asr
