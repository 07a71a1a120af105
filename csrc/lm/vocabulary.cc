#include "lm/vocabulary.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "common/error.h"

namespace asr::lm {

namespace {
// Words are short and a tag already matched, so an inline compare beats a
// call to memcmp on this hot path.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  while (n >= 8) {
    uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
    a += 8;
    b += 8;
    n -= 8;
  }
  for (; n != 0; --n)
    if (*a++ != *b++) return false;
  return true;
}
}  // namespace

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
  while ((uint64_t{1} << bits) * 7 < uint64_t{10} * n + 10) ++bits;
  return bits;
}

namespace {
void FillKey(VocabSlot* slot, std::string_view word, uint64_t hash, uint32_t offset) {
  std::memset(slot->key, 0, sizeof(slot->key));
  slot->length = static_cast<uint32_t>(word.size());
  if (word.size() <= 8) {
    std::memcpy(slot->key, word.data(), word.size());
  } else {
    uint32_t tag = static_cast<uint32_t>(hash >> 32);
    std::memcpy(slot->key, &tag, 4);
    std::memcpy(slot->key + 4, &offset, 4);
  }
}
}  // namespace

void Vocabulary::FillTable(const std::vector<std::string>& words, uint32_t bits, VocabSlot* table) {
  const uint64_t mask = (uint64_t{1} << bits) - 1;
  std::memset(table, 0, sizeof(VocabSlot) << bits);
  uint64_t offset = 0;
  for (uint32_t id = 0; id < words.size(); ++id) {
    const uint64_t h = HashWord(words[id]);
    uint64_t slot = h & mask;
    while (table[slot].id_plus_1 != 0) {
      if (words[table[slot].id_plus_1 - 1] == words[id])
        throw FormatError("duplicate word '" + words[id] + "' in vocabulary");
      slot = (slot + 1) & mask;
    }
    table[slot].id_plus_1 = id + 1;
    FillKey(&table[slot], words[id], h, static_cast<uint32_t>(offset));
    offset += words[id].size();
  }
}

Vocabulary::Vocabulary(std::vector<std::string> words) {
  // Every vocabulary can map unknown words somewhere.
  if (std::find(words.begin(), words.end(), "<unk>") == words.end()) words.emplace_back("<unk>");
  if (words.size() >= 0xFFFFFFF0u) throw InvalidArgument("vocabulary too large");
  own_offsets_.reserve(words.size() + 1);
  own_offsets_.push_back(0);
  for (const auto& w : words) {
    own_strings_ += w;
    if (own_strings_.size() > 0xFFFFFFF0u) throw InvalidArgument("vocabulary strings too large");
    own_offsets_.push_back(static_cast<uint32_t>(own_strings_.size()));
  }
  uint32_t bits = TableBitsFor(static_cast<uint32_t>(words.size()));
  own_table_.assign(size_t{1} << bits, VocabSlot{0, 0, {}});
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

WordId Vocabulary::FindHashed(std::string_view word, uint64_t h) const {
  if (view_.size == 0) return kNoWord;
  const uint64_t mask = (uint64_t{1} << view_.table_bits) - 1;
  uint64_t slot = h & mask;
  char key[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  if (word.size() <= 8) {
    std::memcpy(key, word.data(), word.size());
  } else {
    uint32_t tag = static_cast<uint32_t>(h >> 32);
    std::memcpy(key, &tag, 4);
  }
  uint64_t key_bits;
  std::memcpy(&key_bits, key, 8);
  const bool inline_key = word.size() <= 8;
  // The table always has empty slots (load <= 0.7), so probing terminates.
  for (;;) {
    const VocabSlot& v = view_.table[slot];
    if (v.id_plus_1 == 0) return kNoWord;
    if (v.length == word.size()) {
      uint64_t slot_bits;
      std::memcpy(&slot_bits, v.key, 8);
      if (inline_key) {
        if (slot_bits == key_bits) return v.id_plus_1 - 1;
      } else if (static_cast<uint32_t>(slot_bits) == static_cast<uint32_t>(key_bits)) {
        // Validation guarantees offset + length lies inside the strings.
        const uint32_t offset = static_cast<uint32_t>(slot_bits >> 32);
        if (SameBytes(view_.strings + offset, word.data(), word.size())) return v.id_plus_1 - 1;
      }
    }
    slot = (slot + 1) & mask;
  }
}

void Vocabulary::SetSpecials() {
  unk_ = Find("<unk>");
  bos_ = Find("<s>");
  eos_ = Find("</s>");
}

}  // namespace asr::lm
