// Model definition (Sphinx "mdef"): the phone set, every context-dependent
// triphone the model knows, which senone each HMM state emits from, and
// which transition matrix each phone uses.
//
// Reads both forms Sphinx writes: the text form (version 0.3) and the binary
// "BMDF" form (either byte order). Lookups back off the way Sphinx does when
// a triphone is missing, so alignments use the same HMMs as PocketSphinx.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace asr {

enum class WordPosition : uint8_t {
  kInternal = 0,
  kBegin = 1,
  kEnd = 2,
  kSingle = 3,
  kUndefined = 4,  // context-independent phones
};

struct PhoneDef {
  int ci = 0;   // base phone
  int lc = -1;  // left context (-1 for CI phones)
  int rc = -1;  // right context (-1 for CI phones)
  WordPosition pos = WordPosition::kUndefined;
  int ssid = 0;  // senone sequence
  int tmat = 0;  // transition matrix
};

class Mdef {
 public:
  // Detects the form from the first bytes. Throws FormatError naming `path`.
  static Mdef Load(const std::string& path);

  int n_ciphone() const { return static_cast<int>(ci_names_.size()); }
  int n_phone() const { return static_cast<int>(phones_.size()); }
  int n_senone() const { return n_senone_; }
  int n_ci_senone() const { return n_ci_senone_; }
  int n_tmat() const { return n_tmat_; }
  int n_sseq() const { return static_cast<int>(sseq_offset_.size()) - 1; }
  // Emitting states per phone; 0 if phones differ (never for shipped models).
  int n_emit_state() const { return n_emit_state_; }
  bool is_binary() const { return binary_; }

  const std::string& PhoneName(int ci) const { return ci_names_.at(ci); }
  const std::vector<std::string>& phone_names() const { return ci_names_; }
  int CiPhoneId(const std::string& name) const;  // -1 if unknown
  bool IsFiller(int ci) const { return filler_.at(ci) != 0; }
  int silence_phone() const { return sil_; }  // "SIL", or -1

  const PhoneDef& phone(int pid) const { return phones_.at(pid); }
  // Exact triphone lookup; -1 if the model does not have it.
  int PhoneId(int ci, int lc, int rc, WordPosition pos) const;
  // Sphinx's back-off: other word positions, then silence for filler or
  // word-boundary contexts, then the CI phone. Never fails for valid ids.
  int PhoneIdNearest(int ci, int lc, int rc, WordPosition pos) const;

  // Senones of the states of senone sequence `ssid`.
  const uint16_t* SenoneSeq(int ssid) const { return sseq_.data() + sseq_offset_[ssid]; }
  int SenoneSeqLength(int ssid) const { return sseq_offset_[ssid + 1] - sseq_offset_[ssid]; }
  // CI phone whose model a senone belongs to (the PTM codebook).
  int SenoneCiPhone(int senone) const { return sen2ci_.at(senone); }

  // "AH(B,K)e"-style description for messages and results.
  std::string PhoneString(int pid) const;

 private:
  static Mdef ParseText(const std::string& path, const std::string& text);
  static Mdef ParseBinary(const std::string& path, const std::vector<uint8_t>& bytes);
  void Finalize(const std::string& path);  // validates, builds lookups
  static uint64_t Key(int ci, int lc, int rc, WordPosition pos);

  std::vector<std::string> ci_names_;
  std::vector<uint8_t> filler_;
  std::vector<PhoneDef> phones_;
  std::vector<uint16_t> sseq_;
  std::vector<int> sseq_offset_;  // n_sseq + 1 entries
  std::vector<int16_t> sen2ci_;
  std::unordered_map<std::string, int> ci_index_;
  std::unordered_map<uint64_t, int> triphones_;
  int n_emit_state_ = 0;
  int n_senone_ = 0;
  int n_ci_senone_ = 0;
  int n_tmat_ = 0;
  int sil_ = -1;
  bool binary_ = false;
};

}  // namespace asr
