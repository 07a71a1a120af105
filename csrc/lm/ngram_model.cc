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
  entry_bits_ = EntryBits(a_.layout.entries);
  entry_mask_ = static_cast<uint32_t>((uint64_t{1} << entry_bits_) - 1);
  table_mask_ = (uint64_t{1} << a_.header->ngram_table_bits) - 1;
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

float NgramModel::NgramAt(int k, uint64_t i, WordId* words, float* ln_backoff) const {
  if (k < 1 || k > order_ || i >= count(k)) throw InvalidArgument("n-gram index out of range");
  uint32_t e = static_cast<uint32_t>(a_.layout.order_begin[k - 1] + i);
  const uint32_t entry = e;
  for (int j = k; j >= 1; --j) {
    words[j - 1] = a_.entry_word[e];
    if (j == 1) break;
    // Parent: the last context of order j-1 whose children start at or before e.
    uint64_t lo = a_.layout.order_begin[j - 2], hi = a_.layout.order_begin[j - 1];
    while (hi - lo > 1) {
      uint64_t mid = (lo + hi) / 2;
      if (a_.contexts[mid].child_begin <= e) lo = mid; else hi = mid;
    }
    e = static_cast<uint32_t>(lo);
  }
  *ln_backoff = k < order_ ? a_.contexts[entry].backoff_weight : 0.0f;
  return a_.entry_value[entry].prob;
}

void NgramModel::Visit(int depth, int k, uint32_t entry, WordId* words,
                       const std::function<void(const WordId*, int, float, float)>& f) const {
  words[depth - 1] = a_.entry_word[entry];
  if (depth == k) {
    float bo = (k < order_) ? a_.contexts[entry].backoff_weight : 0.0f;
    f(words, k, a_.entry_value[entry].prob, bo);
    return;
  }
  const uint32_t end = a_.contexts[entry + 1].child_begin;
  for (uint32_t c = a_.contexts[entry].child_begin; c < end; ++c) Visit(depth + 1, k, c, words, f);
}

void NgramModel::ForEachNgram(int k, const std::function<void(const WordId*, int, float, float)>& f) const {
  if (k < 1 || k > order_) return;
  WordId words[kMaxOrder];
  for (uint32_t w = 0; w < vocab_size_; ++w) Visit(1, k, w, words, f);
}

}  // namespace asr::lm
