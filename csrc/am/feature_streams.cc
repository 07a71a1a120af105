#include "am/feature_streams.h"

#include <cstdlib>
#include <sstream>

#include "common/error.h"

namespace asr {

namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

int ParseInt(const std::string& s, const std::string& context) {
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || v < 0 || v > 100000) {
    throw FormatError(context + ": '" + s + "' is not a valid count");
  }
  return static_cast<int>(v);
}

// Stream lengths of the standard Sphinx feature types.
std::vector<int> TypeStreams(const std::string& type, int ceplen, const std::string& context) {
  if (type == "s2_4x") {
    if (ceplen != 13) throw FormatError(context + ": s2_4x features need ceplen 13");
    return {12, 24, 3, 12};
  }
  if (type == "s3_1x39" || type == "1s_12c_12d_3p_12dd") {
    if (ceplen != 13) throw FormatError(context + ": " + type + " features need ceplen 13");
    return {39};
  }
  if (StartsWith(type, "1s_c_d_dd")) return {3 * ceplen};
  if (StartsWith(type, "1s_c_d_ld_dd")) return {4 * ceplen};
  if (StartsWith(type, "cep_dcep") || StartsWith(type, "1s_c_d")) return {2 * ceplen};
  if (StartsWith(type, "cep") || StartsWith(type, "1s_c")) return {ceplen};
  // Generic "n1,n2,...[:window]".
  std::string spec = type;
  int window = 0;
  size_t colon = spec.find(':');
  if (colon != std::string::npos) {
    window = ParseInt(spec.substr(colon + 1), context + " feature type window");
    spec = spec.substr(0, colon);
  }
  std::vector<int> lens;
  std::stringstream ss(spec);
  std::string item;
  while (std::getline(ss, item, ',')) {
    int n = ParseInt(item, context + " feature type '" + type + "'");
    if (n <= 0) throw FormatError(context + ": empty stream in feature type '" + type + "'");
    lens.push_back(n * (2 * window + 1));
  }
  if (lens.empty()) throw FormatError(context + ": unknown feature type '" + type + "'");
  return lens;
}

}  // namespace

FeatureStreams FeatureStreams::FromType(const std::string& feat_type, int ceplen,
                                const std::string& svspec) {
  FeatureStreams p;
  p.feat_type = feat_type;
  p.ceplen = ceplen;
  const std::string context = "feature layout";
  std::vector<int> lens = TypeStreams(feat_type, ceplen, context);
  int dim = 0;
  for (int n : lens) dim += n;
  p.frame_dim = dim;
  p.streams.clear();
  if (!svspec.empty()) {
    if (lens.size() != 1) throw FormatError(context + ": -svspec needs a single-stream feature type");
    std::vector<bool> used(dim, false);
    std::stringstream ss(svspec);
    std::string group;
    while (std::getline(ss, group, '/')) {
      std::vector<int> idx;
      std::stringstream gs(group);
      std::string range;
      while (std::getline(gs, range, ',')) {
        size_t dash = range.find('-');
        int a = ParseInt(range.substr(0, dash), "-svspec");
        int b = dash == std::string::npos ? a : ParseInt(range.substr(dash + 1), "-svspec");
        if (a > b || b >= dim) {
          throw FormatError("-svspec '" + svspec + "': range " + range + " outside the " +
                            std::to_string(dim) + "-dim feature");
        }
        for (int i = a; i <= b; ++i) {
          if (used[i]) throw FormatError("-svspec '" + svspec + "' uses dimension " + std::to_string(i) + " twice");
          used[i] = true;
          idx.push_back(i);
        }
      }
      if (idx.empty()) throw FormatError("-svspec '" + svspec + "' has an empty stream");
      p.streams.push_back(idx);
    }
  } else {
    int off = 0;
    for (int n : lens) {
      std::vector<int> idx(n);
      for (int i = 0; i < n; ++i) idx[i] = off + i;
      off += n;
      p.streams.push_back(idx);
    }
  }
  return p;
}

FeatureStreams FeatureStreams::FromFeatParams(const FeatParams& params) {
  const std::string ctx = params.source().empty() ? "feat.params" : params.source();
  const int ceplen = params.GetInt("ceplen", 13);
  if (ceplen <= 0 || ceplen > 1000) throw FormatError(ctx + ": bad -ceplen " + std::to_string(ceplen));
  try {
    return FromType(params.GetString("feat", "1s_c_d_dd"), ceplen, params.GetString("svspec", ""));
  } catch (const Error& e) {
    throw FormatError(ctx + ": " + e.what());
  }
}

std::vector<int> FeatureStreams::StreamLengths() const {
  std::vector<int> out;
  for (const auto& s : streams) out.push_back(static_cast<int>(s.size()));
  return out;
}

}  // namespace asr
