#include "lm/vocabulary.h"

#include <cstring>
#include <utility>

#include "common/error.h"

namespace asr::lm {

uint64_t HashWord(std::string_view word) {
  // Word-at-a-time multiply/xor mix with a final avalanche: words are short,
  // so this beats byte-wise hashes and spreads well over a power-of-two table.
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  const char* p = word.data();
  size_t n = word.size();
  uint64_t h = 0x243F6A8885A308D3ull ^ (static_cast<uint64_t>(n) * kMul);
  while (n >= 8) {
    uint64_t k;
    std::memcpy(&k, p, 8);
    h = (h ^ k) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  uint64_t k = 0;
  std::memcpy(&k, p, n);
  h = (h ^ k) * kMul;
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  h ^= h >> 32;
  return h;
}

uint32_t Vocabulary::TableBitsFor(uint32_t n) {
  uint32_t bits = 4;
  while ((uint64_t{1} << bits) < uint64_t{2} * n) ++bits;
  return bits;
}

void Vocabulary::FillTable(const std::vector<std::string>& words, uint32_t bits, uint32_t* table) {
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  std::memset(table, 0, sizeof(uint32_t) << bits);
  for (uint32_t id = 0; id < words.size(); ++id) {
    uint64_t slot = HashWord(words[id]) & mask;
    while (table[slot] != 0) {
      if (words[table[slot] - 1] == words[id]) throw FormatError("duplicate word '" + words[id] + "' in vocabulary");
      slot = (slot + 1) & mask;
    }
    table[slot] = id + 1;
  }
}

Vocabulary::Vocabulary(std::vector<std::string> words) {
  if (words.size() >= 0xFFFFFFF0u) throw InvalidArgument("vocabulary too large");
  own_offsets_.reserve(words.size() + 1);
  own_offsets_.push_back(0);
  for (const auto& w : words) {
    own_strings_ += w;
    if (own_strings_.size() > 0xFFFFFFF0u) throw InvalidArgument("vocabulary strings too large");
    own_offsets_.push_back(static_cast<uint32_t>(own_strings_.size()));
  }
  uint32_t bits = TableBitsFor(static_cast<uint32_t>(words.size()));
  own_table_.assign(size_t{1} << bits, 0);
  FillTable(words, bits, own_table_.data());
  view_.offsets = own_offsets_.data();
  view_.strings = own_strings_.data();
  view_.table = own_table_.data();
  view_.size = static_cast<uint32_t>(words.size());
  view_.table_bits = bits;
  SetSpecials();
}

Vocabulary Vocabulary::FromView(const View& view) {
  Vocabulary v;
  v.view_ = view;
  v.SetSpecials();
  return v;
}

Vocabulary::Vocabulary(Vocabulary&& o) noexcept { *this = std::move(o); }

Vocabulary& Vocabulary::operator=(Vocabulary&& o) noexcept {
  if (this == &o) return *this;
  // std::string's small buffer moves its bytes, so the view must be re-pointed.
  bool owned = !o.own_offsets_.empty();
  own_offsets_ = std::move(o.own_offsets_);
  own_strings_ = std::move(o.own_strings_);
  own_table_ = std::move(o.own_table_);
  view_ = o.view_;
  if (owned) {
    view_.offsets = own_offsets_.data();
    view_.strings = own_strings_.data();
    view_.table = own_table_.data();
  }
  unk_ = o.unk_;
  bos_ = o.bos_;
  eos_ = o.eos_;
  o.view_ = View();
  return *this;
}

WordId Vocabulary::Find(std::string_view word) const {
  if (view_.size == 0) return kNoWord;
  const uint64_t mask = (uint64_t{1} << view_.table_bits) - 1;
  uint64_t slot = HashWord(word) & mask;
  // The table always has empty slots (load <= 0.5), so probing terminates.
  for (;;) {
    uint32_t v = view_.table[slot];
    if (v == 0) return kNoWord;
    WordId id = v - 1;
    uint32_t b = view_.offsets[id], e = view_.offsets[id + 1];
    if (e - b == word.size() && std::memcmp(view_.strings + b, word.data(), word.size()) == 0) return id;
    slot = (slot + 1) & mask;
  }
}

void Vocabulary::SetSpecials() {
  unk_ = Find("<unk>");
  bos_ = Find("<s>");
  eos_ = Find("</s>");
}

}  // namespace asr::lm
