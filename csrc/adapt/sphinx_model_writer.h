// Writers for the binary parameter files of a Sphinx acoustic model, so an
// adapted model is an ordinary model directory: it loads here
// (AcousticModel::Load), in PocketSphinx (-hmm) and in sphinxtrain.
//
// Files use the layout SphinxBinaryReader reads: "s3" header with
// "chksum0 yes", the byte-order word, native byte order, and the running
// checksum at the end. Every write is atomic.
#pragma once

#include <string>

#include "am/gaussian_codebooks.h"
#include "am/mixture_weights.h"

namespace asr {

void WriteMeansFile(const GaussianCodebooks& codebooks, const std::string& path);
void WriteVariancesFile(const GaussianCodebooks& codebooks, const std::string& path);
// A float `mixture_weights` file (the format a model without sendump has).
void WriteMixtureWeightsFile(const MixtureWeights& weights, const std::string& path);

}  // namespace asr
