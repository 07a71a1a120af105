#include "frontend/feat_params.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace asr {

FeatParams FeatParams::Parse(const std::string& text, const std::string& source) {
  FeatParams params;
  params.source_ = source;
  std::istringstream lines(text);
  std::string line;
  int line_no = 0;
  while (std::getline(lines, line)) {
    ++line_no;
    auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    std::istringstream tokens(line);
    std::string name, value;
    while (tokens >> name) {
      if (name.size() < 2 || name[0] != '-')
        throw FormatError(source + ":" + std::to_string(line_no) + ": expected '-name value', got '" +
                          name + "'");
      if (!(tokens >> value))
        throw FormatError(source + ":" + std::to_string(line_no) + ": option '" + name +
                          "' has no value");
      params.values_[name.substr(1)] = value;
    }
  }
  return params;
}

FeatParams FeatParams::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kNotFound, "cannot open feature parameters file " + path);
  std::ostringstream buf;
  buf << in.rdbuf();
  return Parse(buf.str(), path);
}

const std::string& FeatParams::Get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw FormatError(source_ + ": missing option -" + key);
  return it->second;
}

std::string FeatParams::GetString(const std::string& key, const std::string& fallback) const {
  return Has(key) ? Get(key) : fallback;
}

double FeatParams::GetDouble(const std::string& key, double fallback) const {
  if (!Has(key)) return fallback;
  const std::string& s = Get(key);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || errno == ERANGE)
    throw FormatError(source_ + ": option -" + key + " must be a number, got '" + s + "'");
  return v;
}

int FeatParams::GetInt(const std::string& key, int fallback) const {
  if (!Has(key)) return fallback;
  const std::string& s = Get(key);
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(s.c_str(), &end, 10);
  if (end == s.c_str() || *end != '\0' || errno == ERANGE || v < -2147483647L || v > 2147483647L)
    throw FormatError(source_ + ": option -" + key + " must be an integer, got '" + s + "'");
  return static_cast<int>(v);
}

bool FeatParams::GetBool(const std::string& key, bool fallback) const {
  if (!Has(key)) return fallback;
  const std::string& s = Get(key);
  if (s == "yes" || s == "true" || s == "1" || s == "TRUE" || s == "YES") return true;
  if (s == "no" || s == "false" || s == "0" || s == "FALSE" || s == "NO") return false;
  throw FormatError(source_ + ": option -" + key + " must be yes or no, got '" + s + "'");
}

}  // namespace asr
