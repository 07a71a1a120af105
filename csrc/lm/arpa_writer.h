// Writes an NgramModel as ARPA text (log10), e.g. to hand a model trained
// here or converted from lm.bin to KenLM or other toolkits.
#pragma once

#include <string>

#include "lm/ngram_model.h"

namespace asr::lm {

// Throws std::runtime_error on I/O failure.
void WriteArpaFile(const NgramModel& model, const std::string& path);

}  // namespace asr::lm
