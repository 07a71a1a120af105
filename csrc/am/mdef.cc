#include "am/mdef.h"

#include <cstring>
#include <map>
#include <sstream>

#include "am/sphinx_binary.h"
#include "common/error.h"

namespace asr {

namespace {

constexpr int kMaxCiPhones = 255;  // Sphinx stores context phones in one byte.
constexpr int kMaxSenones = 0xffff;
const char kWordPosNames[] = "ibesu";

[[noreturn]] void Fail(const std::string& path, const std::string& problem) {
  throw FormatError(path + ": " + problem);
}

WordPosition ParsePos(char c) {
  switch (c) {
    case 'i': return WordPosition::kInternal;
    case 'b': return WordPosition::kBegin;
    case 'e': return WordPosition::kEnd;
    case 's': return WordPosition::kSingle;
    default: return WordPosition::kUndefined;
  }
}

// Bounds-checked cursor over the bytes of a binary mdef.
class Cursor {
 public:
  Cursor(const std::string& path, const std::vector<uint8_t>& b, bool swap)
      : path_(path), b_(b), swap_(swap) {}
  void Need(size_t n, const char* what) const {
    if (b_.size() - pos_ < n) Fail(path_, std::string("truncated while reading ") + what);
  }
  int32_t I32(const char* what) {
    Need(4, what);
    uint32_t v;
    std::memcpy(&v, b_.data() + pos_, 4);
    pos_ += 4;
    return static_cast<int32_t>(swap_ ? ByteSwap32(v) : v);
  }
  uint16_t U16(const char* what) {
    Need(2, what);
    uint16_t v;
    std::memcpy(&v, b_.data() + pos_, 2);
    pos_ += 2;
    return swap_ ? ByteSwap16(v) : v;
  }
  uint8_t U8(const char* what) {
    Need(1, what);
    return b_[pos_++];
  }
  void Skip(size_t n, const char* what) {
    Need(n, what);
    pos_ += n;
  }
  std::string CString(const char* what) {
    size_t end = pos_;
    while (end < b_.size() && b_[end] != 0) ++end;
    if (end >= b_.size()) Fail(path_, std::string("truncated while reading ") + what);
    std::string s(reinterpret_cast<const char*>(b_.data() + pos_), end - pos_);
    pos_ = end + 1;
    return s;
  }
  size_t pos() const { return pos_; }
  size_t remaining() const { return b_.size() - pos_; }

 private:
  const std::string& path_;
  const std::vector<uint8_t>& b_;
  bool swap_;
  size_t pos_ = 0;
};

}  // namespace

uint64_t Mdef::Key(int ci, int lc, int rc, WordPosition pos) {
  return (((static_cast<uint64_t>(pos) << 16 | static_cast<uint16_t>(ci)) << 16 |
           static_cast<uint16_t>(lc))
          << 16) |
         static_cast<uint16_t>(rc);
}

Mdef Mdef::Load(const std::string& path) {
  std::vector<uint8_t> bytes = ReadFileBytes(path);
  if (bytes.size() >= 4 && (std::memcmp(bytes.data(), "BMDF", 4) == 0 ||
                            std::memcmp(bytes.data(), "FDMB", 4) == 0)) {
    return ParseBinary(path, bytes);
  }
  return ParseText(path, std::string(bytes.begin(), bytes.end()));
}

Mdef Mdef::ParseBinary(const std::string& path, const std::vector<uint8_t>& bytes) {
  const bool swap = std::memcmp(bytes.data(), "FDMB", 4) == 0;
  Cursor c(path, bytes, swap);
  c.Skip(4, "byte-order mark");
  int32_t version = c.I32("format version");
  if (version < 0 || version > 1) Fail(path, "unsupported binary mdef version " + std::to_string(version));
  int32_t desc_len = c.I32("header length");
  if (desc_len < 0) Fail(path, "negative header length");
  c.Skip(static_cast<size_t>(desc_len), "format description");
  int32_t n_ci = c.I32("n_ciphone"), n_phone = c.I32("n_phone"), n_emit = c.I32("n_emit_state");
  int32_t n_ci_sen = c.I32("n_ci_sen"), n_sen = c.I32("n_sen"), n_tmat = c.I32("n_tmat");
  int32_t n_sseq = c.I32("n_sseq"), n_ctx = c.I32("n_ctx"), n_cd_tree = c.I32("n_cd_tree");
  c.I32("sil");
  if (n_ci <= 0 || n_ci > kMaxCiPhones) Fail(path, "bad number of CI phones " + std::to_string(n_ci));
  if (n_phone < n_ci) Fail(path, "n_phone " + std::to_string(n_phone) + " < n_ciphone");
  if (n_emit < 0 || n_emit > 32) Fail(path, "bad number of emitting states " + std::to_string(n_emit));
  if (n_sen <= 0 || n_sen > kMaxSenones || n_ci_sen <= 0 || n_ci_sen > n_sen)
    Fail(path, "bad senone counts (" + std::to_string(n_ci_sen) + " CI of " + std::to_string(n_sen) + ")");
  if (n_tmat <= 0) Fail(path, "bad number of transition matrices " + std::to_string(n_tmat));
  if (n_sseq <= 0 || n_sseq > n_phone) Fail(path, "bad number of senone sequences " + std::to_string(n_sseq));
  if (n_ctx != 3) Fail(path, "only triphone models are supported (n_ctx " + std::to_string(n_ctx) + ")");
  if (n_cd_tree < 0) Fail(path, "negative CD tree size");
  // Each phone needs 12 bytes, each tree node 8: reject absurd counts
  // before allocating anything.
  if (static_cast<uint64_t>(n_phone) * 12 + static_cast<uint64_t>(n_cd_tree) * 8 > bytes.size())
    Fail(path, "truncated: file too short for " + std::to_string(n_phone) + " phones");

  Mdef m;
  m.binary_ = true;
  m.n_emit_state_ = n_emit;
  m.n_senone_ = n_sen;
  m.n_ci_senone_ = n_ci_sen;
  m.n_tmat_ = n_tmat;
  const size_t names_start = c.pos();
  for (int i = 0; i < n_ci; ++i) m.ci_names_.push_back(c.CString("CI phone names"));
  size_t used = c.pos() - names_start;
  c.Skip(((used + 3) & ~size_t(3)) - used, "name padding");
  c.Skip(static_cast<size_t>(n_cd_tree) * 8, "CD tree");
  m.filler_.assign(n_ci, 0);
  m.phones_.resize(n_phone);
  for (int p = 0; p < n_phone; ++p) {
    PhoneDef& d = m.phones_[p];
    d.ssid = c.I32("phone table");
    d.tmat = c.I32("phone table");
    uint8_t a[4];
    for (int k = 0; k < 4; ++k) a[k] = c.U8("phone table");
    if (p < n_ci) {
      m.filler_[p] = a[0];
      d.ci = p;
    } else {
      if (a[0] > 3) Fail(path, "phone " + std::to_string(p) + " has bad word position " + std::to_string(a[0]));
      d.pos = static_cast<WordPosition>(a[0]);
      d.ci = a[1];
      d.lc = a[2];
      d.rc = a[3];
    }
  }
  int32_t sseq_size = c.I32("senone sequence size");
  if (sseq_size <= 0 || (n_emit > 0 && sseq_size != n_sseq * n_emit))
    Fail(path, "senone sequence table size " + std::to_string(sseq_size) + " does not match " +
                   std::to_string(n_sseq) + " sequences of " + std::to_string(n_emit) + " states");
  c.Need(static_cast<size_t>(sseq_size) * 2, "senone sequences");
  m.sseq_.resize(sseq_size);
  for (int i = 0; i < sseq_size; ++i) m.sseq_[i] = c.U16("senone sequences");
  m.sseq_offset_.assign(n_sseq + 1, 0);
  if (n_emit > 0) {
    for (int i = 0; i <= n_sseq; ++i) m.sseq_offset_[i] = i * n_emit;
  } else {
    for (int i = 0; i < n_sseq; ++i) {
      int len = c.U8("senone sequence lengths");
      if (len == 0) Fail(path, "senone sequence " + std::to_string(i) + " has no states");
      m.sseq_offset_[i + 1] = m.sseq_offset_[i] + len;
    }
    if (m.sseq_offset_[n_sseq] != sseq_size) Fail(path, "senone sequence lengths do not add up");
  }
  // Writers pad to a 4-byte boundary; anything more means a corrupt file.
  if (c.remaining() > 3) Fail(path, std::to_string(c.remaining()) + " unexpected bytes after the data");
  m.Finalize(path);
  return m;
}

Mdef Mdef::ParseText(const std::string& path, const std::string& text) {
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  auto next = [&](const char* what) {
    while (std::getline(in, line)) {
      ++lineno;
      size_t p = line.find_first_not_of(" \t\r");
      if (p == std::string::npos || line[p] == '#') continue;
      return;
    }
    Fail(path, std::string("unexpected end of file while reading ") + what);
  };
  auto where = [&]() { return "line " + std::to_string(lineno) + ": "; };
  next("version");
  {
    std::istringstream ls(line);
    std::string v;
    ls >> v;
    if (v != "0.3") Fail(path, where() + "not a model definition (expected version 0.3 or BMDF, found '" + v.substr(0, 20) + "')");
  }
  std::map<std::string, long> counts;
  const char* tags[] = {"n_base", "n_tri", "n_state_map", "n_tied_state", "n_tied_ci_state", "n_tied_tmat"};
  while (counts.size() < 6) {
    next("header");
    std::istringstream ls(line);
    long n;
    std::string tag;
    if (!(ls >> n >> tag) || n < 0) Fail(path, where() + "bad header line '" + line + "'");
    bool known = false;
    for (const char* t : tags) known |= tag == t;
    if (!known) Fail(path, where() + "unknown header field '" + tag + "'");
    counts[tag] = n;
  }
  long n_ci = counts["n_base"], n_tri = counts["n_tri"], n_map = counts["n_state_map"];
  long n_sen = counts["n_tied_state"], n_ci_sen = counts["n_tied_ci_state"], n_tmat = counts["n_tied_tmat"];
  if (n_ci == 0 || n_ci > kMaxCiPhones) Fail(path, "bad number of base phones " + std::to_string(n_ci));
  if (n_ci_sen == 0 || n_ci_sen > n_sen || n_sen > kMaxSenones) Fail(path, "bad senone counts in header");
  if (n_tmat == 0) Fail(path, "no transition matrices in header");
  if (n_tri > 10000000) Fail(path, "implausible number of triphones " + std::to_string(n_tri));
  long n_phone = n_ci + n_tri;
  // Each phone is a line of at least 11 bytes ("a - - - n 0\n" and its
  // states): reject counts the text cannot hold before allocating.
  if (static_cast<uint64_t>(n_phone) * 11 > text.size())
    Fail(path, "truncated: the file is too short for " + std::to_string(n_phone) + " phones");
  if (n_map % n_phone != 0 || n_map / n_phone < 2)
    Fail(path, "n_state_map " + std::to_string(n_map) + " is not a multiple of the " + std::to_string(n_phone) + " phones");
  const int n_emit = static_cast<int>(n_map / n_phone - 1);
  if (n_emit > 32) Fail(path, "too many states per phone");
  if (n_ci * n_emit != n_ci_sen)
    Fail(path, "n_tied_ci_state " + std::to_string(n_ci_sen) + " != " + std::to_string(n_ci) + " base phones x " +
                   std::to_string(n_emit) + " states");

  Mdef m;
  m.n_emit_state_ = n_emit;
  m.n_senone_ = static_cast<int>(n_sen);
  m.n_ci_senone_ = static_cast<int>(n_ci_sen);
  m.n_tmat_ = static_cast<int>(n_tmat);
  m.phones_.resize(n_phone);
  std::map<std::vector<uint16_t>, int> seq_ids;
  std::vector<uint16_t> seq(n_emit);
  for (long p = 0; p < n_phone; ++p) {
    next(p < n_ci ? "base phones" : "triphones");
    std::istringstream ls(line);
    std::string base, lc, rc, pos, attr, tail;
    if (!(ls >> base >> lc >> rc >> pos >> attr)) Fail(path, where() + "incomplete phone line '" + line + "'");
    PhoneDef& d = m.phones_[p];
    if (p < n_ci) {
      if (lc != "-" || rc != "-" || pos != "-") Fail(path, where() + "base phone '" + base + "' must have '-' contexts");
      if (m.ci_index_.count(base)) Fail(path, where() + "duplicate base phone '" + base + "'");
      m.ci_index_[base] = static_cast<int>(p);
      m.ci_names_.push_back(base);
      if (attr != "filler" && attr != "n/a") Fail(path, where() + "bad attribute '" + attr + "'");
      m.filler_.push_back(attr == "filler");
      d.ci = static_cast<int>(p);
    } else {
      auto id = [&](const std::string& name, const char* role) {
        auto it = m.ci_index_.find(name);
        if (it == m.ci_index_.end()) Fail(path, where() + std::string("unknown ") + role + " phone '" + name + "'");
        return it->second;
      };
      d.ci = id(base, "base");
      d.lc = id(lc, "left context");
      d.rc = id(rc, "right context");
      if (pos.size() != 1 || ParsePos(pos[0]) == WordPosition::kUndefined)
        Fail(path, where() + "bad word position '" + pos + "'");
      d.pos = ParsePos(pos[0]);
      if ((attr == "filler") != (m.filler_[d.ci] != 0)) Fail(path, where() + "filler attribute differs from base phone");
    }
    long tm;
    if (!(ls >> tm) || tm < 0 || tm >= n_tmat) Fail(path, where() + "bad transition matrix id in '" + line + "'");
    d.tmat = static_cast<int>(tm);
    for (int s = 0; s < n_emit; ++s) {
      long sen;
      if (!(ls >> sen) || sen < 0 || sen >= n_sen) Fail(path, where() + "bad senone id in '" + line + "'");
      if (p < n_ci && sen >= n_ci_sen) Fail(path, where() + "base phone uses a context-dependent senone");
      seq[s] = static_cast<uint16_t>(sen);
    }
    if (!(ls >> tail) || tail != "N") Fail(path, where() + "missing final non-emitting state 'N'");
    if (ls >> tail) Fail(path, where() + "unexpected text after 'N'");
    auto ins = seq_ids.emplace(seq, static_cast<int>(seq_ids.size()));
    d.ssid = ins.first->second;
  }
  m.sseq_.resize(seq_ids.size() * n_emit);
  for (const auto& kv : seq_ids) std::copy(kv.first.begin(), kv.first.end(), m.sseq_.begin() + kv.second * n_emit);
  m.sseq_offset_.resize(seq_ids.size() + 1);
  for (size_t i = 0; i < m.sseq_offset_.size(); ++i) m.sseq_offset_[i] = static_cast<int>(i) * n_emit;
  while (std::getline(in, line)) {
    ++lineno;
    size_t q = line.find_first_not_of(" \t\r");
    if (q != std::string::npos && line[q] != '#') Fail(path, where() + "more phones than the header declares");
  }
  m.Finalize(path);
  return m;
}

void Mdef::Finalize(const std::string& path) {
  const int n_ci = n_ciphone();
  if (ci_index_.empty()) {
    for (int i = 0; i < n_ci; ++i) {
      if (!ci_index_.emplace(ci_names_[i], i).second) Fail(path, "duplicate CI phone '" + ci_names_[i] + "'");
    }
  }
  sen2ci_.assign(n_senone_, -1);
  for (int p = 0; p < n_phone(); ++p) {
    PhoneDef& d = phones_[p];
    const std::string who = "phone " + std::to_string(p);
    if (d.ssid < 0 || d.ssid >= n_sseq()) Fail(path, who + " has senone sequence " + std::to_string(d.ssid) + " out of range");
    if (d.tmat < 0 || d.tmat >= n_tmat_) Fail(path, who + " has transition matrix " + std::to_string(d.tmat) + " out of range");
    if (p >= n_ci) {
      if (d.ci >= n_ci || d.lc >= n_ci || d.rc >= n_ci) Fail(path, who + " has a context phone out of range");
      if (!triphones_.emplace(Key(d.ci, d.lc, d.rc, d.pos), p).second) Fail(path, "duplicate triphone " + PhoneString(p));
    }
    for (int s = 0; s < SenoneSeqLength(d.ssid); ++s) {
      int sen = SenoneSeq(d.ssid)[s];
      if (sen >= n_senone_) Fail(path, who + " uses senone " + std::to_string(sen) + " of only " + std::to_string(n_senone_));
      if (p < n_ci && sen >= n_ci_senone_) Fail(path, who + " (CI) uses a context-dependent senone");
      if (sen2ci_[sen] < 0) sen2ci_[sen] = static_cast<int16_t>(d.ci);
    }
  }
  for (int s = 0; s < n_senone_; ++s) {
    if (sen2ci_[s] < 0) sen2ci_[s] = 0;  // unused senone; any codebook will do
  }
  sil_ = CiPhoneId("SIL");
}

int Mdef::CiPhoneId(const std::string& name) const {
  auto it = ci_index_.find(name);
  return it == ci_index_.end() ? -1 : it->second;
}

int Mdef::PhoneId(int ci, int lc, int rc, WordPosition pos) const {
  auto it = triphones_.find(Key(ci, lc, rc, pos));
  return it == triphones_.end() ? -1 : it->second;
}

int Mdef::PhoneIdNearest(int ci, int lc, int rc, WordPosition pos) const {
  if (lc < 0 || rc < 0) return ci;
  // Fillers carry no context of their own: they look like silence.
  if (sil_ >= 0) {
    if (IsFiller(lc)) lc = sil_;
    if (IsFiller(rc)) rc = sil_;
  }
  int p = PhoneId(ci, lc, rc, pos);
  if (p >= 0) return p;
  for (int k = 0; k < 4; ++k) {
    if (static_cast<WordPosition>(k) == pos) continue;
    if ((p = PhoneId(ci, lc, rc, static_cast<WordPosition>(k))) >= 0) return p;
  }
  if (sil_ >= 0) {
    int nl = lc, nr = rc;
    if (pos == WordPosition::kBegin || pos == WordPosition::kSingle) nl = sil_;
    if (pos == WordPosition::kEnd || pos == WordPosition::kSingle) nr = sil_;
    if (nl != lc || nr != rc) {
      if ((p = PhoneId(ci, nl, nr, pos)) >= 0) return p;
      for (int k = 0; k < 4; ++k) {
        if (static_cast<WordPosition>(k) == pos) continue;
        if ((p = PhoneId(ci, nl, nr, static_cast<WordPosition>(k))) >= 0) return p;
      }
    }
  }
  return ci;
}

std::string Mdef::PhoneString(int pid) const {
  const PhoneDef& d = phone(pid);
  if (pid < n_ciphone()) return ci_names_[d.ci];
  return ci_names_[d.ci] + "(" + ci_names_[d.lc] + "," + ci_names_[d.rc] + ")" +
         kWordPosNames[static_cast<int>(d.pos)];
}

}  // namespace asr
