// Python bindings of the acoustic model and the senone scorer
// (asr_engine._core.AcousticModel, asr_engine._core.SenoneScorer).
#include <pybind11/numpy.h>
#include <cmath>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "am/acoustic_model.h"
#include "am/gaussian_codebooks.h"
#include "am/senone_scorer.h"
#include "bindings/bindings.h"
#include "common/error.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;

// Validates a (frames x dim) float32 array for `model`.
void CheckFrames(const FloatArray& feats, int dim) {
  if (feats.ndim() != 2 || feats.shape(1) != dim)
    throw InvalidArgument("features must be a 2-D array with " + std::to_string(dim) + " columns");
  const float* p = feats.data();
  const size_t n = static_cast<size_t>(feats.size());
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i])) throw InvalidArgument("features contain NaN or infinity");
}

MeanTransform ToMeanTransform(const py::object& obj) {
  auto t = obj.cast<std::tuple<std::vector<std::vector<std::vector<float>>>, std::vector<std::vector<std::vector<float>>>,
                               std::vector<std::vector<std::vector<float>>>, std::vector<int>>>();
  MeanTransform m;
  m.a = std::get<0>(t);
  m.b = std::get<1>(t);
  m.var_scale = std::get<2>(t);
  m.class_of_codebook = std::get<3>(t);
  m.n_class = static_cast<int>(m.a.size());
  return m;
}

py::dict FeatParamsDict(const FeatParams& p) {
  py::dict d;
  for (const auto& kv : p.values()) d[py::str(kv.first)] = kv.second;
  return d;
}

}  // namespace

void BindAcoustic(py::module_& m) {
  py::class_<AcousticModel, std::shared_ptr<AcousticModel>>(m, "AcousticModel")
      .def_static(
          "load",
          [](const std::string& dir, float varfloor, float mixwfloor, float tmatfloor) {
            AcousticModelOptions o;
            o.variance_floor = varfloor;
            o.mixture_weight_floor = mixwfloor;
            o.transition_floor = tmatfloor;
            std::shared_ptr<const AcousticModel> model;
            {
              py::gil_scoped_release release;
              model = AcousticModel::Load(dir, o);
            }
            return std::const_pointer_cast<AcousticModel>(model);
          },
          py::arg("path"), py::arg("variance_floor") = 1e-4f, py::arg("mixture_weight_floor") = 1e-7f,
          py::arg("transition_floor") = 1e-4f)
      .def_property_readonly("path", &AcousticModel::dir)
      .def_property_readonly("kind", [](const AcousticModel& a) { return std::string(ModelKindName(a.kind())); })
      .def_property_readonly("n_senones", &AcousticModel::n_senone)
      .def_property_readonly("frame_dim", &AcousticModel::frame_dim)
      .def_property_readonly("phones", [](const AcousticModel& a) { return a.mdef().phone_names(); })
      .def_property_readonly("filler_phones",
                             [](const AcousticModel& a) {
                               std::vector<std::string> out;
                               for (int i = 0; i < a.mdef().n_ciphone(); ++i)
                                 if (a.mdef().IsFiller(i)) out.push_back(a.mdef().PhoneName(i));
                               return out;
                             })
      .def_property_readonly("n_triphones", [](const AcousticModel& a) { return a.mdef().n_phone() - a.mdef().n_ciphone(); })
      .def_property_readonly("n_states_per_phone", [](const AcousticModel& a) { return a.transitions().n_state(); })
      .def_property_readonly("n_transition_matrices", [](const AcousticModel& a) { return a.transitions().n_tmat(); })
      .def_property_readonly("n_codebooks", [](const AcousticModel& a) { return a.codebooks()->n_codebook(); })
      .def_property_readonly("n_densities", [](const AcousticModel& a) { return a.codebooks()->n_density(); })
      .def_property_readonly("stream_lengths", [](const AcousticModel& a) { return a.codebooks()->veclens(); })
      .def_property_readonly("n_floored_variances", [](const AcousticModel& a) { return a.codebooks()->n_floored(); })
      .def_property_readonly("feat_params", [](const AcousticModel& a) { return FeatParamsDict(a.feat_params()); })
      .def_property_readonly("feat_type", [](const AcousticModel& a) { return a.streams().feat_type; })
      .def_property_readonly("noise_dict_path", &AcousticModel::noise_dict_path)
      .def_property_readonly("mdef_is_binary", [](const AcousticModel& a) { return a.mdef().is_binary(); })
      .def("senone_sequence",
           [](const AcousticModel& a, const std::string& base, const std::string& left, const std::string& right,
              const std::string& position) {
             const Mdef& md = a.mdef();
             int ci = md.CiPhoneId(base);
             if (ci < 0) throw Error(ErrorKind::kNotFound, "unknown phone '" + base + "'");
             int lc = left.empty() ? -1 : md.CiPhoneId(left);
             int rc = right.empty() ? -1 : md.CiPhoneId(right);
             if ((!left.empty() && lc < 0) || (!right.empty() && rc < 0))
               throw Error(ErrorKind::kNotFound, "unknown context phone");
             WordPosition pos = WordPosition::kInternal;
             if (position == "b") pos = WordPosition::kBegin;
             else if (position == "e") pos = WordPosition::kEnd;
             else if (position == "s") pos = WordPosition::kSingle;
             else if (position != "i") throw InvalidArgument("position must be one of b, e, s, i");
             int pid = md.PhoneIdNearest(ci, lc, rc, pos);
             const PhoneDef& d = md.phone(pid);
             std::vector<int> sen(md.SenoneSeq(d.ssid), md.SenoneSeq(d.ssid) + md.SenoneSeqLength(d.ssid));
             return py::make_tuple(md.PhoneString(pid), sen, d.tmat);
           },
           py::arg("base"), py::arg("left") = "", py::arg("right") = "", py::arg("position") = "i",
           "(name, senones, tmat) of the triphone the model uses for this context (with Sphinx's back-off)")
      .def(
          "codebook_weights",
          [](const AcousticModel& a) {
            // Mean mixture weight of each Gaussian over the senones drawing on
            // its codebook: how much the model uses it (a background GMM's prior).
            const MixtureWeights& w = a.weights();
            const int ncb = w.n_codebook(), ns = w.n_stream(), nd = w.n_density();
            py::array_t<float> out({ncb, ns, nd});
            float* o = out.mutable_data();
            for (int cb = 0; cb < ncb; ++cb)
              for (int s = 0; s < ns; ++s)
                for (int d = 0; d < nd; ++d) {
                  const float* row = w.Row(s, d);
                  const int b = w.range_begin(cb), e = w.range_end(cb);
                  double sum = 0;
                  for (int p = b; p < e; ++p) sum += row[p];
                  o[(static_cast<size_t>(cb) * ns + s) * nd + d] = e > b ? static_cast<float>(sum / (e - b)) : 0.0f;
                }
            return out;
          },
          "mean mixture weight of each Gaussian over its codebook's senones (codebooks x streams x densities)")
      .def("transition_matrix",
           [](const AcousticModel& a, int tmat) {
             const TransitionMatrices& t = a.transitions();
             if (tmat < 0 || tmat >= t.n_tmat()) throw InvalidArgument("transition matrix id out of range");
             py::array_t<float> out({t.n_state(), t.n_state() + 1});
             std::copy(t.Matrix(tmat), t.Matrix(tmat) + t.n_state() * (t.n_state() + 1), out.mutable_data());
             return out;
           },
           py::arg("tmat"), "log transition probabilities (n_state x n_state+1)");

  py::class_<SenoneScorer>(m, "SenoneScorer")
      .def(py::init([](std::shared_ptr<AcousticModel> model, int top_n, float density_floor, py::object transform) {
             Required(model, "the acoustic model");
             ScorerOptions o;
             o.top_n = top_n;
             o.density_floor = density_floor;
             std::shared_ptr<const GaussianCodebooks> adapted;
             if (!transform.is_none()) adapted = model->codebooks()->Transformed(ToMeanTransform(transform));
             return new SenoneScorer(model, o, adapted);
           }),
           py::arg("model"), py::arg("top_n") = 4, py::arg("density_floor") = -1.0f,
           py::arg("mean_transform") = py::none(),
           "mean_transform: (a, b, var_scale, class_of_codebook) with a[class][stream] flattened "
           "veclen x veclen matrices, b[class][stream] offsets, var_scale like b or empty, "
           "class_of_codebook empty or one class per codebook")
      .def_property_readonly("top_n", &SenoneScorer::top_n)
      .def_property_readonly("n_senones", &SenoneScorer::n_senone)
      .def(
          "score",
          [](SenoneScorer& s, FloatArray feats) {
            CheckFrames(feats, s.frame_dim());
            const int n = static_cast<int>(feats.shape(0));
            py::array_t<float> out({n, s.n_senone()});
            const float* in = feats.data();
            float* o = out.mutable_data();
            {
              py::gil_scoped_release release;
              s.ScoreFrames(in, n, o);
            }
            return out;
          },
          py::arg("features"), "senone log-likelihoods, frames x n_senones")
      .def(
          "score_active",
          [](SenoneScorer& s, FloatArray feats, py::array_t<int, py::array::c_style | py::array::forcecast> active) {
            CheckFrames(feats, s.frame_dim());
            if (active.ndim() != 1) throw InvalidArgument("active senones must be a 1-D array");
            const int n = static_cast<int>(feats.shape(0));
            py::array_t<float> out({n, s.n_senone()});
            float* o = out.mutable_data();
            std::fill(o, o + static_cast<size_t>(n) * s.n_senone(), -std::numeric_limits<float>::infinity());
            const float* in = feats.data();
            const int* act = active.data();
            const int n_act = static_cast<int>(active.shape(0));
            {
              py::gil_scoped_release release;
              for (int t = 0; t < n; ++t)
                s.ScoreActive(in + static_cast<size_t>(t) * s.frame_dim(), act, n_act,
                              o + static_cast<size_t>(t) * s.n_senone());
            }
            return out;
          },
          py::arg("features"), py::arg("active"),
          "log-likelihoods of the listed senones (others -inf), frames x n_senones");
}

}  // namespace asr::bindings
