#include "lm/ngram_loader.h"

#include <string_view>

#include "lm/arpa_reader.h"
#include "lm/mapped_file.h"
#include "lm/ngram_builder.h"
#include "lm/sphinx_lm_bin_reader.h"

namespace asr::lm {

LmFileKind SniffLmFile(const uint8_t* data, size_t size) {
  if (LooksLikeNgramBinary(data, size)) return LmFileKind::kNgramBinary;
  if (LooksLikeSphinxLmBin(data, size)) return LmFileKind::kSphinxLmBin;
  return LmFileKind::kArpa;
}

std::shared_ptr<NgramModel> BuildNgramModel(NgramSet& set) {
  std::string name = set.source;
  NgramImage image = BuildNgramImage(set);
  return std::make_shared<NgramModel>(std::move(image), std::move(name), false);
}

std::shared_ptr<NgramModel> LoadNgramModel(const std::string& path, const NgramLoadOptions& options) {
  MappedFile f = MapFile(path);
  switch (SniffLmFile(f.data, f.size)) {
    case LmFileKind::kNgramBinary: {
      NgramImage img;
      img.owner = f.owner;
      img.data = f.data;
      img.size = f.size;
      return std::make_shared<NgramModel>(std::move(img), path, options.verify_checksum);
    }
    case LmFileKind::kSphinxLmBin: {
      NgramSet set = ParseSphinxLmBin(f.data, f.size, path);
      return BuildNgramModel(set);
    }
    case LmFileKind::kArpa:
    default: {
      NgramSet set = ParseArpa(std::string_view(reinterpret_cast<const char*>(f.data), f.size), path);
      return BuildNgramModel(set);
    }
  }
}

}  // namespace asr::lm
