// Sphinx feature types: cepstra extended with differences over neighbouring
// frames (`1s_c_d_dd` = cepstra, deltas c[t+2]-c[t-2], double deltas), and
// the older multi-stream layouts (`s2_4x`, `s3_1x39`, ...).
//
// Streaming: a frame's feature vector needs `window()` frames of look-ahead;
// at the utterance edges the first and last frames are repeated, as Sphinx
// pads them, so streamed and whole-utterance features are equal.
#pragma once

#include <string>
#include <vector>

namespace asr {

enum class FeatureType {
  k1sC,          // "1s_c": cepstra only
  k1sCD,         // "1s_c_d": cepstra + deltas
  k1sCDDd,       // "1s_c_d_dd": cepstra + deltas + double deltas (en-us)
  k1sCDLdDd,     // "1s_c_d_ld_dd": + long deltas c[t+4]-c[t-4]
  kS3_1x39,      // "s3_1x39" / "1s_12c_12d_3p_12dd": power terms kept apart
  kS2_4x,        // "s2_4x": four streams 12/24/3/12 (semi-continuous models)
};

FeatureType ParseFeatureType(const std::string& name);
const char* FeatureTypeName(FeatureType type);

class DynamicFeatures {
 public:
  DynamicFeatures(FeatureType type, int cepstrum_size);

  FeatureType type() const { return type_; }
  int window() const { return window_; }
  int cepstrum_size() const { return cep_; }
  int dim() const;  // values per output frame, all streams concatenated
  const std::vector<int>& stream_lengths() const { return streams_; }

  // Feeds cepstra (cepstrum_size() values per frame); appends the feature
  // vectors that have enough look-ahead.
  void Accept(const float* cepstra, int num_frames, std::vector<float>* features);

  // Pads the end of the utterance, emits the remaining vectors and starts a
  // new utterance.
  void Finish(std::vector<float>* features);

  void Reset();

 private:
  void Emit(int center, std::vector<float>* features) const;
  const float* Frame(int index) const;

  FeatureType type_;
  int cep_;
  int window_;
  std::vector<int> streams_;
  std::vector<float> buffer_;  // padded cepstra not yet needed any more dropped
  int buffered_ = 0;           // frames in buffer_
  int next_center_ = 0;        // buffer index of the next frame to emit
  bool started_ = false;
};

}  // namespace asr
