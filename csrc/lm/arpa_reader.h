// ARPA back-off language model text format (orders 1..6) -> n-gram tables.
//
// Strict about structure, because a silently misread LM only shows up later
// as bad recognition: counts must match, sections must be present and in
// order, fields must be numeric. Every error names the file and line.
// Lenient where KenLM is: text before \data\ is skipped, positive log
// probabilities are clamped to 0, tabs or spaces separate fields.
#pragma once

#include <string>
#include <string_view>

#include "lm/ngram_lists.h"

namespace asr::lm {

// Parses ARPA text; `name` is used in error messages.
NgramSet ParseArpa(std::string_view text, const std::string& name);

// Memory-maps and parses an ARPA file.
NgramSet ReadArpaFile(const std::string& path);

}  // namespace asr::lm
