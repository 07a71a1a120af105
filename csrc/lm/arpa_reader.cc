#include "lm/arpa_reader.h"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include "common/error.h"
#include "common/utf8.h"
#include "lm/mapped_file.h"
#include "lm/ngram_binary_format.h"

namespace asr::lm {

namespace {

constexpr double kLn10 = 2.302585092994046;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Shorten(std::string_view s) {
  return s.size() > 60 ? std::string(s.substr(0, 57)) + "..." : std::string(s);
}

class LineReader {
 public:
  LineReader(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  // Next line (without '\n'), or false at end of file.
  bool Next(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    unterminated_ = end == text_.size();
    *line = text_.substr(pos_, end - pos_);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    pos_ = end + 1;
    ++lineno_;
    return true;
  }
  // Next line that is not blank, or false at end of file.
  bool NextNonBlank(std::string_view* line) {
    while (Next(line))
      if (!Trim(*line).empty()) return true;
    return false;
  }
  size_t lineno() const { return lineno_; }
  size_t remaining() const { return pos_ >= text_.size() ? 0 : text_.size() - pos_; }

  [[noreturn]] void Fail(const std::string& what) const {
    throw FormatError(name_ + ", line " + std::to_string(lineno_) + ": " + what +
                      (unterminated_ ? " (the file ends inside this line: truncated?)" : ""));
  }
  [[noreturn]] void FailEof(const std::string& what) const {
    throw FormatError(name_ + ", line " + std::to_string(lineno_) + ": unexpected end of file: " + what);
  }

 private:
  std::string_view text_;
  const std::string& name_;
  size_t pos_ = 0;
  size_t lineno_ = 0;
  bool unterminated_ = false;  // the current line has no '\n' (end of file)
};

// Splits on ASCII blanks into at most `max` fields; returns the field count
// (max + 1 means "more than max").
int Split(std::string_view line, std::string_view* fields, int max) {
  int n = 0;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i >= line.size()) break;
    size_t j = i;
    while (j < line.size() && !IsSpace(line[j])) ++j;
    if (n == max) return max + 1;
    fields[n++] = line.substr(i, j - i);
    i = j;
  }
  return n;
}

float ParseLog10(const LineReader& r, std::string_view s, const char* what) {
  double v = 0.0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec == std::errc::result_out_of_range) {
    v = (!s.empty() && s[0] == '-') ? -HUGE_VAL : HUGE_VAL;
  } else if (res.ec != std::errc() || res.ptr != s.data() + s.size()) {
    r.Fail(std::string("expected a number for the ") + what + ", found '" + Shorten(s) + "'");
  }
  if (std::isnan(v)) r.Fail(std::string("the ") + what + " is not a number (nan)");
  return static_cast<float>(v * kLn10);
}

bool ParseCountLine(std::string_view line, int* order, uint64_t* count) {
  line = Trim(line);
  if (line.substr(0, 5) != "ngram") return false;
  line.remove_prefix(5);
  if (line.empty() || !IsSpace(line[0])) return false;
  line = Trim(line);
  size_t eq = line.find('=');
  if (eq == std::string_view::npos) return false;
  std::string_view a = Trim(line.substr(0, eq)), b = Trim(line.substr(eq + 1));
  auto r1 = std::from_chars(a.data(), a.data() + a.size(), *order);
  auto r2 = std::from_chars(b.data(), b.data() + b.size(), *count);
  return r1.ec == std::errc() && r1.ptr == a.data() + a.size() && r2.ec == std::errc() &&
         r2.ptr == b.data() + b.size();
}

std::string TooMany(int k, uint64_t declared) {
  return "more n-grams in the \\" + std::to_string(k) + "-grams: section than the " + std::to_string(declared) +
         " declared in \\data\\";
}

}  // namespace

NgramSet ParseArpa(std::string_view text, const std::string& name) {
  LineReader r(text, name);
  std::string_view line;

  // Header: skip anything before \data\.
  for (;;) {
    if (!r.Next(&line)) r.FailEof("no \\data\\ section header (is this an ARPA file?)");
    if (Trim(line) == "\\data\\") break;
  }
  // Counts.
  std::vector<uint64_t> counts;
  for (;;) {
    if (!r.Next(&line)) r.FailEof("in the \\data\\ section");
    if (Trim(line).empty()) {
      if (counts.empty()) continue;
      break;
    }
    int order = 0;
    uint64_t count = 0;
    if (!ParseCountLine(line, &order, &count)) {
      if (counts.empty())
        r.Fail("expected 'ngram 1=<count>' after \\data\\, found '" + Shorten(line) + "'");
      r.Fail("expected 'ngram <order>=<count>' or a blank line, found '" + Shorten(line) + "'");
    }
    if (order != static_cast<int>(counts.size()) + 1)
      r.Fail("n-gram counts out of order: expected order " + std::to_string(counts.size() + 1) + ", found " +
             std::to_string(order));
    if (order > kMaxOrder)
      r.Fail("order " + std::to_string(order) + " is above the supported maximum " + std::to_string(kMaxOrder));
    if (count >= 0xFFFFFFF0u) r.Fail("n-gram count too large");
    if (order == 1 && count == 0) r.Fail("the model has no unigrams");
    counts.push_back(count);
  }
  const int N = static_cast<int>(counts.size());
  // Check the declared counts against what the rest of the file can hold
  // before reserving anything: a k-gram line takes at least 2k+2 bytes
  // ("p w1 .. wk\n"), so a 68-byte file cannot declare a billion n-grams.
  uint64_t needed = 0;
  for (int k = 1; k <= N; ++k) needed += counts[k - 1] * (2 * static_cast<uint64_t>(k) + 2);
  if (needed > r.remaining())
    r.Fail("\\data\\ declares more n-grams than the file can hold (" + std::to_string(needed) +
           " bytes at least, " + std::to_string(r.remaining()) + " left): truncated or corrupt");

  NgramSet set;
  set.source = name;
  set.lists.resize(N);
  set.declared_counts = counts;
  std::unordered_map<std::string_view, WordId> ids;
  ids.reserve(counts[0] * 2);
  std::string_view fields[kMaxOrder + 3];

  for (int k = 1; k <= N; ++k) {
    const std::string header = "\\" + std::to_string(k) + "-grams:";
    if (!r.NextNonBlank(&line)) r.FailEof("missing the " + header + " section");
    if (Trim(line) != header) {
      // An n-gram line where a header belongs: the previous count is too small.
      if (k > 1 && Trim(line)[0] != '\\') r.Fail(TooMany(k - 1, counts[k - 2]));
      if (Trim(line) == "\\end\\") r.Fail("\\end\\ before the " + header + " section");
      r.Fail("expected the " + header + " section header, found '" + Shorten(line) + "'");
    }
    NgramList& l = set.lists[k - 1];
    l.order = k;
    const uint64_t n = counts[k - 1];
    l.prob.reserve(n);
    l.backoff.reserve(n);
    l.line.reserve(n);
    if (k > 1) l.words.reserve(n * k);
    if (k == 1) set.vocab.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      auto too_few = [&] {
        return "the " + header + " section has " + std::to_string(i) + " n-grams but \\data\\ declares " +
               std::to_string(n);
      };
      if (!r.Next(&line)) r.FailEof(too_few());
      if (Trim(line).empty() || Trim(line)[0] == '\\') r.Fail(too_few());
      int nf = Split(line, fields, k + 2);
      if (nf < k + 1 || nf > k + 2)
        r.Fail("expected " + std::to_string(k + 1) + " or " + std::to_string(k + 2) + " fields for a " +
               std::to_string(k) + "-gram, found " + (nf > k + 2 ? "more" : std::to_string(nf)));
      float prob = ParseLog10(r, fields[0], "log probability");
      if (prob > 0.0f) prob = 0.0f;  // as KenLM: a positive log probability is a toolkit rounding error
      float bo = nf == k + 2 ? ParseLog10(r, fields[k + 1], "back-off weight") : 0.0f;
      if (k == N) bo = 0.0f;  // the highest order is never a context
      if (k == 1) {
        if (!IsValidUtf8(fields[1])) r.Fail("word is not valid UTF-8");
        auto [it, fresh] = ids.emplace(fields[1], static_cast<WordId>(set.vocab.size()));
        if (!fresh) r.Fail("duplicate unigram '" + Shorten(fields[1]) + "'");
        set.vocab.emplace_back(fields[1]);
      } else {
        for (int j = 0; j < k; ++j) {
          auto it = ids.find(fields[1 + j]);
          if (it == ids.end()) r.Fail("word '" + Shorten(fields[1 + j]) + "' is not in the \\1-grams: section");
          l.words.push_back(it->second);
        }
      }
      l.prob.push_back(prob);
      l.backoff.push_back(bo);
      l.line.push_back(static_cast<uint32_t>(r.lineno()));
    }
  }
  if (!r.NextNonBlank(&line)) r.FailEof("missing \\end\\");
  if (Trim(line) != "\\end\\") {
    if (Trim(line)[0] != '\\') r.Fail(TooMany(N, counts[N - 1]));
    r.Fail("expected \\end\\, found '" + Shorten(line) + "'");
  }
  return set;
}

NgramSet ReadArpaFile(const std::string& path) {
  MappedFile f = MapFile(path);
  return ParseArpa(std::string_view(reinterpret_cast<const char*>(f.data), f.size), path);
}

}  // namespace asr::lm
