#include "am/acoustic_model.h"

#include <sys/stat.h>

#include "common/error.h"

namespace asr {

namespace {

bool IsFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool IsDir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Join(const std::string& dir, const char* name) {
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string Required(const std::string& dir, const char* name) {
  std::string path = Join(dir, name);
  if (!IsFile(path)) throw Error(ErrorKind::kNotFound, "acoustic model " + dir + " has no '" + name + "' file");
  return path;
}

}  // namespace

const char* ModelKindName(ModelKind kind) {
  switch (kind) {
    case ModelKind::kSemi: return "semi";
    case ModelKind::kPtm: return "ptm";
    case ModelKind::kCont: return "cont";
  }
  return "?";
}

std::shared_ptr<const AcousticModel> AcousticModel::Load(const std::string& dir,
                                                         const AcousticModelOptions& options) {
  if (!IsDir(dir)) throw Error(ErrorKind::kNotFound, "acoustic model directory '" + dir + "' does not exist");
  std::shared_ptr<AcousticModel> m(new AcousticModel());
  m->dir_ = dir;
  const std::string fp_path = Join(dir, "feat.params");
  m->feat_params_ = IsFile(fp_path) ? FeatParams::Load(fp_path) : FeatParams::Parse("", fp_path);
  m->streams_ = FeatureStreams::FromFeatParams(m->feat_params_);
  m->mdef_ = Mdef::Load(Required(dir, "mdef"));
  const Mdef& mdef = m->mdef_;

  TransitionOptions topt;
  topt.floor = options.transition_floor;
  const std::string tmat_path = Required(dir, "transition_matrices");
  m->tmat_ = TransitionMatrices::Load(tmat_path, topt);
  if (m->tmat_.n_tmat() < mdef.n_tmat())
    throw FormatError(tmat_path + ": has " + std::to_string(m->tmat_.n_tmat()) + " matrices but the model definition uses " +
                      std::to_string(mdef.n_tmat()));
  if (mdef.n_emit_state() != 0 && m->tmat_.n_state() != mdef.n_emit_state())
    throw FormatError(tmat_path + ": matrices have " + std::to_string(m->tmat_.n_state()) +
                      " emitting states but the model definition has " + std::to_string(mdef.n_emit_state()));
  for (int s = 0; s < mdef.n_sseq(); ++s) {
    if (mdef.SenoneSeqLength(s) != m->tmat_.n_state())
      throw FormatError(tmat_path + ": " + std::to_string(m->tmat_.n_state()) +
                        "-state matrices cannot drive a phone with " + std::to_string(mdef.SenoneSeqLength(s)) + " states");
  }

  CodebookOptions copt;
  copt.variance_floor = options.variance_floor;
  const std::string means_path = Required(dir, "means");
  m->codebooks_ = GaussianCodebooks::Load(means_path, Required(dir, "variances"), copt);
  const GaussianCodebooks& g = *m->codebooks_;
  const std::vector<int> lens = m->streams_.StreamLengths();
  if (g.veclens() != lens) {
    auto show = [](const std::vector<int>& v) {
      std::string s;
      for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
      return s;
    };
    throw FormatError(means_path + ": Gaussian stream lengths (" + show(g.veclens()) +
                      ") disagree with feat.params, which implies (" + show(lens) + ")");
  }

  const int n_sen = mdef.n_senone();
  m->codebook_of_senone_.resize(n_sen);
  if (g.n_codebook() == 1) {
    m->kind_ = ModelKind::kSemi;
    for (int s = 0; s < n_sen; ++s) m->codebook_of_senone_[s] = 0;
  } else if (g.n_codebook() == mdef.n_ciphone()) {
    m->kind_ = ModelKind::kPtm;
    for (int s = 0; s < n_sen; ++s) m->codebook_of_senone_[s] = mdef.SenoneCiPhone(s);
  } else if (g.n_codebook() == n_sen) {
    m->kind_ = ModelKind::kCont;
    for (int s = 0; s < n_sen; ++s) m->codebook_of_senone_[s] = s;
  } else {
    throw FormatError(means_path + ": " + std::to_string(g.n_codebook()) + " codebooks fit neither a semi-continuous (1), "
                      "PTM (" + std::to_string(mdef.n_ciphone()) + " phones) nor continuous (" + std::to_string(n_sen) +
                      " senones) model");
  }
  const std::string declared = m->feat_params_.GetString("model", "");
  if (!declared.empty() && declared != ModelKindName(m->kind_) &&
      !(declared == "cont" && m->kind_ != ModelKind::kPtm))  // Sphinx lets "cont" load anything but PTM-shaped files
    throw FormatError(fp_path + ": declares -model " + declared + " but the Gaussians form a " +
                      ModelKindName(m->kind_) + " model");

  const std::string sendump = Join(dir, "sendump");
  if (IsFile(sendump)) {
    m->weights_ = std::make_unique<MixtureWeights>(
        MixtureWeights::LoadSendump(sendump, g.n_stream(), g.n_density(), m->codebook_of_senone_));
  } else {
    MixtureWeightOptions wopt;
    wopt.floor = options.mixture_weight_floor;
    m->weights_ = std::make_unique<MixtureWeights>(MixtureWeights::LoadFloat(
        Required(dir, "mixture_weights"), g.n_stream(), g.n_density(), m->codebook_of_senone_, wopt));
  }
  const std::string noise = Join(dir, "noisedict");
  if (IsFile(noise)) m->noise_dict_path_ = noise;
  return m;
}

std::shared_ptr<const AcousticModel> AcousticModel::WithParameters(std::shared_ptr<const GaussianCodebooks> codebooks,
                                                                   std::shared_ptr<const MixtureWeights> weights) const {
  if (!codebooks) codebooks = codebooks_;
  if (codebooks->n_codebook() != codebooks_->n_codebook() || codebooks->n_density() != codebooks_->n_density() ||
      codebooks->veclens() != codebooks_->veclens())
    throw InvalidArgument("adapted codebooks do not have the shape of the model's codebooks");
  if (weights && (weights->n_senone() != n_senone() || weights->n_stream() != weights_->n_stream() ||
                  weights->n_density() != weights_->n_density()))
    throw InvalidArgument("adapted mixture weights do not have the shape of the model's weights");
  std::shared_ptr<AcousticModel> m(new AcousticModel());
  m->dir_ = dir_;
  m->kind_ = kind_;
  m->mdef_ = mdef_;
  m->feat_params_ = feat_params_;
  m->streams_ = streams_;
  m->tmat_ = tmat_;
  m->codebooks_ = std::move(codebooks);
  m->weights_ = weights ? std::move(weights) : weights_;
  m->codebook_of_senone_ = codebook_of_senone_;
  m->noise_dict_path_ = noise_dict_path_;
  return m;
}

}  // namespace asr
