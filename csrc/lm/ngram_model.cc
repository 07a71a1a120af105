#include "lm/ngram_model.h"

#include <vector>

#include "common/error.h"
#include "lm/mapped_file.h"

namespace asr::lm {

NgramModel::NgramModel(NgramImage image, std::string name, bool verify_checksum)
    : image_(std::move(image)), name_(std::move(name)) {
  a_ = ValidateImage(image_, name_, verify_checksum);
  Vocabulary::View v;
  v.offsets = a_.vocab_offsets;
  v.strings = a_.vocab_strings;
  v.table = a_.vocab_table;
  v.size = a_.header->vocab_size;
  v.table_bits = a_.header->table_bits;
  vocab_ = Vocabulary::FromView(v);
  if (vocab_.unk() == kNoWord || vocab_.bos() == kNoWord || vocab_.eos() == kNoWord)
    throw FormatError(name_ + ": corrupt n-gram binary: vocabulary lacks <unk>, <s> or </s>");
  vocab_size_ = v.size;
  contexts_ = static_cast<uint32_t>(a_.layout.contexts);
  order_ = static_cast<int>(a_.header->order);
  // KenLM's begin-of-sentence state has the history "<s>"; scoring <s> from
  // the empty context yields exactly that state.
  int len;
  ScoreFull(State(), vocab_.bos(), &begin_, &len);
}

std::shared_ptr<NgramModel> NgramModel::LoadBinary(const std::string& path, const NgramLoadOptions& options) {
  MappedFile f = MapFile(path);
  NgramImage img;
  img.owner = f.owner;
  img.data = f.data;
  img.size = f.size;
  return std::make_shared<NgramModel>(std::move(img), path, options.verify_checksum);
}

void NgramModel::SaveBinary(const std::string& path) const { WriteFileBytes(path, image_.data, image_.size); }

void NgramModel::Visit(int depth, int k, uint32_t entry, WordId* words,
                       const std::function<void(const WordId*, int, float, float)>& f) const {
  words[depth - 1] = a_.entry_word[entry];
  if (depth == k) {
    float bo = (k < order_) ? a_.ctx_bo[entry] : 0.0f;
    f(words, k, a_.entry_prob[entry], bo);
    return;
  }
  for (uint32_t c = a_.ctx_child[entry]; c < a_.ctx_child[entry + 1]; ++c) Visit(depth + 1, k, c, words, f);
}

void NgramModel::ForEachNgram(int k, const std::function<void(const WordId*, int, float, float)>& f) const {
  if (k < 1 || k > order_) return;
  WordId words[kMaxOrder];
  for (uint32_t w = 0; w < vocab_size_; ++w) Visit(1, k, w, words, f);
}

}  // namespace asr::lm
