#include "g2p/graphone.h"

namespace asr::g2p {

std::string GraphoneToken(std::string_view letters, const std::vector<std::string>& phones) {
  std::string t(letters);
  t += kLetterPhoneSeparator;
  if (phones.empty()) t += kNoPhones;
  for (size_t i = 0; i < phones.size(); ++i) {
    if (i) t += kPhoneSeparator;
    t += phones[i];
  }
  return t;
}

bool ParseGraphoneToken(std::string_view token, Graphone* out) {
  const size_t sep = token.find(kLetterPhoneSeparator);
  if (sep == std::string_view::npos || sep == 0 || sep + 1 >= token.size()) return false;
  out->letters.assign(token.substr(0, sep));
  for (unsigned char c : out->letters)
    if (!IsSpellingByte(c)) return false;
  out->phones.clear();
  std::string_view rest = token.substr(sep + 1);
  if (rest == kNoPhones) return true;
  while (true) {
    const size_t bar = rest.find(kPhoneSeparator);
    std::string_view p = rest.substr(0, bar);
    if (p.empty()) return false;
    out->phones.emplace_back(p);
    if (bar == std::string_view::npos) return true;
    rest = rest.substr(bar + 1);
  }
}

}  // namespace asr::g2p
