#include "adapt/sphinx_model_writer.h"

#include <cstdint>
#include <cstring>

#include "adapt/atomic_file.h"

namespace asr {

namespace {

class SphinxBinaryWriter {
 public:
  SphinxBinaryWriter() {
    out_ = "s3\nversion 1.0\nchksum0 yes\nendhdr\n";
    const uint32_t magic = 0x11223344u;
    out_.append(reinterpret_cast<const char*>(&magic), 4);
  }
  void Word(uint32_t v) {
    checksum_ = ((checksum_ << 20) | (checksum_ >> 12)) + v;
    out_.append(reinterpret_cast<const char*>(&v), 4);
  }
  void Int(int32_t v) { Word(static_cast<uint32_t>(v)); }
  void Float(float f) {
    uint32_t v;
    std::memcpy(&v, &f, 4);
    Word(v);
  }
  void Save(const std::string& path) {
    const uint32_t sum = checksum_;
    out_.append(reinterpret_cast<const char*>(&sum), 4);
    WriteFileAtomically(path, out_);
  }

 private:
  std::string out_;
  uint32_t checksum_ = 0;
};

void WriteGaussians(const GaussianCodebooks& g, const std::string& path, bool means) {
  SphinxBinaryWriter w;
  w.Int(g.n_codebook());
  w.Int(g.n_stream());
  w.Int(g.n_density());
  int64_t total = 0;
  for (int len : g.veclens()) {
    w.Int(len);
    total += len;
  }
  w.Int(static_cast<int32_t>(total * g.n_codebook() * g.n_density()));
  for (int cb = 0; cb < g.n_codebook(); ++cb)
    for (int s = 0; s < g.n_stream(); ++s)
      for (int k = 0; k < g.n_density(); ++k) {
        const float* v = means ? g.Mean(cb, s, k) : g.Variance(cb, s, k);
        for (int d = 0; d < g.veclen(s); ++d) w.Float(v[d]);
      }
  w.Save(path);
}

}  // namespace

void WriteMeansFile(const GaussianCodebooks& codebooks, const std::string& path) {
  WriteGaussians(codebooks, path, true);
}

void WriteVariancesFile(const GaussianCodebooks& codebooks, const std::string& path) {
  WriteGaussians(codebooks, path, false);
}

void WriteMixtureWeightsFile(const MixtureWeights& mw, const std::string& path) {
  SphinxBinaryWriter w;
  w.Int(mw.n_senone());
  w.Int(mw.n_stream());
  w.Int(mw.n_density());
  w.Int(mw.n_senone() * mw.n_stream() * mw.n_density());
  for (int sen = 0; sen < mw.n_senone(); ++sen)
    for (int s = 0; s < mw.n_stream(); ++s)
      for (int k = 0; k < mw.n_density(); ++k) w.Float(mw.Weight(s, k, sen));
  w.Save(path);
}

}  // namespace asr
