#include "adapt/mllr_file.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "adapt/atomic_file.h"
#include "am/sphinx_binary.h"
#include "common/error.h"

namespace asr {

namespace {

constexpr int kMaxClasses = 4096;
constexpr int kMaxStreams = 64;
constexpr int kMaxVeclen = 4096;

// Whitespace-separated numbers with positions for error messages.
struct Tokens {
  std::vector<std::string> words;
  size_t pos = 0;
  std::string source;

  [[noreturn]] void Fail(const std::string& m) const { throw FormatError(source + ": " + m); }
  bool done() const { return pos == words.size(); }
  int Int(const char* what, int lo, int hi) {
    if (done()) Fail(std::string("truncated: ") + what + " missing");
    const std::string& w = words[pos++];
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(w.c_str(), &end, 10);
    if (errno || *end || v < lo || v > hi) Fail(std::string("bad ") + what + " '" + w + "'");
    return static_cast<int>(v);
  }
  float Float(const char* what) {
    if (done()) Fail(std::string("truncated while reading ") + what);
    const std::string& w = words[pos++];
    char* end = nullptr;
    float v = std::strtof(w.c_str(), &end);
    if (*end || !std::isfinite(v)) Fail(std::string("bad number '") + w + "' in " + what);
    return v;
  }
};

void ReadBlock(Tokens& tok, int len, std::vector<float>* a, std::vector<float>* b, std::vector<float>* h) {
  a->resize(static_cast<size_t>(len) * len);
  b->resize(len);
  h->resize(len);
  for (float& v : *a) v = tok.Float("the matrix A");
  for (float& v : *b) v = tok.Float("the bias b");
  for (float& v : *h) {
    v = tok.Float("the variance scales");
    if (!(v > 0)) tok.Fail("variance scales must be positive");
  }
}

// Parses one layout; throws FormatError if the values do not fit it.
MllrTransform ParseLayout(Tokens tok, MllrLayout layout) {
  MeanTransform t;
  t.n_class = tok.Int("number of classes", 1, kMaxClasses);
  const int n_stream = tok.Int("number of feature streams", 1, kMaxStreams);
  t.a.assign(t.n_class, std::vector<std::vector<float>>(n_stream));
  t.b = t.a;
  t.var_scale = t.a;
  if (layout == MllrLayout::kPocketSphinx) {
    for (int s = 0; s < n_stream; ++s) {
      const int len = tok.Int("stream length", 1, kMaxVeclen);
      for (int c = 0; c < t.n_class; ++c) ReadBlock(tok, len, &t.a[c][s], &t.b[c][s], &t.var_scale[c][s]);
    }
  } else {
    std::vector<int> lens(n_stream, 0);
    for (int c = 0; c < t.n_class; ++c)
      for (int s = 0; s < n_stream; ++s) {
        const int len = tok.Int("stream length", 1, kMaxVeclen);
        if (c > 0 && len != lens[s]) tok.Fail("classes disagree on the length of stream " + std::to_string(s));
        lens[s] = len;
        ReadBlock(tok, len, &t.a[c][s], &t.b[c][s], &t.var_scale[c][s]);
      }
  }
  if (!tok.done()) tok.Fail(std::to_string(tok.words.size() - tok.pos) + " unexpected values after the matrices");
  bool unit = true;
  for (const auto& cls : t.var_scale)
    for (const auto& h : cls)
      for (float v : h) unit = unit && v == 1.0f;
  if (unit) t.var_scale.clear();
  return MllrTransform(std::move(t));
}

}  // namespace

MllrTransform ParseMllr(const std::string& text, const std::string& source) {
  Tokens tok;
  tok.source = source;
  std::istringstream in(text);
  for (std::string w; in >> w;) {
    if (tok.words.size() > (size_t{1} << 26)) tok.Fail("file too large for an MLLR transform");
    tok.words.push_back(w);
  }
  if (tok.words.empty()) tok.Fail("empty MLLR file");
  try {
    return ParseLayout(tok, MllrLayout::kPocketSphinx);
  } catch (const Error& first) {
    try {
      return ParseLayout(tok, MllrLayout::kSphinxTrain);
    } catch (const Error&) {
      throw first;  // for one class the layouts agree; report the first reading
    }
  }
}

MllrTransform ReadMllrFile(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadFileBytes(path);
  return ParseMllr(std::string(bytes.begin(), bytes.end()), path);
}

std::string FormatMllr(const MllrTransform& m, MllrLayout layout) {
  const MeanTransform& t = m.mean_transform();
  std::string out = std::to_string(t.n_class) + "\n" + std::to_string(m.n_stream()) + "\n";
  char buf[32];
  auto block = [&](int c, int s) {
    const int len = m.veclens()[s];
    for (int i = 0; i < len; ++i) {
      for (int j = 0; j < len; ++j) {
        std::snprintf(buf, sizeof(buf), "%.9g ", t.a[c][s][static_cast<size_t>(i) * len + j]);
        out += buf;
      }
      out += "\n";
    }
    for (int i = 0; i < len; ++i) {
      std::snprintf(buf, sizeof(buf), "%.9g ", t.b[c][s][i]);
      out += buf;
    }
    out += "\n";
    for (int i = 0; i < len; ++i) {
      std::snprintf(buf, sizeof(buf), "%.9g ", t.var_scale.empty() ? 1.0f : t.var_scale[c][s][i]);
      out += buf;
    }
    out += "\n";
  };
  if (layout == MllrLayout::kPocketSphinx) {
    for (int s = 0; s < m.n_stream(); ++s) {
      out += std::to_string(m.veclens()[s]) + "\n";
      for (int c = 0; c < t.n_class; ++c) block(c, s);
    }
  } else {
    for (int c = 0; c < t.n_class; ++c)
      for (int s = 0; s < m.n_stream(); ++s) {
        out += std::to_string(m.veclens()[s]) + "\n";
        block(c, s);
      }
  }
  return out;
}

void WriteMllrFile(const MllrTransform& transform, const std::string& path, MllrLayout layout) {
  WriteFileAtomically(path, FormatMllr(transform, layout));
}

}  // namespace asr
