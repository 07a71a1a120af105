// Read-only memory mapping of a whole file, kept alive by shared ownership so
// a model built on it can outlive the loader. Falls back to reading the file
// into memory where mmap is unavailable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace asr::lm {

struct MappedFile {
  std::shared_ptr<const void> owner;  // unmaps (or frees) when the last user goes
  const uint8_t* data = nullptr;
  size_t size = 0;
};

// Throws asr::Error(kNotFound) if the file cannot be opened.
MappedFile MapFile(const std::string& path);

// Writes `size` bytes to `path` (truncating); throws std::runtime_error on I/O errors.
void WriteFileBytes(const std::string& path, const void* data, size_t size);

}  // namespace asr::lm
