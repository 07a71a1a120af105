#include "frontend/dynamic_features.h"

#include <algorithm>

#include "common/error.h"

namespace asr {

FeatureType ParseFeatureType(const std::string& name) {
  if (name == "1s_c_d_dd") return FeatureType::k1sCDDd;
  if (name == "1s_c_d_ld_dd") return FeatureType::k1sCDLdDd;
  if (name == "1s_c_d" || name == "cep_dcep") return FeatureType::k1sCD;
  if (name == "1s_c" || name == "cep") return FeatureType::k1sC;
  if (name == "s3_1x39" || name == "1s_12c_12d_3p_12dd") return FeatureType::kS3_1x39;
  if (name == "s2_4x") return FeatureType::kS2_4x;
  throw InvalidArgument("unsupported feature type '" + name +
                        "' (supported: 1s_c_d_dd, 1s_c_d_ld_dd, 1s_c_d, 1s_c, s3_1x39, s2_4x)");
}

const char* FeatureTypeName(FeatureType type) {
  switch (type) {
    case FeatureType::k1sC: return "1s_c";
    case FeatureType::k1sCD: return "1s_c_d";
    case FeatureType::k1sCDDd: return "1s_c_d_dd";
    case FeatureType::k1sCDLdDd: return "1s_c_d_ld_dd";
    case FeatureType::kS3_1x39: return "s3_1x39";
    case FeatureType::kS2_4x: return "s2_4x";
  }
  return "1s_c_d_dd";
}

DynamicFeatures::DynamicFeatures(FeatureType type, int cep) : type_(type), cep_(cep) {
  if (cep < 1 || cep > 1024) throw InvalidArgument("cepstrum size must be 1-1024");
  switch (type) {
    case FeatureType::k1sC: window_ = 0; streams_ = {cep}; break;
    case FeatureType::k1sCD: window_ = 2; streams_ = {2 * cep}; break;
    case FeatureType::k1sCDDd: window_ = 3; streams_ = {3 * cep}; break;
    case FeatureType::k1sCDLdDd: window_ = 4; streams_ = {4 * cep}; break;
    case FeatureType::kS3_1x39:
      if (cep != 13) throw InvalidArgument("s3_1x39 features need 13 cepstra");
      window_ = 3; streams_ = {39}; break;
    case FeatureType::kS2_4x:
      if (cep != 13) throw InvalidArgument("s2_4x features need 13 cepstra");
      window_ = 4; streams_ = {12, 24, 3, 12}; break;
  }
}

int DynamicFeatures::dim() const {
  int d = 0;
  for (int s : streams_) d += s;
  return d;
}

void DynamicFeatures::Reset() {
  buffer_.clear();
  buffered_ = 0;
  next_center_ = 0;
  started_ = false;
}

const float* DynamicFeatures::Frame(int index) const {
  return buffer_.data() + static_cast<size_t>(index) * cep_;
}

void DynamicFeatures::Accept(const float* cepstra, int n, std::vector<float>* out) {
  if (n <= 0) return;
  if (!started_) {
    // Pad the start with copies of the first frame.
    for (int k = 0; k < window_; ++k) buffer_.insert(buffer_.end(), cepstra, cepstra + cep_);
    buffered_ = window_;
    next_center_ = window_;
    started_ = true;
  }
  buffer_.insert(buffer_.end(), cepstra, cepstra + static_cast<size_t>(n) * cep_);
  buffered_ += n;
  while (next_center_ + window_ < buffered_) Emit(next_center_++, out);
  // Keep only the frames later vectors still need.
  const int drop = next_center_ - window_;
  if (drop > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<size_t>(drop) * cep_);
    buffered_ -= drop;
    next_center_ -= drop;
  }
}

void DynamicFeatures::Finish(std::vector<float>* out) {
  if (started_) {
    std::vector<float> last(Frame(buffered_ - 1), Frame(buffered_ - 1) + cep_);
    for (int k = 0; k < window_; ++k) buffer_.insert(buffer_.end(), last.begin(), last.end());
    buffered_ += window_;
    while (next_center_ + window_ < buffered_) Emit(next_center_++, out);
  }
  Reset();
}

void DynamicFeatures::Emit(int t, std::vector<float>* out) const {
  const int c = cep_;
  auto at = [&](int k) { return Frame(t + k); };
  const size_t base = out->size();
  out->resize(base + dim());
  float* f = out->data() + base;
  auto delta = [&](float* dst, int w, int from) {
    for (int i = from; i < c; ++i) *dst++ = at(w)[i] - at(-w)[i];
  };
  auto ddelta = [&](float* dst, int from) {
    // (c[t+3] - c[t-1]) - (c[t+1] - c[t-3])
    for (int i = from; i < c; ++i) *dst++ = (at(3)[i] - at(-1)[i]) - (at(1)[i] - at(-3)[i]);
  };
  switch (type_) {
    case FeatureType::k1sC:
      std::copy(at(0), at(0) + c, f);
      break;
    case FeatureType::k1sCD:
      std::copy(at(0), at(0) + c, f);
      delta(f + c, 2, 0);
      break;
    case FeatureType::k1sCDDd:
      std::copy(at(0), at(0) + c, f);
      delta(f + c, 2, 0);
      ddelta(f + 2 * c, 0);
      break;
    case FeatureType::k1sCDLdDd:
      std::copy(at(0), at(0) + c, f);
      delta(f + c, 2, 0);
      delta(f + 2 * c, 4, 0);
      ddelta(f + 3 * c, 0);
      break;
    case FeatureType::kS3_1x39:
      // 12 cepstra (no c0), 12 deltas, c0 / dc0 / ddc0, 12 double deltas.
      std::copy(at(0) + 1, at(0) + c, f);
      delta(f + 12, 2, 1);
      f[24] = at(0)[0];
      f[25] = at(2)[0] - at(-2)[0];
      f[26] = (at(3)[0] - at(-1)[0]) - (at(1)[0] - at(-3)[0]);
      ddelta(f + 27, 1);
      break;
    case FeatureType::kS2_4x:
      // Streams: 12 cepstra | 12 short + 12 long deltas | c0, dc0, ddc0 | 12 double deltas.
      std::copy(at(0) + 1, at(0) + c, f);
      delta(f + 12, 2, 1);
      delta(f + 24, 4, 1);
      f[36] = at(0)[0];
      f[37] = at(2)[0] - at(-2)[0];
      f[38] = (at(3)[0] - at(-1)[0]) - (at(1)[0] - at(-3)[0]);
      ddelta(f + 39, 1);
      break;
  }
}

}  // namespace asr
