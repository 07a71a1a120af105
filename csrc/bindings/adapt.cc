// Python bindings of acoustic adaptation (asr_engine._core:
// AdaptationStatistics, RegressionTree, MllrTransform, map_adapt,
// write_model_parameters) and of the adapted-model constructors on
// AcousticModel.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>

#include "adapt/adaptation_statistics.h"
#include "adapt/map_adaptation.h"
#include "adapt/mllr_file.h"
#include "adapt/mllr_transform.h"
#include "adapt/regression_tree.h"
#include "adapt/sphinx_model_writer.h"
#include "bindings/bindings.h"
#include "common/error.h"

namespace py = pybind11;

namespace asr::bindings {

namespace {

using FloatArray = py::array_t<float, py::array::c_style | py::array::forcecast>;
using IntArray = py::array_t<int, py::array::c_style | py::array::forcecast>;
using ModelPtr = std::shared_ptr<AcousticModel>;

ModelPtr Mutable(std::shared_ptr<const AcousticModel> m) { return std::const_pointer_cast<AcousticModel>(m); }

void CheckFeatures(const FloatArray& f, int n, int dim, const char* what) {
  if (f.ndim() != 2 || f.shape(1) != dim || (n >= 0 && f.shape(0) != n))
    throw InvalidArgument(std::string(what) + " must be a 2-D array with " + std::to_string(dim) + " columns" +
                          (n >= 0 ? " and one row per frame" : ""));
  const float* p = f.data();
  for (ssize_t i = 0; i < f.size(); ++i)
    if (!std::isfinite(p[i])) throw InvalidArgument(std::string(what) + " contain NaN or infinity");
}

MllrLayout ParseLayout(const std::string& s) {
  if (s == "pocketsphinx") return MllrLayout::kPocketSphinx;
  if (s == "sphinxtrain") return MllrLayout::kSphinxTrain;
  throw InvalidArgument("MLLR layout must be 'pocketsphinx' or 'sphinxtrain'");
}

py::array_t<float> GaussianArray(const GaussianCodebooks& g, bool means) {
  int total = 0;
  for (int len : g.veclens()) total += len;
  py::array_t<float> out({g.n_codebook(), g.n_density(), total});
  float* o = out.mutable_data();
  for (int cb = 0; cb < g.n_codebook(); ++cb)
    for (int k = 0; k < g.n_density(); ++k) {
      int off = 0;
      for (int s = 0; s < g.n_stream(); ++s) {
        const float* v = means ? g.Mean(cb, s, k) : g.Variance(cb, s, k);
        std::copy(v, v + g.veclen(s), o + (static_cast<size_t>(cb) * g.n_density() + k) * total + off);
        off += g.veclen(s);
      }
    }
  return out;
}

}  // namespace

void BindAdapt(py::module_& m) {
  // Adapted copies of a loaded model; defined here so acoustic.cc stays the plain loader.
  auto am = py::reinterpret_borrow<py::object>(m.attr("AcousticModel"));
  am.attr("means") = py::cpp_function(
      [](const AcousticModel& a) { return GaussianArray(*a.codebooks(), true); }, py::is_method(am),
      "Gaussian means, codebooks x densities x frame dims (streams concatenated)");
  am.attr("variances") = py::cpp_function(
      [](const AcousticModel& a) { return GaussianArray(*a.codebooks(), false); }, py::is_method(am),
      "Gaussian variances (after the variance floor), like means()");
  am.attr("with_gaussians") = py::cpp_function(
      [](const AcousticModel& a, FloatArray means, FloatArray variances, float variance_floor) {
        const GaussianCodebooks& g = *a.codebooks();
        int total = 0;
        for (int len : g.veclens()) total += len;
        for (const FloatArray* arr : {&means, &variances}) {
          if (arr->ndim() != 3 || arr->shape(0) != g.n_codebook() || arr->shape(1) != g.n_density() ||
              arr->shape(2) != total)
            throw InvalidArgument("means and variances must have the shape of AcousticModel.means()");
          for (ssize_t i = 0; i < arr->size(); ++i)
            if (!std::isfinite(arr->data()[i])) throw InvalidArgument("Gaussian parameters must be finite");
        }
        std::vector<float> mu, var;
        mu.reserve(means.size());
        var.reserve(means.size());
        // Back to the file layout [cb][stream][density][dim].
        for (int cb = 0; cb < g.n_codebook(); ++cb) {
          int off = 0;
          for (int s = 0; s < g.n_stream(); ++s) {
            for (int k = 0; k < g.n_density(); ++k) {
              const size_t base = (static_cast<size_t>(cb) * g.n_density() + k) * total + off;
              for (int d = 0; d < g.veclen(s); ++d) {
                mu.push_back(means.data()[base + d]);
                const float v = variances.data()[base + d];
                if (!(v > 0)) throw InvalidArgument("variances must be positive");
                var.push_back(v);
              }
            }
            off += g.veclen(s);
          }
        }
        CodebookOptions o;
        o.variance_floor = variance_floor;
        auto cbs = std::make_shared<const GaussianCodebooks>(g.n_codebook(), g.n_density(), g.veclens(),
                                                             std::move(mu), std::move(var), o);
        return Mutable(a.WithParameters(cbs));
      },
      py::is_method(am), py::arg("means"), py::arg("variances"), py::arg("variance_floor") = 1e-4f,
      "This model with other Gaussian parameters (same shape as means())");

  py::class_<AdaptationStatistics>(m, "AdaptationStatistics")
      .def(py::init([](ModelPtr model) { return new AdaptationStatistics(model); }), py::arg("model"))
      .def(
          "accumulate",
          [](AdaptationStatistics& st, FloatArray features, IntArray senones, std::optional<FloatArray> weights,
             std::optional<FloatArray> observed) {
            const int dim = st.model().frame_dim();
            CheckFeatures(features, -1, dim, "features");
            const int n = static_cast<int>(features.shape(0));
            if (senones.ndim() != 1 || senones.shape(0) != n)
              throw InvalidArgument("senones must be a 1-D array with one entry per frame");
            if (weights && (weights->ndim() != 1 || weights->shape(0) != n))
              throw InvalidArgument("weights must be a 1-D array with one entry per frame");
            if (observed) CheckFeatures(*observed, n, dim, "observed features");
            const float* w = weights ? weights->data() : nullptr;
            const float* o = observed ? observed->data() : nullptr;
            py::gil_scoped_release nogil;
            st.Accumulate(features.data(), o, n, senones.data(), w);
          },
          py::arg("features"), py::arg("senones"), py::arg("weights") = py::none(),
          py::arg("observed") = py::none(),
          "Adds frames aligned to senones (-1 skips a frame), weighted per frame; statistics of "
          "`observed` (default: `features`) under posteriors from `features`.")
      .def("merge", &AdaptationStatistics::Merge, py::arg("other"))
      .def_property_readonly("frames", &AdaptationStatistics::frames)
      .def_property_readonly("codebook_frames",
                             [](const AdaptationStatistics& st) {
                               std::vector<double> out(st.n_codebook());
                               for (int cb = 0; cb < st.n_codebook(); ++cb) out[cb] = st.CodebookFrames(cb);
                               return out;
                             })
      .def("occupancy",
           [](const AdaptationStatistics& st) {
             py::array_t<double> out({st.n_codebook(), st.n_density()});
             // Summed over streams' first: each stream sees the same frames, so take stream 0.
             double* o = out.mutable_data();
             for (int cb = 0; cb < st.n_codebook(); ++cb)
               for (int k = 0; k < st.n_density(); ++k) o[cb * st.n_density() + k] = st.Occupancy(cb, 0, k);
             return out;
           },
           "occupancy of each Gaussian of stream 0, codebooks x densities")
      .def("sums",
           [](const AdaptationStatistics& st) {
             int total = 0;
             for (int s = 0; s < st.n_stream(); ++s) total += st.veclen(s);
             py::array_t<double> occ({st.n_codebook(), st.n_density(), total});
             py::array_t<double> x1({st.n_codebook(), st.n_density(), total});
             py::array_t<double> x2({st.n_codebook(), st.n_density(), total});
             double *po = occ.mutable_data(), *p1 = x1.mutable_data(), *p2 = x2.mutable_data();
             for (int cb = 0; cb < st.n_codebook(); ++cb)
               for (int k = 0; k < st.n_density(); ++k) {
                 int off = 0;
                 for (int s = 0; s < st.n_stream(); ++s) {
                   const size_t base = (static_cast<size_t>(cb) * st.n_density() + k) * total + off;
                   for (int d = 0; d < st.veclen(s); ++d) {
                     po[base + d] = st.Occupancy(cb, s, k);
                     p1[base + d] = st.FirstOrder(cb, s, k)[d];
                     p2[base + d] = st.SecondOrder(cb, s, k)[d];
                   }
                   off += st.veclen(s);
                 }
               }
             return py::make_tuple(occ, x1, x2);
           },
           "(occupancy, sum of o, sum of o^2), each codebooks x densities x frame dims");

  py::class_<RegressionTree>(m, "RegressionTree")
      .def_static("phonetic", [](ModelPtr model) { return RegressionTree::Phonetic(*model); }, py::arg("model"))
      .def_property_readonly("nodes", [](const RegressionTree& t) {
        py::list out;
        for (int i = 0; i < t.n_node(); ++i)
          out.append(py::make_tuple(t.node(i).name, t.node(i).parent, t.node(i).codebooks));
        return out;
      });

  py::class_<MllrTransform>(m, "MllrTransform")
      .def(py::init([](std::vector<std::vector<std::vector<float>>> a, std::vector<std::vector<std::vector<float>>> b,
                       std::vector<std::vector<std::vector<float>>> var_scale, std::vector<int> class_of_codebook) {
             MeanTransform t;
             t.n_class = static_cast<int>(a.size());
             t.a = std::move(a);
             t.b = std::move(b);
             t.var_scale = std::move(var_scale);
             t.class_of_codebook = std::move(class_of_codebook);
             return new MllrTransform(std::move(t));
           }),
           py::arg("a"), py::arg("b"), py::arg("var_scale") = std::vector<std::vector<std::vector<float>>>(),
           py::arg("class_of_codebook") = std::vector<int>(),
           "a[class][stream]: flattened veclen x veclen matrix; b like it with veclen offsets")
      .def_static("identity", &MllrTransform::Identity, py::arg("veclens"))
      .def_static(
          "estimate",
          [](ModelPtr prior, const AdaptationStatistics& stats, const RegressionTree& tree, double min_frames,
             bool regression_tree, bool block_diagonal, double ridge) {
            MllrOptions o;
            o.min_frames = min_frames;
            o.regression_tree = regression_tree;
            o.block_diagonal = block_diagonal;
            o.ridge = ridge;
            py::gil_scoped_release nogil;
            return MllrTransform::Estimate(*prior->codebooks(), stats, tree, o);
          },
          py::arg("prior"), py::arg("statistics"), py::arg("tree"), py::arg("min_frames") = MllrOptions().min_frames,
          py::arg("regression_tree") = true, py::arg("block_diagonal") = true, py::arg("ridge") = MllrOptions().ridge)
      .def_static("read", &ReadMllrFile, py::arg("path"))
      .def_static("parse", [](const std::string& text) { return ParseMllr(text, "<text>"); }, py::arg("text"))
      .def("write",
           [](const MllrTransform& t, const std::string& path, const std::string& layout) {
             WriteMllrFile(t, path, ParseLayout(layout));
           },
           py::arg("path"), py::arg("layout") = "pocketsphinx")
      .def("to_text",
           [](const MllrTransform& t, const std::string& layout) { return FormatMllr(t, ParseLayout(layout)); },
           py::arg("layout") = "pocketsphinx")
      .def_property_readonly("n_class", &MllrTransform::n_class)
      .def_property_readonly("veclens", &MllrTransform::veclens)
      .def_property_readonly("class_names", &MllrTransform::class_names)
      .def_property_readonly("class_frames", &MllrTransform::class_frames)
      .def_property("class_of_codebook", &MllrTransform::class_of_codebook,
                    [](MllrTransform& t, std::vector<int> c) {
                      for (int x : c)
                        if (x < 0 || x >= t.n_class()) throw InvalidArgument("codebook class out of range");
                      t.set_class_of_codebook(std::move(c));
                    })
      .def_property_readonly("a", [](const MllrTransform& t) { return t.mean_transform().a; })
      .def_property_readonly("b", [](const MllrTransform& t) { return t.mean_transform().b; })
      .def_property_readonly("var_scale", [](const MllrTransform& t) { return t.mean_transform().var_scale; })
      .def(
          "apply",
          [](const MllrTransform& t, ModelPtr model) {
            if (!t.class_of_codebook().empty() &&
                static_cast<int>(t.class_of_codebook().size()) != model->codebooks()->n_codebook())
              throw InvalidArgument("the transform's codebook classes do not fit this model");
            py::gil_scoped_release nogil;
            return Mutable(model->WithParameters(t.Apply(*model->codebooks())));
          },
          py::arg("model"), "The model with transformed means (an adapted copy)");

  m.def(
      "map_adapt",
      [](ModelPtr prior, const AdaptationStatistics& stats, float mean_prior, float variance_prior,
         float weight_prior, float variance_floor) {
        MapOptions o;
        o.mean_prior = mean_prior;
        o.variance_prior = variance_prior;
        o.weight_prior = weight_prior;
        o.variance_floor = variance_floor;
        py::gil_scoped_release nogil;
        auto cbs = MapAdaptation::Codebooks(*prior->codebooks(), stats, o);
        std::shared_ptr<const MixtureWeights> w;
        if (weight_prior > 0) w = MapAdaptation::Weights(prior->weights(), stats, prior->codebook_of_senone(), o);
        return Mutable(prior->WithParameters(cbs, w));
      },
      py::arg("prior"), py::arg("statistics"), py::arg("mean_prior") = MapOptions().mean_prior,
      py::arg("variance_prior") = MapOptions().variance_prior, py::arg("weight_prior") = MapOptions().weight_prior,
      py::arg("variance_floor") = MapOptions().variance_floor,
      "MAP re-estimation around `prior`'s parameters; returns the adapted model");

  m.def(
      "write_model_parameters",
      [](ModelPtr model, const std::string& dir, bool mixture_weights) {
        py::gil_scoped_release nogil;
        const std::string sep = !dir.empty() && dir.back() == '/' ? "" : "/";
        WriteMeansFile(*model->codebooks(), dir + sep + "means");
        WriteVariancesFile(*model->codebooks(), dir + sep + "variances");
        if (mixture_weights) WriteMixtureWeightsFile(model->weights(), dir + sep + "mixture_weights");
      },
      py::arg("model"), py::arg("directory"), py::arg("mixture_weights") = false,
      "Writes the model's means, variances (and float mixture_weights) as Sphinx binary files");
}

}  // namespace asr::bindings
