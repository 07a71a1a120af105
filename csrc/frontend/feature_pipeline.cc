#include "frontend/feature_pipeline.h"

#include <sstream>

#include "common/error.h"

namespace asr {

FeatureOptions FeatureOptions::FromFeatParams(const FeatParams& p) {
  FeatureOptions o;
  try {
    o.feature_type = ParseFeatureType(p.GetString("feat", "1s_c_d_dd"));
    o.cmn = ParseCmnMode(p.GetString("cmn", "batch"));
  } catch (const Error& e) {
    throw FormatError(p.source() + ": " + e.what());
  }
  if (p.Has("cmninit")) {
    o.cmn_init.clear();
    std::stringstream ss(p.Get("cmninit"));
    std::string item;
    while (std::getline(ss, item, ',')) {
      try {
        size_t used = 0;
        o.cmn_init.push_back(std::stof(item, &used));
        if (used != item.size()) throw std::invalid_argument(item);
      } catch (const std::exception&) {
        throw FormatError(p.source() + ": -cmninit must be comma-separated numbers, got '" + p.Get("cmninit") + "'");
      }
    }
  }
  o.varnorm = p.GetBool("varnorm", false);
  const std::string agc = p.GetString("agc", "none");
  if (agc != "none") throw FormatError(p.source() + ": automatic gain control (-agc " + agc + ") is not supported");
  if (p.Has("lda") || p.Has("ldadim"))
    throw FormatError(p.source() + ": LDA feature transforms are not supported");
  return o;
}

FeaturePipeline::FeaturePipeline(const FrontendOptions& fo, const FeatureOptions& o)
    : opts_(o),
      frontend_(fo),
      cmn_(fo.num_cepstra, o.cmn_init),
      dynamic_(o.feature_type, fo.num_cepstra) {
  if (o.varnorm && o.cmn == CmnMode::kLive)
    throw InvalidArgument("variance normalisation needs batch CMN");
}

void FeaturePipeline::AcceptWaveform(const float* samples, size_t n, std::vector<float>* features) {
  frontend_.AcceptWaveform(samples, n, &cepstra_);
  if (opts_.cmn != CmnMode::kBatch) Consume(features);
}

void FeaturePipeline::Finish(std::vector<float>* features) {
  frontend_.Finish(&cepstra_);
  const int ncep = frontend_.num_cepstra();
  if (opts_.cmn == CmnMode::kBatch)
    cmn_.NormalizeBatch(cepstra_.data(), static_cast<int>(cepstra_.size() / ncep), opts_.varnorm);
  Consume(features);
  dynamic_.Finish(features);
  if (opts_.cmn == CmnMode::kLive) cmn_.EndUtterance();
}

void FeaturePipeline::Reset() {
  frontend_.Reset();
  dynamic_.Reset();
  cepstra_.clear();
}

void FeaturePipeline::Consume(std::vector<float>* features) {
  const int ncep = frontend_.num_cepstra();
  const int n = static_cast<int>(cepstra_.size() / ncep);
  if (n == 0) return;
  if (opts_.cmn == CmnMode::kLive) cmn_.NormalizeLive(cepstra_.data(), n);
  dynamic_.Accept(cepstra_.data(), n, features);
  cepstra_.clear();
}

}  // namespace asr
