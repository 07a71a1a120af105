// Forced alignment: the best path of a known transcript through the audio,
// with word, phone and HMM-state segments and their acoustic scores.
//
// A frame-synchronous Viterbi search over an AlignmentGraph (the words'
// triphone HMMs with optional silence and noise between them), scoring
// only the senones of HMMs inside the beam. Backpointers are kept for the
// narrow window of live states only, so memory grows with the audio's
// length times the beam width, not times the transcript's length.
//
// The aligner holds the shared model and its options; each call builds its
// own search state, so one aligner serves many threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "align/alignment_graph.h"
#include "am/acoustic_model.h"
#include "am/gaussian_score_cache.h"
#include "am/senone_scorer.h"
#include "dict/dictionary.h"

namespace asr {

struct AlignerOptions {
  float beam = 200.0f;             // prune states this many nats below the frame's best; 0 = none
  int top_n = 4;                   // Gaussians per codebook (Sphinx -topn)
  bool allow_silence = true;       // optional <sil> between words and at the ends
  bool allow_noise = true;         // optional noise words ([NOISE], ...) from the noise dictionary
  // Log-probabilities of inserting a filler: Sphinx's -silprob 0.005 and
  // -fillprob 1e-8, each with -wip 0.65, scaled by -lw 6.5.
  float silence_penalty = -37.24f;
  float noise_penalty = -122.5f;
  // Score every senone each frame instead of the live states' only. The
  // density floor of a tied-mixture model is relative to the best density
  // of the scored codebooks, so scoring all of them gives the scores the
  // decoder sees when its search is broad (benchmarks/error_analysis.py
  // compares alignment scores with the search's this way).
  bool score_all_senones = false;
};

struct AlignedWord {
  std::string word;   // "was", "<sil>"
  std::string label;  // "was(2)": the pronunciation chosen
  int slot = -1;      // index in the transcript; -1 for fillers
  bool filler = false;
  int start = 0, end = 0;  // frames, end exclusive
  float score = 0;         // acoustic log-likelihood
  int first_phone = 0, n_phones = 0;
};

struct AlignedPhone {
  std::string phone;     // CI phone
  std::string triphone;  // model phone used, e.g. "AH(W,Z)i"
  int word = 0;          // index into Alignment::words
  int start = 0, end = 0;
  float score = 0;
  int first_state = 0, n_states = 0;
};

struct AlignedState {
  int senone = 0;
  int state = 0;  // position in the phone's HMM
  int phone = 0;  // index into Alignment::phones
  int start = 0, end = 0;
  float score = 0;
};

struct Alignment {
  std::vector<AlignedWord> words;
  std::vector<AlignedPhone> phones;
  std::vector<AlignedState> states;
  float path_score = 0;      // acoustic + transition + filler log-probabilities
  float acoustic_score = 0;  // sum of senone log-likelihoods on the path
  int n_frames = 0;
};

class ForcedAligner {
 public:
  ForcedAligner(std::shared_ptr<const AcousticModel> model, const AlignerOptions& options = {},
                std::shared_ptr<const GaussianCodebooks> codebooks = nullptr);

  // Builds the graph for `words` (all their pronunciations) and aligns
  // `features` (n_frames x frame_dim). Throws NotFound listing every word
  // the dictionary lacks, and kAudio if the audio is too short. `cache`
  // (optional, made for these features) shares the Gaussian selections
  // between alignments of the same audio: identical results, less time.
  // It is not used with score_all_senones.
  Alignment Align(const Dictionary& dict, const std::vector<std::string>& words, const float* features,
                  int n_frames, GaussianScoreCache* cache = nullptr) const;
  // Lower level: align against a prepared graph.
  Alignment Align(const AlignmentGraph& graph, const float* features, int n_frames,
                  GaussianScoreCache* cache = nullptr) const;
  AlignmentGraph BuildGraph(const Dictionary& dict, const std::vector<std::string>& words) const;

  const AlignerOptions& options() const { return options_; }

 private:
  std::shared_ptr<const AcousticModel> model_;
  std::shared_ptr<const GaussianCodebooks> codebooks_;
  AlignerOptions options_;
};

}  // namespace asr
