// Sphinx's text MLLR matrix file, in both layouts that exist:
//
//   n_class n_stream, then per stream: veclen, then per class:
//     A (veclen x veclen, row-major), b (veclen), h (veclen variance scales)
//   -- PocketSphinx's layout (its -mllr reader, which applies class 0 only)
//
//   n_class n_stream, then per class, per stream: veclen, A, b, h
//   -- sphinxtrain's layout (what mllr_solve writes; h is all ones)
//
// The two coincide for one class. Reading accepts either (told apart by
// the number of values); writing picks one. The file says nothing about
// which codebooks use which class (sphinxtrain keeps that in a separate
// cb2mllr file), so a loaded transform applies class 0 everywhere until
// MllrTransform::set_class_of_codebook says otherwise.
#pragma once

#include <string>

#include "adapt/mllr_transform.h"

namespace asr {

enum class MllrLayout { kPocketSphinx, kSphinxTrain };

// Throws NotFound if the file is missing, FormatError naming it if it is
// malformed or truncated.
MllrTransform ReadMllrFile(const std::string& path);
MllrTransform ParseMllr(const std::string& text, const std::string& source);
// Writes atomically (temporary file, fsync, rename).
void WriteMllrFile(const MllrTransform& transform, const std::string& path,
                   MllrLayout layout = MllrLayout::kPocketSphinx);
std::string FormatMllr(const MllrTransform& transform, MllrLayout layout = MllrLayout::kPocketSphinx);

}  // namespace asr
