#include "lm/arpa_writer.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

namespace asr::lm {

namespace {
constexpr double kLn10 = 2.302585092994046;

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

void PutLog10(std::FILE* f, float ln) {
  // 9 significant digits round-trip a float32 value.
  std::fprintf(f, "%.9g", static_cast<double>(ln) / kLn10);
}
}  // namespace

void WriteArpaFile(const NgramModel& model, const std::string& path) {
  std::vector<char> buf(1 << 16);  // must outlive the FILE
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "w"));
  if (!f) throw std::runtime_error(path + ": cannot create: " + std::strerror(errno));
  std::FILE* out = f.get();
  std::setvbuf(out, buf.data(), _IOFBF, buf.size());
  const int N = model.order();
  std::fprintf(out, "\\data\\\n");
  for (int k = 1; k <= N; ++k) std::fprintf(out, "ngram %d=%llu\n", k, static_cast<unsigned long long>(model.count(k)));
  const Vocabulary& vocab = model.vocab();
  for (int k = 1; k <= N; ++k) {
    std::fprintf(out, "\n\\%d-grams:\n", k);
    model.ForEachNgram(k, [&](const WordId* w, int n, float prob, float bo) {
      PutLog10(out, prob);
      for (int i = 0; i < n; ++i) {
        std::string_view s = vocab.Word(w[i]);
        std::fputc(i == 0 ? '\t' : ' ', out);
        std::fwrite(s.data(), 1, s.size(), out);
      }
      if (n < N && bo != 0.0f) {
        std::fputc('\t', out);
        PutLog10(out, bo);
      }
      std::fputc('\n', out);
    });
  }
  std::fprintf(out, "\n\\end\\\n");
  if (std::fflush(out) != 0 || std::ferror(out)) throw std::runtime_error(path + ": write failed");
  std::FILE* raw = f.release();
  if (std::fclose(raw) != 0) throw std::runtime_error(path + ": write failed");
}

}  // namespace asr::lm
