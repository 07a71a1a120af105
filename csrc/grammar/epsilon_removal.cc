#include "grammar/epsilon_removal.h"

#include <cmath>
#include <deque>

namespace asr::grammar {

namespace {

constexpr double kConverged = 1e-12;  // log-domain change considered "no change"

// Epsilon-closure distances from one source, reusing buffers across sources.
class Closure {
 public:
  explicit Closure(uint32_t n) : dist_(n, kLogZero), resid_(n, kLogZero), queued_(n, 0) {}

  // Fills members() with the closure of `src` and dist(r) with the log of the
  // summed probability of epsilon paths src ->* r. Returns false if the sum
  // did not converge and the best-path fallback was used.
  bool Compute(const WeightedAutomaton& fsa, uint32_t src) {
    Reset();
    relaxations_ = 0;
    const bool summed = SumPaths(fsa, src);
    fsa.limits()->Tick(relaxations_);
    if (summed) return true;
    Reset();
    relaxations_ = 0;
    BestPaths(fsa, src);
    fsa.limits()->Tick(relaxations_);
    return false;
  }

  const std::vector<uint32_t>& members() const { return members_; }
  double dist(uint32_t s) const { return dist_[s]; }

 private:
  void Reset() {
    for (uint32_t s : members_) {
      dist_[s] = kLogZero;
      resid_[s] = kLogZero;
      queued_[s] = 0;
    }
    members_.clear();
    queue_.clear();
  }

  void Touch(uint32_t s) {
    if (dist_[s] == kLogZero && resid_[s] == kLogZero && !queued_[s]) members_.push_back(s);
  }

  // Mohri's generic single-source shortest distance with residuals.
  bool SumPaths(const WeightedAutomaton& fsa, uint32_t src) {
    Touch(src);
    dist_[src] = 0.0;
    resid_[src] = 0.0;
    queue_.push_back(src);
    queued_[src] = 1;
    uint64_t budget = 0;
    while (!queue_.empty()) {
      uint32_t s = queue_.front();
      queue_.pop_front();
      queued_[s] = 0;
      const double r = resid_[s];
      resid_[s] = kLogZero;
      for (const WeightedArc& a : fsa.arcs(s)) {
        if (a.label != kEpsilon) continue;
        ++relaxations_;
        if (++budget > kBudgetBase + 64ull * members_.size() * members_.size()) return false;
        const double add = r + a.weight;
        Touch(a.next);
        const double old = dist_[a.next];
        const double upd = LogAdd(old, add);
        if (old == kLogZero || upd - old > kConverged) {
          dist_[a.next] = upd;
          resid_[a.next] = LogAdd(resid_[a.next], add);
          if (!queued_[a.next]) {
            queued_[a.next] = 1;
            queue_.push_back(a.next);
          }
        }
      }
    }
    return true;
  }

  // Label-correcting max-product paths; terminates because no epsilon cycle
  // has positive log weight.
  void BestPaths(const WeightedAutomaton& fsa, uint32_t src) {
    Touch(src);
    dist_[src] = 0.0;
    queue_.push_back(src);
    queued_[src] = 1;
    while (!queue_.empty()) {
      uint32_t s = queue_.front();
      queue_.pop_front();
      queued_[s] = 0;
      for (const WeightedArc& a : fsa.arcs(s)) {
        if (a.label != kEpsilon) continue;
        ++relaxations_;
        const double cand = dist_[s] + a.weight;
        Touch(a.next);
        if (cand > dist_[a.next] + kConverged || dist_[a.next] == kLogZero) {
          dist_[a.next] = cand;
          if (!queued_[a.next]) {
            queued_[a.next] = 1;
            queue_.push_back(a.next);
          }
        }
      }
    }
  }

  static constexpr uint64_t kBudgetBase = 100000;
  uint64_t relaxations_ = 0;  // epsilon arcs followed: the work the limits count
  std::vector<double> dist_, resid_;
  std::vector<char> queued_;
  std::vector<uint32_t> members_;
  std::deque<uint32_t> queue_;
};

}  // namespace

EpsilonRemovalStats RemoveEpsilons(WeightedAutomaton* fsa) {
  EpsilonRemovalStats stats;
  const uint32_t n = fsa->num_states();
  // States that survive: the start and the targets of word arcs.
  std::vector<uint32_t> map(n, kEpsilon);
  WeightedAutomaton out(fsa->limits());
  map[fsa->start()] = out.AddState();
  out.SetStart(map[fsa->start()]);
  for (uint32_t s = 0; s < n; ++s)
    for (const WeightedArc& a : fsa->arcs(s))
      if (a.label != kEpsilon && map[a.next] == kEpsilon) map[a.next] = out.AddState();

  Closure closure(n);
  for (uint32_t s = 0; s < n; ++s) {
    if (map[s] == kEpsilon) continue;
    if (!closure.Compute(*fsa, s)) ++stats.viterbi_closures;
    fsa->limits()->Tick(closure.members().size());
    double fin = kLogZero;
    for (uint32_t r : closure.members()) {
      const double d = closure.dist(r);
      if (d == kLogZero) continue;
      fin = LogAdd(fin, d + fsa->final_weight(r));
      fsa->limits()->Tick(fsa->arcs(r).size());
      for (const WeightedArc& a : fsa->arcs(r))
        if (a.label != kEpsilon) out.AddArc(map[s], a.label, d + a.weight, map[a.next]);
    }
    out.SetFinal(map[s], fin);
  }
  out.SortAndMergeArcs();
  out.Connect();
  *fsa = std::move(out);
  return stats;
}

}  // namespace asr::grammar
