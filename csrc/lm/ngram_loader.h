// Opens any supported n-gram file by looking at its content: our binary
// (memory-mapped), Sphinx lm.bin, or ARPA text (both compiled in memory).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "lm/ngram_lists.h"
#include "lm/ngram_model.h"

namespace asr::lm {

enum class LmFileKind { kNgramBinary, kSphinxLmBin, kArpa };

LmFileKind SniffLmFile(const uint8_t* data, size_t size);

std::shared_ptr<NgramModel> LoadNgramModel(const std::string& path, const NgramLoadOptions& options = {});

// Compiles tables (from a reader or the estimator) into a model.
std::shared_ptr<NgramModel> BuildNgramModel(NgramSet& set);

}  // namespace asr::lm
