// A graphone is one joint unit of spelling and sound: a chunk of 1-2 letters
// with the 0-2 phones it stands for ("ck" -> K, "x" -> K S, "e" -> nothing).
// A pronunciation is a sequence of graphones; the G2P model is an n-gram over
// them (Bisani & Ney's joint-sequence model).
//
// Graphones are words of that n-gram, spelled as tokens "letters}phones" with
// phones joined by '|' and "_" for none: "ck}K", "x}K|S", "e}_". These are
// the tokens phonetisaurus uses too, so corpora can be compared by eye.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace asr::g2p {

inline constexpr char kLetterPhoneSeparator = '}';
inline constexpr char kPhoneSeparator = '|';
inline constexpr char kNoPhones[] = "_";

struct Graphone {
  std::string letters;               // 1 or more bytes
  std::vector<std::string> phones;   // 0 or more phone names
};

// "letters}P1|P2", or "letters}_" without phones.
std::string GraphoneToken(std::string_view letters, const std::vector<std::string>& phones);

// Inverse of GraphoneToken; false if `token` is not a graphone token
// (no separator, no letters, or an empty phone name).
bool ParseGraphoneToken(std::string_view token, Graphone* out);

// True if `c` may appear in a spelling (not a token separator, not blank).
inline bool IsSpellingByte(unsigned char c) {
  return c > ' ' && c != 0x7f && c != kLetterPhoneSeparator && c != kPhoneSeparator && c != '_';
}

}  // namespace asr::g2p
