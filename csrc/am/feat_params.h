// The front-end parameters an acoustic model was trained with (its
// feat.params file) and the feature-stream layout they imply.
//
// The scorer needs the layout to split a frame vector into the streams the
// Gaussians were trained on: `1s_c_d_dd` is one 39-dimensional stream unless
// `-svspec` splits it (the en-us PTM model uses three 13-dim streams);
// `s2_4x` is four streams (12 cep, 24 deltas, 3 power, 12 double deltas).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace asr {

struct FeatParams {
  std::map<std::string, std::string> values;  // "-feat" -> "1s_c_d_dd", ...
  std::string feat_type = "1s_c_d_dd";         // -feat
  int ceplen = 13;                             // -ceplen
  std::string model_kind;                      // -model (ptm/semi/cont), may be empty
  int frame_dim = 39;                          // length of one feature frame
  // For each stream, the indices of the frame elements it reads.
  std::vector<std::vector<int>> streams;

  // Parses `path` (or defaults if `path` is empty). Throws FormatError.
  static FeatParams Load(const std::string& path);
  // Layout for a feature type without a feat.params file.
  static FeatParams FromType(const std::string& feat_type, int ceplen = 13,
                             const std::string& svspec = "");

  std::vector<int> StreamLengths() const;
  std::string Get(const std::string& key, const std::string& fallback = "") const;
};

}  // namespace asr
