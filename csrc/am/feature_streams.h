// How an acoustic model splits a feature frame into the streams its
// Gaussians were trained on, as implied by its feat.params.
//
// The scorer needs the layout to split a frame vector into the streams the
// Gaussians were trained on: `1s_c_d_dd` is one 39-dimensional stream unless
// `-svspec` splits it (the en-us PTM model uses three 13-dim streams);
// `s2_4x` is four streams (12 cep, 24 deltas, 3 power, 12 double deltas).
#pragma once

#include <string>
#include <vector>

#include "frontend/feat_params.h"

namespace asr {

struct FeatureStreams {
  std::string feat_type = "1s_c_d_dd";  // -feat
  int ceplen = 13;                      // -ceplen
  int frame_dim = 39;                   // length of one feature frame
  // For each stream, the indices of the frame elements it reads.
  std::vector<std::vector<int>> streams;

  // From -feat, -ceplen and -svspec. Throws FormatError naming the file.
  static FeatureStreams FromFeatParams(const FeatParams& params);
  static FeatureStreams FromType(const std::string& feat_type, int ceplen = 13,
                                 const std::string& svspec = "");

  std::vector<int> StreamLengths() const;
};

}  // namespace asr
