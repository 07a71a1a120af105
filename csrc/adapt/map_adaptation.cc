#include "adapt/map_adaptation.h"

#include <algorithm>

#include "common/error.h"

namespace asr {

std::shared_ptr<const GaussianCodebooks> MapAdaptation::Codebooks(const GaussianCodebooks& prior,
                                                                  const AdaptationStatistics& stats,
                                                                  const MapOptions& o) {
  if (prior.n_codebook() != stats.n_codebook() || prior.n_density() != stats.n_density() ||
      prior.n_stream() != stats.n_stream())
    throw InvalidArgument("MAP: statistics were gathered for a model of another shape");
  if (o.mean_prior < 0 || o.variance_prior < 0) throw InvalidArgument("MAP: prior weights must not be negative");
  std::vector<float> means, vars;
  for (int cb = 0; cb < prior.n_codebook(); ++cb)
    for (int s = 0; s < prior.n_stream(); ++s)
      for (int k = 0; k < prior.n_density(); ++k) {
        const int len = prior.veclen(s);
        const float* mu0 = prior.Mean(cb, s, k);
        const float* v0 = prior.Variance(cb, s, k);
        const double occ = stats.Occupancy(cb, s, k);
        const double* x1 = stats.FirstOrder(cb, s, k);
        const double* x2 = stats.SecondOrder(cb, s, k);
        for (int d = 0; d < len; ++d) {
          double mu = mu0[d];
          if (o.mean_prior > 0 && occ > 0) mu = (o.mean_prior * mu0[d] + x1[d]) / (o.mean_prior + occ);
          double var = v0[d];
          if (o.variance_prior > 0 && occ > 0) {
            const double m2 = (o.variance_prior * (v0[d] + double(mu0[d]) * mu0[d]) + x2[d]) / (o.variance_prior + occ);
            var = std::max(m2 - mu * mu, static_cast<double>(o.variance_floor));
          }
          means.push_back(static_cast<float>(mu));
          vars.push_back(static_cast<float>(var));
        }
      }
  // Raw layout is [cb][stream][density][dim]: exactly the order above.
  CodebookOptions copt;
  copt.variance_floor = o.variance_floor;
  return std::make_shared<const GaussianCodebooks>(prior.n_codebook(), prior.n_density(), prior.veclens(),
                                                   std::move(means), std::move(vars), copt);
}

std::shared_ptr<const MixtureWeights> MapAdaptation::Weights(const MixtureWeights& prior,
                                                             const AdaptationStatistics& stats,
                                                             const std::vector<int>& codebook_of_senone,
                                                             const MapOptions& o) {
  const int n_sen = prior.n_senone(), n_stream = prior.n_stream(), n_density = prior.n_density();
  if (stats.n_stream() != n_stream || stats.n_density() != n_density || stats.model().n_senone() != n_sen)
    throw InvalidArgument("MAP: statistics were gathered for a model of another shape");
  if (o.weight_prior < 0) throw InvalidArgument("MAP: prior weights must not be negative");
  std::vector<float> w(static_cast<size_t>(n_sen) * n_stream * n_density);
  for (int sen = 0; sen < n_sen; ++sen)
    for (int s = 0; s < n_stream; ++s) {
      double total = 0;
      for (int k = 0; k < n_density; ++k) total += stats.MixtureCount(sen, s, k);
      float* out = &w[(static_cast<size_t>(sen) * n_stream + s) * n_density];
      for (int k = 0; k < n_density; ++k) {
        const double w0 = prior.Weight(s, k, sen);
        out[k] = o.weight_prior > 0 && total > 0
                     ? static_cast<float>((o.weight_prior * w0 + stats.MixtureCount(sen, s, k)) / (o.weight_prior + total))
                     : static_cast<float>(w0);
      }
      double sum = 0;
      for (int k = 0; k < n_density; ++k) sum += out[k];
      double floored = 0;
      for (int k = 0; k < n_density; ++k) floored += (out[k] = std::max(static_cast<float>(out[k] / sum), o.weight_floor));
      for (int k = 0; k < n_density; ++k) out[k] = static_cast<float>(out[k] / floored);
    }
  return std::make_shared<const MixtureWeights>(
      MixtureWeights::FromLinear(n_stream, n_density, codebook_of_senone, w));
}

}  // namespace asr
