#include "dict/dictionary.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>

#include "am/sphinx_binary.h"
#include "common/error.h"
#include "common/utf8.h"

namespace asr {

namespace {

constexpr char kCacheMagic[8] = {'A', 'S', 'R', 'D', 'I', 'C', 'T', '1'};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// Splits "word(3)" into ("word", 3); plain words get variant 1. Returns
// false for a malformed variant suffix.
bool SplitVariant(const std::string& token, std::string* base, int* variant) {
  *base = token;
  *variant = 1;
  if (token.size() < 4 || token.back() != ')') return true;
  size_t open = token.rfind('(');
  if (open == std::string::npos || open == 0) return true;
  std::string digits = token.substr(open + 1, token.size() - open - 2);
  if (digits.empty() || digits.size() > 4 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return true;
  int v = std::stoi(digits);
  if (v < 1) return false;
  *base = token.substr(0, open);
  *variant = v;
  return true;
}

std::string Trimmed(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && IsSpace(s[a])) ++a;
  while (b > a && IsSpace(s[b - 1])) --b;
  return s.substr(a, b - a);
}

// Parses one dictionary file into (base word, pronunciation) entries.
void ParseFile(const std::string& path, const Dictionary& dict, bool filler,
               std::vector<std::pair<std::string, Pronunciation>>* out) {
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  const char* p = reinterpret_cast<const char*>(bytes.data());
  const char* end = p + bytes.size();
  int lineno = 0;
  std::vector<std::string> tokens;
  while (p < end) {
    const char* eol = static_cast<const char*>(std::memchr(p, '\n', end - p));
    if (!eol) eol = end;
    ++lineno;
    const char* line = p;
    p = eol + 1;
    if ((eol - line >= 2 && ((line[0] == '#' && line[1] == '#') || (line[0] == ';' && line[1] == ';'))) ||
        (eol > line && line[0] == '#'))
      continue;
    tokens.clear();
    for (const char* q = line; q < eol;) {
      while (q < eol && IsSpace(*q)) ++q;
      if (q >= eol) break;
      const char* t = q;
      while (q < eol && !IsSpace(*q)) ++q;
      if (*t == '#' && !tokens.empty()) break;  // trailing comment
      tokens.emplace_back(t, q - t);
    }
    if (tokens.empty()) continue;
    auto where = [&]() { return path + " line " + std::to_string(lineno) + ": "; };
    for (unsigned char c : tokens[0]) {
      if (c < 0x20 || c == 0x7f) throw FormatError(where() + "word contains a control character");
    }
    if (!IsValidUtf8(tokens[0])) throw FormatError(where() + "word is not valid UTF-8");
    if (tokens.size() == 1) throw FormatError(where() + "word '" + tokens[0] + "' has no pronunciation");
    std::pair<std::string, Pronunciation> e;
    if (!SplitVariant(tokens[0], &e.first, &e.second.variant))
      throw FormatError(where() + "bad alternate-pronunciation suffix in '" + tokens[0] + "'");
    e.second.filler = filler;
    for (size_t i = 1; i < tokens.size(); ++i) {
      int id = dict.PhoneId(tokens[i]);
      if (id < 0)
        throw FormatError(where() + "word '" + tokens[0] + "' uses phone '" + tokens[i] +
                          "', which the acoustic model does not have");
      e.second.phones.push_back(id);
    }
    out->push_back(std::move(e));
  }
}

}  // namespace

Dictionary::Dictionary(std::vector<std::string> phones) : phone_names_(std::move(phones)) {
  if (phone_names_.empty() || phone_names_.size() > 65535) throw InvalidArgument("dictionary needs a phone set");
  for (size_t i = 0; i < phone_names_.size(); ++i) phone_ids_[phone_names_[i]] = static_cast<int>(i);
  table_.pron_begin.push_back(0);
  table_.pron_phone_begin.push_back(0);
}

std::shared_ptr<Dictionary> Dictionary::Clone() const {
  auto out = std::make_shared<Dictionary>(phone_names_);
  out->table_ = table_;
  std::shared_lock<std::shared_mutex> lock(mutex_);
  out->overlay_ = overlay_;
  return out;
}

int Dictionary::PhoneId(const std::string& name) const {
  auto it = phone_ids_.find(name);
  return it == phone_ids_.end() ? -1 : it->second;
}

std::shared_ptr<Dictionary> Dictionary::LoadText(const std::string& path, const std::vector<std::string>& phones,
                                                 const std::string& noise_path) {
  auto d = std::make_shared<Dictionary>(phones);
  std::vector<std::pair<std::string, Pronunciation>> entries;
  entries.reserve(140000);
  ParseFile(path, *d, false, &entries);
  d->BuildTable(path, entries);
  if (!noise_path.empty()) d->LoadNoiseDict(noise_path);
  return d;
}

void Dictionary::BuildTable(const std::string& source, std::vector<std::pair<std::string, Pronunciation>>& entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    int c = a.first.compare(b.first);
    return c != 0 ? c < 0 : a.second.variant < b.second.variant;
  });
  Table t;
  t.pron_begin.push_back(0);
  t.pron_phone_begin.push_back(0);
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (i > 0 && entries[i - 1].first == e.first && entries[i - 1].second.variant == e.second.variant) {
      std::string shown = e.second.variant == 1 ? e.first : e.first + "(" + std::to_string(e.second.variant) + ")";
      throw FormatError(source + ": duplicate entry '" + shown + "'");
    }
    if (i == 0 || entries[i - 1].first != e.first) {
      if (i > 0) t.pron_begin.push_back(static_cast<uint32_t>(t.pron_variant.size()));
      t.word_offset.push_back(static_cast<uint32_t>(t.chars.size()));
      t.chars.insert(t.chars.end(), e.first.begin(), e.first.end());
      t.chars.push_back('\0');
    }
    t.pron_variant.push_back(static_cast<uint16_t>(std::min(e.second.variant, 65535)));
    for (int ph : e.second.phones) t.phones.push_back(static_cast<uint16_t>(ph));
    t.pron_phone_begin.push_back(static_cast<uint32_t>(t.phones.size()));
  }
  if (!entries.empty()) t.pron_begin.push_back(static_cast<uint32_t>(t.pron_variant.size()));
  table_ = std::move(t);
}

void Dictionary::LoadNoiseDict(const std::string& path) {
  std::vector<std::pair<std::string, Pronunciation>> entries;
  ParseFile(path, *this, true, &entries);
  for (auto& e : entries) AddOverlay(e.first, std::move(e.second));
}

int Dictionary::FindBase(const std::string& word) const {
  const auto& off = table_.word_offset;
  const char* chars = table_.chars.data();
  auto it = std::lower_bound(off.begin(), off.end(), word,
                             [chars](uint32_t o, const std::string& w) { return std::strcmp(chars + o, w.c_str()) < 0; });
  if (it == off.end() || word != chars + *it) return -1;
  return static_cast<int>(it - off.begin());
}

std::vector<Pronunciation> Dictionary::Lookup(const std::string& word) const {
  std::vector<Pronunciation> out;
  std::string base = word;
  int only_variant = 0;
  int v;
  if (SplitVariant(word, &base, &v) && base != word) only_variant = v;
  int idx = FindBase(base);
  if (idx >= 0) {
    for (uint32_t p = table_.pron_begin[idx]; p < table_.pron_begin[idx + 1]; ++p) {
      Pronunciation pr;
      pr.variant = table_.pron_variant[p];
      if (only_variant && pr.variant != only_variant) continue;
      for (uint32_t k = table_.pron_phone_begin[p]; k < table_.pron_phone_begin[p + 1]; ++k)
        pr.phones.push_back(table_.phones[k]);
      out.push_back(std::move(pr));
    }
  }
  std::shared_lock<std::shared_mutex> lock(mutex_);
  auto it = overlay_.find(base);
  if (it != overlay_.end()) {
    for (const Pronunciation& pr : it->second) {
      if (!only_variant || pr.variant == only_variant) out.push_back(pr);
    }
  }
  return out;
}

bool Dictionary::Contains(const std::string& word) const { return !Lookup(word).empty(); }

bool Dictionary::IsFiller(const std::string& word) const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  auto it = overlay_.find(word);
  return it != overlay_.end() && !it->second.empty() && it->second.front().filler;
}

void Dictionary::AddOverlay(const std::string& word, Pronunciation pron) {
  std::vector<const Pronunciation*> existing;
  std::vector<Pronunciation> base;
  int idx = FindBase(word);
  if (idx >= 0) {
    for (uint32_t p = table_.pron_begin[idx]; p < table_.pron_begin[idx + 1]; ++p) {
      Pronunciation pr;
      pr.variant = table_.pron_variant[p];
      for (uint32_t k = table_.pron_phone_begin[p]; k < table_.pron_phone_begin[p + 1]; ++k)
        pr.phones.push_back(table_.phones[k]);
      base.push_back(std::move(pr));
    }
  }
  std::unique_lock<std::shared_mutex> lock(mutex_);
  std::vector<Pronunciation>& added = overlay_[word];
  for (const Pronunciation& e : base) existing.push_back(&e);
  for (const Pronunciation& e : added) existing.push_back(&e);
  int next_variant = 1;
  for (const Pronunciation* e : existing) {
    if (e->phones == pron.phones) return;  // already known
    next_variant = std::max(next_variant, e->variant + 1);
  }
  if (pron.variant < next_variant) pron.variant = next_variant;
  added.push_back(std::move(pron));
}

void Dictionary::AddWord(const std::string& word, const std::vector<std::string>& phones, bool filler) {
  std::string w = Trimmed(word);
  if (w.empty() || std::any_of(w.begin(), w.end(), IsSpace)) throw InvalidArgument("word must be one non-empty token: '" + word + "'");
  if (phones.empty()) throw InvalidArgument("word '" + w + "' needs at least one phone");
  Pronunciation pr;
  pr.filler = filler;
  for (const std::string& ph : phones) {
    int id = PhoneId(ph);
    if (id < 0) throw InvalidArgument("word '" + w + "': phone '" + ph + "' is not in the acoustic model's phone set");
    pr.phones.push_back(id);
  }
  std::string base;
  int variant;
  if (SplitVariant(w, &base, &variant) && base != w) throw InvalidArgument("add '" + base + "' itself; variants are numbered automatically");
  AddOverlay(w, std::move(pr));
}

size_t Dictionary::size() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  size_t n = table_.word_offset.size();
  for (const auto& kv : overlay_) {
    if (FindBase(kv.first) < 0) ++n;
  }
  return n;
}

std::vector<std::string> Dictionary::FillerWords() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& kv : overlay_) {
    if (!kv.second.empty() && kv.second.front().filler) out.push_back(kv.first);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Cache layout (native byte order, little-endian on every supported host):
//   magic[8], uint32 n_phone_names, names (NUL-terminated each),
//   uint32 sizes of chars, word_offset, pron_begin, pron_phone_begin,
//   pron_variant, phones; the six arrays; then uint32 n_overlay entries of
//   (word NUL, uint8 filler, uint16 variant, uint32 n_phones, uint16 phones[]).
void Dictionary::SaveBinary(const std::string& path) const {
  std::vector<uint8_t> out;
  auto put = [&out](const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  };
  auto put32 = [&put](uint32_t v) { put(&v, 4); };
  put(kCacheMagic, 8);
  put32(static_cast<uint32_t>(phone_names_.size()));
  for (const std::string& n : phone_names_) put(n.c_str(), n.size() + 1);
  const Table& t = table_;
  put32(static_cast<uint32_t>(t.chars.size()));
  put32(static_cast<uint32_t>(t.word_offset.size()));
  put32(static_cast<uint32_t>(t.pron_begin.size()));
  put32(static_cast<uint32_t>(t.pron_phone_begin.size()));
  put32(static_cast<uint32_t>(t.pron_variant.size()));
  put32(static_cast<uint32_t>(t.phones.size()));
  put(t.chars.data(), t.chars.size());
  put(t.word_offset.data(), 4 * t.word_offset.size());
  put(t.pron_begin.data(), 4 * t.pron_begin.size());
  put(t.pron_phone_begin.data(), 4 * t.pron_phone_begin.size());
  put(t.pron_variant.data(), 2 * t.pron_variant.size());
  put(t.phones.data(), 2 * t.phones.size());
  {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    uint32_t n = 0;
    for (const auto& kv : overlay_) n += static_cast<uint32_t>(kv.second.size());
    put32(n);
    for (const auto& kv : overlay_) {
      for (const Pronunciation& pr : kv.second) {
        put(kv.first.c_str(), kv.first.size() + 1);
        uint8_t f = pr.filler ? 1 : 0;
        put(&f, 1);
        uint16_t v = static_cast<uint16_t>(pr.variant);
        put(&v, 2);
        put32(static_cast<uint32_t>(pr.phones.size()));
        for (int ph : pr.phones) {
          uint16_t p16 = static_cast<uint16_t>(ph);
          put(&p16, 2);
        }
      }
    }
  }
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) throw Error(ErrorKind::kNotFound, "cannot write dictionary cache '" + path + "'");
  if (std::fwrite(out.data(), 1, out.size(), f.get()) != out.size() || std::fflush(f.get()) != 0)
    throw Error(ErrorKind::kInvalidArgument, "failed writing dictionary cache '" + path + "'");
}

std::shared_ptr<Dictionary> Dictionary::LoadBinary(const std::string& path, const std::vector<std::string>& phones) {
  const std::vector<uint8_t> b = ReadFileBytes(path);
  size_t pos = 0;
  auto fail = [&](const std::string& m) { throw FormatError(path + ": " + m); };
  auto need = [&](size_t n) {
    if (b.size() - pos < n) fail("truncated dictionary cache");
  };
  auto get32 = [&]() {
    need(4);
    uint32_t v;
    std::memcpy(&v, b.data() + pos, 4);
    pos += 4;
    return v;
  };
  auto cstr = [&]() {
    const void* z = std::memchr(b.data() + pos, 0, b.size() - pos);
    if (!z) fail("truncated dictionary cache");
    std::string s(reinterpret_cast<const char*>(b.data() + pos));
    pos += s.size() + 1;
    return s;
  };
  need(8);
  if (std::memcmp(b.data(), kCacheMagic, 8) != 0) fail("not a dictionary cache (bad magic)");
  pos = 8;
  uint32_t n_names = get32();
  if (n_names != phones.size()) fail("compiled for a different phone set");
  for (uint32_t i = 0; i < n_names; ++i) {
    if (cstr() != phones[i]) fail("compiled for a different phone set");
  }
  auto d = std::make_shared<Dictionary>(phones);
  Table& t = d->table_;
  uint32_t sizes[6];
  for (uint32_t& s : sizes) s = get32();
  auto read_array = [&](auto& vec, uint32_t count) {
    using T = typename std::decay_t<decltype(vec)>::value_type;
    need(static_cast<size_t>(count) * sizeof(T));
    vec.resize(count);
    if (count) std::memcpy(vec.data(), b.data() + pos, static_cast<size_t>(count) * sizeof(T));
    pos += static_cast<size_t>(count) * sizeof(T);
  };
  read_array(t.chars, sizes[0]);
  read_array(t.word_offset, sizes[1]);
  read_array(t.pron_begin, sizes[2]);
  read_array(t.pron_phone_begin, sizes[3]);
  read_array(t.pron_variant, sizes[4]);
  read_array(t.phones, sizes[5]);
  // Bounds-check the structure once so lookups need not.
  const size_t n_words = t.word_offset.size(), n_prons = t.pron_variant.size();
  if (t.pron_begin.size() != n_words + 1 || t.pron_phone_begin.size() != n_prons + 1 || t.pron_begin.front() != 0 ||
      t.pron_begin.back() != n_prons || t.pron_phone_begin.front() != 0 || t.pron_phone_begin.back() != t.phones.size() ||
      (!t.chars.empty() && t.chars.back() != '\0'))
    fail("inconsistent dictionary cache");
  for (size_t i = 0; i < n_words; ++i) {
    if (t.word_offset[i] >= t.chars.size() || t.pron_begin[i] > t.pron_begin[i + 1]) fail("inconsistent dictionary cache");
    if (i > 0 && std::strcmp(t.chars.data() + t.word_offset[i - 1], t.chars.data() + t.word_offset[i]) >= 0)
      fail("dictionary cache is not sorted");
  }
  for (size_t i = 0; i < n_prons; ++i) {
    if (t.pron_phone_begin[i] > t.pron_phone_begin[i + 1]) fail("inconsistent dictionary cache");
  }
  for (uint16_t ph : t.phones) {
    if (ph >= phones.size()) fail("phone id out of range");
  }
  if (!IsValidUtf8(std::string_view(t.chars.data(), t.chars.size()))) fail("a word is not valid UTF-8");
  uint32_t n_overlay = get32();
  for (uint32_t i = 0; i < n_overlay; ++i) {
    std::string w = cstr();
    if (!IsValidUtf8(w)) fail("a word is not valid UTF-8");
    need(3);
    Pronunciation pr;
    pr.filler = b[pos] != 0;
    uint16_t v;
    std::memcpy(&v, b.data() + pos + 1, 2);
    pos += 3;
    pr.variant = v;
    uint32_t np = get32();
    need(static_cast<size_t>(np) * 2);
    for (uint32_t k = 0; k < np; ++k) {
      uint16_t ph;
      std::memcpy(&ph, b.data() + pos, 2);
      pos += 2;
      if (ph >= phones.size()) fail("phone id out of range");
      pr.phones.push_back(ph);
    }
    d->overlay_[w].push_back(std::move(pr));
  }
  if (pos != b.size()) fail("unexpected bytes at end of dictionary cache");
  return d;
}

}  // namespace asr
