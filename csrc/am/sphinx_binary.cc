#include "am/sphinx_binary.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <memory>

#include "common/error.h"

namespace asr {

namespace {
constexpr uint32_t kByteOrderMagic = 0x11223344u;
constexpr size_t kMaxHeaderLines = 64;
}  // namespace

std::vector<uint8_t> ReadFileBytes(const std::string& path, size_t max_bytes) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw Error(ErrorKind::kNotFound, "cannot open '" + path + "'");
  // A device, FIFO or /proc file has no meaningful size and may never end.
  struct stat st;
  if (::fstat(::fileno(f.get()), &st) != 0 || !S_ISREG(st.st_mode))
    throw InvalidArgument("'" + path + "' is not a regular file");
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    throw Error(ErrorKind::kTooLarge, "'" + path + "' is larger than the limit of " + std::to_string(max_bytes) +
                                          " bytes");
  std::vector<uint8_t> bytes;
  bytes.reserve(static_cast<size_t>(st.st_size));
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f.get())) > 0) {
    if (bytes.size() + n > max_bytes)  // grew while we read
      throw Error(ErrorKind::kTooLarge, "'" + path + "' is larger than the limit of " + std::to_string(max_bytes) +
                                            " bytes");
    bytes.insert(bytes.end(), buf, buf + n);
  }
  if (std::ferror(f.get())) throw FormatError("error reading '" + path + "'");
  return bytes;
}

SphinxBinaryReader::SphinxBinaryReader(const std::string& path)
    : path_(path), data_(ReadFileBytes(path)) {
  ParseHeader();
}

void SphinxBinaryReader::Fail(const std::string& problem) const {
  throw FormatError(path_ + ": " + problem);
}

void SphinxBinaryReader::ParseHeader() {
  // Reads one text line (without the newline); fails at end of data.
  auto next_line = [this](std::string* line) {
    size_t end = pos_;
    while (end < data_.size() && data_[end] != '\n') {
      if (end - pos_ > 4096) Fail("header line too long (not a Sphinx binary parameter file?)");
      ++end;
    }
    if (end >= data_.size()) Fail("truncated header (no 'endhdr' line)");
    line->assign(reinterpret_cast<const char*>(data_.data() + pos_), end - pos_);
    pos_ = end + 1;
  };
  auto split2 = [](const std::string& line, std::string* a, std::string* b) {
    char w1[4096], w2[4096];
    int n = std::sscanf(line.c_str(), "%4095s %4095s", w1, w2);
    if (n >= 1) *a = w1; else a->clear();
    if (n >= 2) *b = w2; else b->clear();
    return n;
  };

  std::string line, key, value;
  next_line(&line);
  if (line == "s3") {
    for (size_t i = 0;; ++i) {
      if (i > kMaxHeaderLines) Fail("header has too many lines");
      next_line(&line);
      int n = split2(line, &key, &value);
      if (n < 1) Fail("malformed header line '" + line + "'");
      if (key == "endhdr") break;
      if (key[0] == '#') continue;
      if (n < 2) Fail("header key '" + key + "' has no value");
      header_[key] = value;
    }
  } else {
    // Pre-1997 files: a version line, then a comment block.
    if (split2(line, &key, &value) < 1) Fail("empty header (not a Sphinx binary parameter file)");
    header_["version"] = key;
    for (size_t i = 0;; ++i) {
      if (i > 100000) Fail("unterminated header comment");
      next_line(&line);
      if (line == "*end_comment*") break;
    }
  }
  if (remaining() < 4) Fail("truncated after header (no byte-order word)");
  uint32_t magic;
  std::memcpy(&magic, data_.data() + pos_, 4);
  pos_ += 4;
  if (magic == kByteOrderMagic) {
    swap_ = false;
  } else if (ByteSwap32(magic) == kByteOrderMagic) {
    swap_ = true;
  } else {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "bad byte-order word 0x%08x", magic);
    Fail(buf);
  }
}

uint32_t SphinxBinaryReader::ReadWord(const char* what) {
  if (remaining() < 4) Fail(std::string("truncated while reading ") + what);
  uint32_t v;
  std::memcpy(&v, data_.data() + pos_, 4);
  pos_ += 4;
  if (swap_) v = ByteSwap32(v);
  checksum_ = ((checksum_ << 20) | (checksum_ >> 12)) + v;
  return v;
}

int32_t SphinxBinaryReader::ReadInt32(const char* what) {
  return static_cast<int32_t>(ReadWord(what));
}

void SphinxBinaryReader::ReadFloats(float* out, size_t n, const char* what) {
  if (remaining() / 4 < n) {
    Fail(std::string("truncated while reading ") + what + " (" + std::to_string(n) +
         " values expected, " + std::to_string(remaining() / 4) + " present)");
  }
  const uint8_t* p = data_.data() + pos_;
  uint32_t sum = checksum_;
  for (size_t i = 0; i < n; ++i) {
    uint32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    if (swap_) v = ByteSwap32(v);
    sum = ((sum << 20) | (sum >> 12)) + v;
    std::memcpy(out + i, &v, 4);
  }
  checksum_ = sum;
  pos_ += 4 * n;
}

void SphinxBinaryReader::Finish() {
  if (has_checksum()) {
    uint32_t computed = checksum_;
    if (remaining() < 4) Fail("truncated: checksum missing at end of file");
    uint32_t stored;
    std::memcpy(&stored, data_.data() + pos_, 4);
    pos_ += 4;
    if (swap_) stored = ByteSwap32(stored);
    if (stored != computed) {
      char buf[96];
      std::snprintf(buf, sizeof(buf), "checksum mismatch (file says %08x, data gives %08x)", stored,
                    computed);
      Fail(buf);
    }
  }
  if (remaining() != 0) Fail(std::to_string(remaining()) + " unexpected bytes after the data");
}

}  // namespace asr
