// Audio to the feature vectors an acoustic model scores: front end, CMN and
// dynamic features, configured together from a model's feat.params.
//
// With batch CMN the features exist only once the utterance is finished
// (the mean needs every frame); with live or no CMN they stream out with a
// look-ahead of window() frames.
#pragma once

#include <string>
#include <vector>

#include "frontend/cmn.h"
#include "frontend/dynamic_features.h"
#include "frontend/feat_params.h"
#include "frontend/frontend.h"

namespace asr {

struct FeatureOptions {
  FeatureType feature_type = FeatureType::k1sCDDd;  // (-feat)
  CmnMode cmn = CmnMode::kBatch;                    // (-cmn)
  std::vector<float> cmn_init = {40, 3, -1};        // initial live mean (-cmninit)
  bool varnorm = false;                             // variance normalisation, batch only (-varnorm)

  // Throws FormatError for AGC or LDA settings, which are not implemented.
  static FeatureOptions FromFeatParams(const FeatParams& params);
};

class FeaturePipeline {
 public:
  FeaturePipeline(const FrontendOptions& frontend, const FeatureOptions& features);

  int dim() const { return dynamic_.dim(); }
  const std::vector<int>& stream_lengths() const { return dynamic_.stream_lengths(); }
  const FrontendOptions& frontend_options() const { return frontend_.options(); }
  const FeatureOptions& feature_options() const { return opts_; }

  // Appends the feature vectors that are ready (dim() floats each).
  void AcceptWaveform(const float* samples, size_t n, std::vector<float>* features);
  // Ends the utterance: appends the remaining vectors and, in live mode,
  // folds the utterance into the running CMN mean.
  void Finish(std::vector<float>* features);
  // Abandons the current utterance (the live CMN mean is kept).
  void Reset();

  CepstralMeanNormalizer& cmn() { return cmn_; }

 private:
  void Consume(std::vector<float>* features);

  FeatureOptions opts_;
  Frontend frontend_;
  CepstralMeanNormalizer cmn_;
  DynamicFeatures dynamic_;
  std::vector<float> cepstra_;  // batch mode: the utterance so far
};

}  // namespace asr
