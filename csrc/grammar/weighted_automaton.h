// The mutable weighted automaton the grammar compiler works on between
// expansion and the final immutable GrammarFsa.
//
// Weights are natural-log probabilities (the log semiring: "plus" is
// log-add, "times" is +, zero is -inf, one is 0), kept in double while
// compiling so that repeated epsilon sums and pushing do not drift.
// Every state/arc addition checks the size limits, so no construction step
// can exhaust memory on a hostile grammar: it throws InvalidArgument instead.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace asr::grammar {

inline constexpr uint32_t kEpsilon = 0xFFFFFFFFu;  // arc label consuming no word
inline constexpr double kLogZero = -std::numeric_limits<double>::infinity();

inline double LogAdd(double a, double b) {
  if (a == kLogZero) return b;
  if (b == kLogZero) return a;
  return a > b ? a + std::log1p(std::exp(b - a)) : b + std::log1p(std::exp(a - b));
}

struct WeightedArc {
  uint32_t label;  // word id in the RuleSet's word table (+ reserved offset), or kEpsilon
  double weight;   // ln P
  uint32_t next;
};

// Bounds shared by every compilation stage; exceeding one throws
// InvalidArgument naming the limit, so callers can raise it knowingly.
struct AutomatonLimits {
  uint64_t max_states = 0;
  uint64_t max_arcs = 0;
  uint64_t max_work = UINT64_MAX;  // total Tick units over all stages
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::string what;  // the stage name used in messages

  void CheckTime() const;
  // Counts units of work: past max_work it throws (a deterministic budget,
  // the same on a loaded machine), and every ~million units it checks the
  // deadline, so a stage doing much work per state still stops on time.
  void Tick(uint64_t units) const {
    work_ += units;
    total_work_ += units;
    if (total_work_ > max_work) FailWork();
    if (work_ >= (uint64_t{1} << 20)) {
      work_ = 0;
      CheckTime();
    }
  }
  uint64_t total_work() const { return total_work_; }

 private:
  [[noreturn]] void FailWork() const;
  mutable uint64_t work_ = 0;
  mutable uint64_t total_work_ = 0;
};

class WeightedAutomaton {
 public:
  explicit WeightedAutomaton(const AutomatonLimits* limits) : limits_(limits) {}

  uint32_t AddState();
  void AddArc(uint32_t from, uint32_t label, double weight, uint32_t next);
  void SetFinal(uint32_t s, double w) { final_[s] = w; }
  void SetStart(uint32_t s) { start_ = s; }

  uint32_t start() const { return start_; }
  uint32_t num_states() const { return static_cast<uint32_t>(arcs_.size()); }
  uint64_t num_arcs() const { return num_arcs_; }
  double final_weight(uint32_t s) const { return final_[s]; }
  const std::vector<WeightedArc>& arcs(uint32_t s) const { return arcs_[s]; }
  std::vector<WeightedArc>& mutable_arcs(uint32_t s) { return arcs_[s]; }
  void RecountArcs();
  const AutomatonLimits* limits() const { return limits_; }

  // Drops states that are not on a path from the start to a final state and
  // renumbers the rest (start becomes 0). An automaton with an empty
  // language ends up with the start state alone.
  void Connect();

  // Sorts each state's arcs by (label, next) and merges duplicates by log-add.
  void SortAndMergeArcs();

 private:
  const AutomatonLimits* limits_;
  std::vector<std::vector<WeightedArc>> arcs_;
  std::vector<double> final_;
  uint32_t start_ = 0;
  uint64_t num_arcs_ = 0;
};

}  // namespace asr::grammar
