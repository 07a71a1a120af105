#include "diarization/speaker_diarizer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "common/error.h"
#include "diarization/gaussian_stats.h"

namespace asr {

namespace {

constexpr double kLog2Pi = 1.8378770664093453;

struct Segment {
  int begin, end;  // frames [begin, end), all inside one speech region
  int region;
};

// A full-covariance Gaussian ready to score frames: mean, Cholesky factor
// of the (floored) covariance and the normaliser.
struct FrameGaussian {
  std::vector<double> mean, chol;
  double log_norm = 0.0;

  FrameGaussian(const GaussianStats& s, const std::vector<double>& floor) {
    const int d = s.dim();
    s.MeanCovariance(floor, &mean, &chol);
    if (!Cholesky(&chol, d)) {  // cannot happen with a positive floor; stay finite anyway
      chol.assign(static_cast<size_t>(d) * d, 0.0);
      for (int i = 0; i < d; ++i) chol[static_cast<size_t>(i) * d + i] = std::sqrt(floor[i]);
    }
    double log_det = 0.0;
    for (int i = 0; i < d; ++i) log_det += 2.0 * std::log(chol[static_cast<size_t>(i) * d + i]);
    log_norm = -0.5 * (d * kLog2Pi + log_det);
  }

  double LogLikelihood(const float* x, std::vector<double>* z) const {
    const int d = static_cast<int>(mean.size());
    double q = 0.0;
    for (int i = 0; i < d; ++i) {  // forward substitution L z = x - mean
      double v = x[i] - mean[i];
      for (int k = 0; k < i; ++k) v -= chol[static_cast<size_t>(i) * d + k] * (*z)[k];
      (*z)[i] = v / chol[static_cast<size_t>(i) * d + i];
      q += (*z)[i] * (*z)[i];
    }
    return log_norm - 0.5 * q;
  }
};

void CheckOptions(const SpeakerDiarizerOptions& o) {
  if (o.change_window < 2) throw InvalidArgument("diarization change_window must be at least 2 frames");
  if (o.change_step < 1) throw InvalidArgument("diarization change_step must be at least 1 frame");
  if (o.min_segment < 1) throw InvalidArgument("diarization min_segment must be at least 1 frame");
  if (o.min_speakers < 1 || o.max_speakers < o.min_speakers)
    throw InvalidArgument("diarization needs 1 <= min_speakers <= max_speakers");
  if (o.resegment_iterations < 0) throw InvalidArgument("diarization resegment_iterations must not be negative");
  for (float v : {o.change_penalty, o.cluster_penalty, o.switch_penalty, o.pause_switch_penalty})
    if (!std::isfinite(v) || v < 0.0f) throw InvalidArgument("diarization penalties must be finite and non-negative");
  if (!std::isfinite(o.variance_floor) || !(o.variance_floor > 0.0f))
    throw InvalidArgument("diarization variance_floor must be positive");
}

// Speaker changes inside frames [b, e) of one region: peaks of dBIC between
// the windows either side of each candidate point, at least min_segment
// apart and from the region's ends.
std::vector<int> ChangePoints(const float* x, int dim, int b, int e, const std::vector<double>& floor,
                              const SpeakerDiarizerOptions& o) {
  std::vector<int> changes;
  const int m = o.min_segment, w = o.change_window;
  if (e - b < 2 * m) return changes;
  std::vector<std::pair<double, int>> peaks;
  std::vector<double> score;
  std::vector<int> at;
  for (int t = b + m; t <= e - m; t += o.change_step) {
    GaussianStats left(dim), right(dim);
    for (int f = std::max(b, t - w); f < t; ++f) left.Add(x + static_cast<size_t>(f) * dim);
    for (int f = t; f < std::min(e, t + w); ++f) right.Add(x + static_cast<size_t>(f) * dim);
    score.push_back(DeltaBic(left, right, floor, o.change_penalty));
    at.push_back(t);
  }
  for (size_t i = 0; i < score.size(); ++i)
    if (score[i] > 0.0) peaks.emplace_back(score[i], at[i]);
  std::sort(peaks.begin(), peaks.end(), [](const auto& a, const auto& c) { return a.first > c.first; });
  for (const auto& p : peaks) {
    bool far = true;
    for (int c : changes) far = far && std::abs(c - p.second) >= m;
    if (far) changes.push_back(p.second);
  }
  std::sort(changes.begin(), changes.end());
  return changes;
}

}  // namespace

SpeakerDiarizer::SpeakerDiarizer(const SpeakerDiarizerOptions& options) : options_(options) {
  CheckOptions(options_);
}

Diarization SpeakerDiarizer::Run(const float* x, int n_frames, int dim, const uint8_t* speech) const {
  if (n_frames < 0 || dim < 1) throw InvalidArgument("diarization needs a frames x dim feature matrix");
  const SpeakerDiarizerOptions& o = options_;
  for (size_t i = 0; i < static_cast<size_t>(n_frames) * dim; ++i)
    if (!std::isfinite(x[i])) throw InvalidArgument("features contain NaN or infinity");
  Diarization out;
  out.speaker.assign(n_frames, -1);

  // Regions of speech and the recording's variance (for the floor).
  std::vector<std::pair<int, int>> regions;
  GaussianStats all(dim);
  for (int f = 0; f < n_frames; ++f) {
    if (!speech[f]) continue;
    all.Add(x + static_cast<size_t>(f) * dim);
    if (regions.empty() || regions.back().second != f) regions.emplace_back(f, f + 1);
    else regions.back().second = f + 1;
  }
  if (regions.empty()) return out;
  std::vector<double> floor(dim, 1e-6), mean, cov;
  all.MeanCovariance(floor, &mean, &cov);
  for (int i = 0; i < dim; ++i) floor[i] = std::max(1e-6, o.variance_floor * cov[static_cast<size_t>(i) * dim + i]);

  // Segments: regions cut at speaker changes.
  std::vector<Segment> segments;
  for (int r = 0; r < static_cast<int>(regions.size()); ++r) {
    int begin = regions[r].first;
    for (int c : ChangePoints(x, dim, regions[r].first, regions[r].second, floor, o)) {
      segments.push_back({begin, c, r});
      out.change_points.push_back(c);
      begin = c;
    }
    segments.push_back({begin, regions[r].second, r});
  }

  // Agglomerative clustering on dBIC.
  std::vector<GaussianStats> cluster;
  std::vector<int> owner(segments.size());
  for (size_t s = 0; s < segments.size(); ++s) {
    GaussianStats g(dim);
    for (int f = segments[s].begin; f < segments[s].end; ++f) g.Add(x + static_cast<size_t>(f) * dim);
    cluster.push_back(std::move(g));
    owner[s] = static_cast<int>(s);
  }
  const int n0 = static_cast<int>(cluster.size());
  std::vector<double> log_det(n0);
  for (int i = 0; i < n0; ++i) log_det[i] = cluster[i].LogDet(floor);
  std::vector<char> alive(n0, 1);
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> dist(static_cast<size_t>(n0) * n0, inf);
  auto pair_bic = [&](int i, int j) {
    GaussianStats u = cluster[i];
    u.Add(cluster[j]);
    const double n = u.count();
    return 0.5 * (n * u.LogDet(floor) - cluster[i].count() * log_det[i] - cluster[j].count() * log_det[j]) -
           o.cluster_penalty * BicPenalty(dim, n);
  };
  for (int i = 0; i < n0; ++i)
    for (int j = i + 1; j < n0; ++j) dist[static_cast<size_t>(i) * n0 + j] = pair_bic(i, j);
  int n_alive = n0;
  while (n_alive > o.min_speakers) {
    double best = inf;
    int bi = -1, bj = -1;
    for (int i = 0; i < n0; ++i) {
      if (!alive[i]) continue;
      for (int j = i + 1; j < n0; ++j)
        if (alive[j] && dist[static_cast<size_t>(i) * n0 + j] < best) {
          best = dist[static_cast<size_t>(i) * n0 + j];
          bi = i;
          bj = j;
        }
    }
    if (bi < 0 || (best >= 0.0 && n_alive <= o.max_speakers)) break;
    cluster[bi].Add(cluster[bj]);
    log_det[bi] = cluster[bi].LogDet(floor);
    alive[bj] = 0;
    --n_alive;
    for (int& w : owner)
      if (w == bj) w = bi;
    for (int k = 0; k < n0; ++k) {
      if (!alive[k] || k == bi) continue;
      const int a = std::min(k, bi), c = std::max(k, bi);
      dist[static_cast<size_t>(a) * n0 + c] = pair_bic(a, c);
    }
  }
  // Dense speaker ids.
  std::vector<int> id(n0, -1);
  int k_count = 0;
  for (int i = 0; i < n0; ++i)
    if (alive[i]) id[i] = k_count++;
  for (size_t s = 0; s < segments.size(); ++s)
    for (int f = segments[s].begin; f < segments[s].end; ++f) out.speaker[f] = id[owner[s]];

  // Viterbi resegmentation over the speech frames.
  std::vector<int> frames;
  for (int f = 0; f < n_frames; ++f)
    if (speech[f]) frames.push_back(f);
  const int T = static_cast<int>(frames.size());
  std::vector<double> z(dim);
  std::vector<float> ll;
  auto score_frames = [&](int K) {
    std::vector<GaussianStats> stats(K, GaussianStats(dim));
    for (int f : frames) stats[out.speaker[f]].Add(x + static_cast<size_t>(f) * dim);
    std::vector<FrameGaussian> g;
    for (int k = 0; k < K; ++k) g.emplace_back(stats[k], floor);
    ll.assign(static_cast<size_t>(T) * K, 0.0f);
    for (int t = 0; t < T; ++t)
      for (int k = 0; k < K; ++k)
        ll[static_cast<size_t>(t) * K + k] =
            static_cast<float>(g[k].LogLikelihood(x + static_cast<size_t>(frames[t]) * dim, &z));
  };
  int K = k_count;
  for (int it = 0; it < o.resegment_iterations && K > 1; ++it) {
    score_frames(K);
    std::vector<double> delta(K), next(K);
    std::vector<int> back(static_cast<size_t>(T) * K);
    for (int k = 0; k < K; ++k) delta[k] = ll[k];
    for (int t = 1; t < T; ++t) {
      const double pen = frames[t] == frames[t - 1] + 1 ? o.switch_penalty : o.pause_switch_penalty;
      const int best_prev = static_cast<int>(std::max_element(delta.begin(), delta.end()) - delta.begin());
      for (int k = 0; k < K; ++k) {
        const double stay = delta[k], jump = delta[best_prev] - pen;
        const bool from_best = jump > stay;
        next[k] = (from_best ? jump : stay) + ll[static_cast<size_t>(t) * K + k];
        back[static_cast<size_t>(t) * K + k] = from_best ? best_prev : k;
      }
      std::swap(delta, next);
    }
    int k = static_cast<int>(std::max_element(delta.begin(), delta.end()) - delta.begin());
    for (int t = T - 1; t >= 0; --t) {
      out.speaker[frames[t]] = k;
      k = back[static_cast<size_t>(t) * K + k];
    }
    // Drop speakers that lost every frame.
    std::vector<int> remap(K, -1);
    int kept = 0;
    for (int f : frames)
      if (remap[out.speaker[f]] < 0) remap[out.speaker[f]] = kept++;
    for (int f : frames) out.speaker[f] = remap[out.speaker[f]];
    K = kept;
  }
  // Number speakers by first appearance; final per-frame log-likelihoods.
  std::vector<int> order(K, -1);
  int next_id = 0;
  for (int f : frames)
    if (order[out.speaker[f]] < 0) order[out.speaker[f]] = next_id++;
  for (int f : frames) out.speaker[f] = order[out.speaker[f]];
  out.n_speakers = K;
  score_frames(K);
  out.loglik.assign(static_cast<size_t>(n_frames) * K, 0.0f);
  for (int t = 0; t < T; ++t)
    for (int k = 0; k < K; ++k)
      out.loglik[static_cast<size_t>(frames[t]) * K + k] = ll[static_cast<size_t>(t) * K + k];
  return out;
}

}  // namespace asr
