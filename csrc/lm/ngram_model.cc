#include "lm/ngram_model.h"

#include <vector>

#include "common/error.h"
#include "lm/mapped_file.h"

namespace asr::lm {

NgramModel::NgramModel(NgramImage image, std::string name, bool verify_checksum)
    : image_(std::move(image)), name_(std::move(name)) {
  a_ = OpenImage(image_, name_, verify_checksum);
  Vocabulary::View v;
  v.offsets = a_.vocab_offsets;
  v.strings = a_.vocab_strings;
  v.table = a_.vocab_table;
  v.size = a_.header->vocab_size;
  v.table_bits = a_.header->table_bits;
  vocab_ = Vocabulary::FromView(v);
  if (vocab_.unk() == kNoWord || vocab_.bos() == kNoWord || vocab_.eos() == kNoWord)
    throw FormatError(name_ + ": corrupt n-gram binary: vocabulary lacks <unk>, <s> or </s>");
  unigrams_ = a_.unigrams;
  directory_ = a_.directory;
  dir_scale_ = DirectoryScale(v.size);
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

void NgramModel::Children(int k, uint32_t i, uint32_t* begin, uint32_t* end) const {
  if (k == 1) {
    *begin = unigrams_[i].child_begin;
    *end = unigrams_[i + 1].child_begin;
  } else {
    *begin = a_.levels[k].ChildBegin(i);
    *end = a_.levels[k].ChildBegin(i + 1);
  }
}

float NgramModel::NgramAt(int k, uint64_t i, WordId* words, float* ln_backoff) const {
  if (k < 1 || k > order_ || i >= count(k)) throw InvalidArgument("n-gram index out of range");
  const uint32_t index = static_cast<uint32_t>(i);
  uint32_t r = index;
  for (int j = k; j >= 1; --j) {
    words[j - 1] = j == 1 ? r : a_.levels[j].Word(r);
    if (words[j - 1] >= vocab_size_) throw FormatError(name_ + ": corrupt n-gram binary: word id out of range");
    if (j == 1) break;
    // Parent: the last n-gram of order j-1 whose children start at or before r.
    uint32_t lo = 0, hi = static_cast<uint32_t>(count(j - 1));
    while (hi - lo > 1) {
      const uint32_t mid = lo + (hi - lo) / 2;
      uint32_t b, e;
      Children(j - 1, mid, &b, &e);
      if (b <= r) lo = mid; else hi = mid;
    }
    r = lo;
  }
  if (k == 1) {
    *ln_backoff = k < order_ ? unigrams_[index].backoff : 0.0f;
    return unigrams_[index].prob;
  }
  *ln_backoff = k < order_ ? a_.levels[k].Backoff(index) : 0.0f;
  return a_.levels[k].Prob(index);
}

void NgramModel::Visit(int depth, int k, uint32_t i, WordId* words, uint32_t* expect,
                       const std::function<void(const WordId*, int, float, float)>& f) const {
  words[depth - 1] = depth == 1 ? i : a_.levels[depth].Word(i);
  if (words[depth - 1] >= vocab_size_) throw FormatError(name_ + ": corrupt n-gram binary: word id out of range");
  if (depth == k) {
    if (k == 1) {
      f(words, k, unigrams_[i].prob, order_ > 1 ? unigrams_[i].backoff : 0.0f);
    } else {
      f(words, k, a_.levels[k].Prob(i), k < order_ ? a_.levels[k].Backoff(i) : 0.0f);
    }
    return;
  }
  uint32_t b, e;
  Children(depth, i, &b, &e);
  // In a valid image the child ranges of each order tile the next order.
  if (b != expect[depth] || e < b) throw FormatError(name_ + ": corrupt n-gram binary: child ranges do not tile");
  expect[depth] = e;
  for (uint32_t c = b; c < e; ++c) Visit(depth + 1, k, c, words, expect, f);
}

void NgramModel::ForEachNgram(int k, const std::function<void(const WordId*, int, float, float)>& f) const {
  if (k < 1 || k > order_) return;
  WordId words[kMaxOrder];
  uint32_t expect[kMaxOrder + 1] = {};
  for (uint32_t w = 0; w < vocab_size_; ++w) Visit(1, k, w, words, expect, f);
}

}  // namespace asr::lm
