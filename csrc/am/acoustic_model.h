// A Sphinx-format acoustic model loaded from its directory: model
// definition, Gaussian codebooks, mixture weights, transition matrices,
// front-end parameters and the name of its noise dictionary.
//
// Three kinds exist, told apart by how senones share Gaussians: one
// codebook for all (semi-continuous, "semi"), one per CI phone
// (phonetically tied mixtures, "ptm"), one per senone (continuous,
// "cont"). Every file is checked against the others; any disagreement is a
// FormatError naming the file. Immutable once loaded and shared between
// threads through shared_ptr<const AcousticModel>.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "am/feature_streams.h"
#include "am/gaussian_codebooks.h"
#include "am/mdef.h"
#include "am/mixture_weights.h"
#include "am/transition_matrices.h"
#include "frontend/feat_params.h"

namespace asr {

enum class ModelKind { kSemi, kPtm, kCont };
const char* ModelKindName(ModelKind kind);

struct AcousticModelOptions {
  float variance_floor = 1e-4f;         // Sphinx -varfloor
  float mixture_weight_floor = 1e-7f;   // Sphinx -mixwfloor (float weight files only)
  float transition_floor = 1e-4f;       // Sphinx -tmatfloor
};

class AcousticModel {
 public:
  static std::shared_ptr<const AcousticModel> Load(const std::string& dir,
                                                   const AcousticModelOptions& options = {});

  ModelKind kind() const { return kind_; }
  const std::string& dir() const { return dir_; }
  const Mdef& mdef() const { return mdef_; }
  const FeatParams& feat_params() const { return feat_params_; }
  const FeatureStreams& streams() const { return streams_; }
  const TransitionMatrices& transitions() const { return tmat_; }
  const std::shared_ptr<const GaussianCodebooks>& codebooks() const { return codebooks_; }
  const MixtureWeights& weights() const { return *weights_; }
  // Path of the noise dictionary, or "" if the model has none.
  const std::string& noise_dict_path() const { return noise_dict_path_; }

  int n_senone() const { return mdef_.n_senone(); }
  int frame_dim() const { return streams_.frame_dim; }
  int CodebookOfSenone(int senone) const { return codebook_of_senone_[senone]; }
  const std::vector<int>& codebook_of_senone() const { return codebook_of_senone_; }

  // This model with other Gaussians (and mixture weights, if given) of the
  // same shape: how adapted models are made. Throws InvalidArgument on a
  // shape mismatch.
  std::shared_ptr<const AcousticModel> WithParameters(std::shared_ptr<const GaussianCodebooks> codebooks,
                                                      std::shared_ptr<const MixtureWeights> weights = nullptr) const;

 private:
  AcousticModel() = default;

  std::string dir_;
  ModelKind kind_ = ModelKind::kCont;
  Mdef mdef_;
  FeatParams feat_params_;
  FeatureStreams streams_;
  TransitionMatrices tmat_;
  std::shared_ptr<const GaussianCodebooks> codebooks_;
  std::shared_ptr<const MixtureWeights> weights_;
  std::vector<int> codebook_of_senone_;
  std::string noise_dict_path_;
};

}  // namespace asr
