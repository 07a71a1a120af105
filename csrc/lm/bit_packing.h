// Fixed-width bit fields packed back to back in a byte array (little-endian
// bit order): how the n-gram levels store word ids, codebook indices and
// pointers in 14-22 bits instead of 32.
//
// A field of up to 32 bits at any bit offset is read with one unaligned
// 64-bit load, a shift and a mask; arrays carry 8 bytes of slack after the
// last field so that load never leaves the array.
#pragma once

#include <cstdint>
#include <cstring>

namespace asr::lm {

inline constexpr int kMaxFieldBits = 32;
inline constexpr uint64_t kBitArraySlackBytes = 8;

// Bits needed to store values 0..max_value (0 for max_value == 0).
inline int RequiredBits(uint64_t max_value) {
  int bits = 0;
  while (max_value) {
    ++bits;
    max_value >>= 1;
  }
  return bits;
}

inline uint64_t FieldMask(int bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

inline uint32_t ReadBits(const uint8_t* base, uint64_t bit, uint64_t mask) {
  uint64_t v;
  std::memcpy(&v, base + (bit >> 3), 8);
  return static_cast<uint32_t>((v >> (bit & 7)) & mask);
}

// ORs `value` (< 2^bits) into a zeroed bit array.
inline void WriteBits(uint8_t* base, uint64_t bit, int bits, uint64_t value) {
  if (bits == 0) return;
  uint64_t v;
  std::memcpy(&v, base + (bit >> 3), 8);
  v |= (value & FieldMask(bits)) << (bit & 7);
  std::memcpy(base + (bit >> 3), &v, 8);
}

}  // namespace asr::lm
