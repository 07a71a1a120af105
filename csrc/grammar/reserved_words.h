// Word ids every grammar vocabulary reserves, ahead of the grammar's own
// words: sentence markers (so a GrammarFsa's vocab has bos()/eos() like an
// n-gram model) and the garbage word that stands for $GARBAGE.
#pragma once

#include <cstdint>

namespace asr::grammar {

inline constexpr uint32_t kBosWord = 0;      // "<s>"
inline constexpr uint32_t kEosWord = 1;      // "</s>"
// "<garbage>": one arc labelled with it means "one or more words of speech
// the grammar does not name". The decoder realises it as a filler/phone-loop
// path; Matches() lets it absorb one or more arbitrary tokens.
inline constexpr uint32_t kGarbageWord = 2;
inline constexpr uint32_t kFirstGrammarWord = 3;  // RuleSet word i has id i + 3

inline constexpr const char* kBosText = "<s>";
inline constexpr const char* kEosText = "</s>";
inline constexpr const char* kGarbageText = "<garbage>";

}  // namespace asr::grammar
