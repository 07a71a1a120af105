// Writing a file so that readers see either the old file or the whole new
// one: a temporary file next to it, fsync, rename.
#pragma once

#include <string>

namespace asr {

// Throws Error(kNotFound) if the directory does not exist, InvalidArgument
// on any other write failure (the temporary file is removed).
void WriteFileAtomically(const std::string& path, const std::string& bytes);

}  // namespace asr
