// Bounds-checked reader for the binary parameter files of Sphinx acoustic
// models (means, variances, mixture_weights, transition_matrices): a text
// header ("s3", "key value" lines, "endhdr"), a byte-order magic word, data
// in either byte order and an optional running checksum at the end.
//
// Every failure throws asr::FormatError naming the file and what is wrong,
// so a truncated or corrupted model never reaches the scorer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace asr {

// Largest model file read into memory (asr_engine.limits.MAX_MODEL_FILE_BYTES).
inline constexpr size_t kMaxModelFileBytes = size_t{2} << 30;

// Reads a whole regular file into memory, refusing devices, FIFOs and files
// over `max_bytes`; throws NotFound/InvalidArgument/TooLarge/Format errors
// that name it.
std::vector<uint8_t> ReadFileBytes(const std::string& path, size_t max_bytes = kMaxModelFileBytes);

class SphinxBinaryReader {
 public:
  // Reads `path` and parses its header.
  explicit SphinxBinaryReader(const std::string& path);

  const std::string& path() const { return path_; }
  // Header values, e.g. {"version": "1.0", "chksum0": "yes"}.
  const std::map<std::string, std::string>& header() const { return header_; }
  bool has_checksum() const { return header_.count("chksum0") != 0; }

  // Typed reads of 4-byte elements (byte-swapped if needed, checksummed).
  int32_t ReadInt32(const char* what);
  void ReadFloats(float* out, size_t n, const char* what);

  // Verifies the trailing checksum (if the header announces one) and that
  // no bytes follow the data.
  void Finish();

  size_t remaining() const { return data_.size() - pos_; }
  [[noreturn]] void Fail(const std::string& problem) const;

 private:
  void ParseHeader();
  uint32_t ReadWord(const char* what);

  std::string path_;
  std::vector<uint8_t> data_;
  size_t pos_ = 0;
  bool swap_ = false;
  uint32_t checksum_ = 0;
  std::map<std::string, std::string> header_;
};

inline uint32_t ByteSwap32(uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}
inline uint16_t ByteSwap16(uint16_t v) { return static_cast<uint16_t>((v >> 8) | (v << 8)); }

}  // namespace asr
