// Reads the CMU Sphinx binary trie LM ("lm.bin", e.g. the en-us.lm.bin that
// ships with pocketsphinx) into n-gram tables, so it can be scored natively
// and cached in our own format.
//
// The Sphinx file is a reversed trie (word, then history newest-first) with
// bit-packed records and 16-bit quantized probabilities/back-offs; values
// are logs in base 1.0001. We decode the same quantization bins Sphinx does,
// so scores agree with PocketSphinx up to its integer rounding. Every count,
// pointer and word id read from the file is checked against the file size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "lm/ngram_lists.h"

namespace asr::lm {

inline constexpr char kSphinxTrieMagic[] = "Trie Language Model";

bool LooksLikeSphinxLmBin(const uint8_t* data, size_t size);

// Parses an lm.bin image; `name` is used in error messages.
NgramSet ParseSphinxLmBin(const uint8_t* data, size_t size, const std::string& name);

NgramSet ReadSphinxLmBinFile(const std::string& path);

}  // namespace asr::lm
