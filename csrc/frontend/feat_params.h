// The `feat.params` file of a Sphinx acoustic model: the front-end and
// feature settings the model was trained with, as `-name value` pairs.
//
// Kept as strings here; FrontendOptions and FeatureOptions read the keys they
// understand, so a model with extra keys still loads.
#pragma once

#include <map>
#include <string>

namespace asr {

class FeatParams {
 public:
  // Parses `-name value` pairs separated by white space; `#` starts a
  // comment. Throws FormatError naming `source` on a malformed file.
  static FeatParams Parse(const std::string& text, const std::string& source);
  static FeatParams Load(const std::string& path);

  bool Has(const std::string& key) const { return values_.count(key) != 0; }
  const std::string& Get(const std::string& key) const;

  // Typed reads that return `fallback` when the key is absent and throw a
  // FormatError naming the key when the value does not parse.
  std::string GetString(const std::string& key, const std::string& fallback) const;
  double GetDouble(const std::string& key, double fallback) const;
  int GetInt(const std::string& key, int fallback) const;
  bool GetBool(const std::string& key, bool fallback) const;

  void Set(const std::string& key, const std::string& value) { values_[key] = value; }
  const std::map<std::string, std::string>& values() const { return values_; }
  const std::string& source() const { return source_; }

 private:
  std::map<std::string, std::string> values_;
  std::string source_;
};

}  // namespace asr
