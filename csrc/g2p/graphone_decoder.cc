// GraphoneModel::Pronounce: beam search over the spelling, left to right
// (Decode), then the right-to-left model's rescoring of the n best.
//
// A hypothesis has consumed the first i letters with some graphone sequence;
// its n-gram state is all that matters for the future. Hypotheses at
// position i extend by every graphone spelled by the next 1..max_letters
// letters. Before a position is extended it is pruned: sorted by score,
// within beam_width of its best, at most `beam` of them, and at most nbest
// per n-gram state (one per state is exact Viterbi recombination; keeping
// nbest lets different pronunciations with the same recent history survive).
// At the end </s> is scored, paths are traced back, and equal phone strings
// are merged (keeping the best path's score).
#include <algorithm>
#include <cmath>
#include <future>
#include <limits>
#include <string>
#include <unordered_map>

#include "common/error.h"
#include "g2p/graphone_model.h"

namespace asr::g2p {

namespace {

struct Hypothesis {
  float score;
  lm::State state;
  uint64_t phones;     // hash of the phone sequence so far (not of its segmentation)
  int32_t prev;        // index into the arena, -1 for the start
  uint32_t candidate;  // graphone that led here
};

// Hypotheses with equal keys have equal futures and equal pronunciations.
struct MergeKey {
  lm::State state;
  uint64_t phones;
  bool operator==(const MergeKey& o) const { return state == o.state && phones == o.phones; }
};
struct MergeKeyHash {
  size_t operator()(const MergeKey& k) const { return lm::StateHash()(k.state) ^ (k.phones * 0x9E3779B97F4A7C15ull); }
};

inline float LogAdd(float a, float b) {
  const float hi = std::max(a, b), lo = std::min(a, b);
  return hi + std::log1p(std::exp(lo - hi));
}

constexpr float kUnspellablePenalty = 1000.f;  // nats

}  // namespace

void GraphoneModel::CheckSpelling(std::string_view spelling) const {
  if (spelling.empty()) throw InvalidArgument("cannot pronounce an empty spelling");
  if (spelling.size() > kMaxSpellingBytes)
    throw InvalidArgument("cannot pronounce a spelling of more than " + std::to_string(kMaxSpellingBytes) + " letters");
  for (unsigned char c : spelling)
    if (!IsLetter(c))
      throw InvalidArgument("'" + std::string(spelling) + "' has a character the G2P model does not know");
}

std::vector<ScoredPronunciation> GraphoneModel::Pronounce(std::string_view spelling,
                                                          const PronounceOptions& o) const {
  if (o.nbest < 1 || o.nbest > 1000) throw InvalidArgument("nbest must be from 1 to 1000");
  if (o.beam < 1 || o.beam > 100000) throw InvalidArgument("beam must be from 1 to 100000");
  if (!(o.beam_width > 0)) throw InvalidArgument("beam_width must be positive");
  if (o.rescore < 0 || o.rescore > 1000) throw InvalidArgument("rescore must be from 0 to 1000");
  CheckSpelling(spelling);
  if (reverse_ == nullptr || o.rescore == 0) return Decode(spelling, o);

  PronounceOptions wide = o;
  wide.nbest = std::max(o.nbest, o.rescore);
  std::vector<ScoredPronunciation> out = Decode(spelling, wide);
  const std::string reversed(spelling.rbegin(), spelling.rend());
  std::vector<std::string> phones;
  for (ScoredPronunciation& p : out) {
    phones.assign(p.phones.rbegin(), p.phones.rend());
    const float backward = reverse_->Score(reversed, phones, o.sum_segmentations);
    // A candidate the other direction cannot spell at all ranks last.
    p.log_prob = std::isfinite(backward) ? 0.5f * (p.log_prob + backward) : p.log_prob - kUnspellablePenalty;
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ScoredPronunciation& a, const ScoredPronunciation& b) { return a.log_prob > b.log_prob; });
  if (out.size() > static_cast<size_t>(o.nbest)) out.resize(o.nbest);
  return out;
}

std::vector<std::vector<ScoredPronunciation>> GraphoneModel::PronounceMany(const std::vector<std::string>& spellings,
                                                                           const PronounceOptions& o,
                                                                           int threads) const {
  if (threads < 1 || threads > 256) throw InvalidArgument("threads must be from 1 to 256");
  constexpr size_t kMinPerThread = 32;  // below this a thread costs more than it saves
  const size_t n = spellings.size();
  const size_t parts = std::max<size_t>(1, std::min<size_t>(threads, n / kMinPerThread));
  std::vector<std::vector<ScoredPronunciation>> out(n);
  const auto run = [&](size_t part) {
    for (size_t i = part; i < n; i += parts) out[i] = Pronounce(spellings[i], o);
  };
  std::vector<std::future<void>> helpers;
  for (size_t part = 1; part < parts; ++part) helpers.push_back(std::async(std::launch::async, run, part));
  std::exception_ptr error;
  try {
    run(0);
  } catch (...) {
    error = std::current_exception();
  }
  for (auto& h : helpers) {  // wait for all before rethrowing: they use `out`
    try {
      h.get();
    } catch (...) {
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  return out;
}

std::vector<ScoredPronunciation> GraphoneModel::Decode(std::string_view spelling, const PronounceOptions& o) const {
  const int L = static_cast<int>(spelling.size());

  // Candidate graphones per (position, spelling length).
  std::vector<Range> spans(static_cast<size_t>(L) * max_letters_);
  for (int i = 0; i < L; ++i)
    for (int k = 1; k <= max_letters_ && i + k <= L; ++k) {
      auto it = by_spelling_.find(std::string(spelling.substr(i, k)));
      if (it != by_spelling_.end()) spans[i * max_letters_ + k - 1] = it->second;
    }

  // Scratch kept per thread (cleared, capacity kept): a word's search is
  // small, so allocating these per call cost as much as the search.
  thread_local std::vector<Hypothesis> arena;
  thread_local std::vector<std::vector<int32_t>> at;
  thread_local std::unordered_map<lm::State, int, lm::StateHash> per_state;
  thread_local std::unordered_map<MergeKey, int32_t, MergeKeyHash> merged;
  arena.clear();
  if (at.size() < static_cast<size_t>(L + 1)) at.resize(L + 1);
  for (int i = 0; i <= L; ++i) at[i].clear();
  arena.push_back({0.f, lm_->BeginState(), 0, -1, 0});
  at[0].push_back(0);
  const auto by_score = [&](int32_t a, int32_t b) { return arena[a].score > arena[b].score; };
  const size_t beam = std::max<size_t>(o.beam, 4 * static_cast<size_t>(o.nbest));

  for (int i = 0; i <= L; ++i) {
    std::vector<int32_t>& here = at[i];
    std::sort(here.begin(), here.end(), by_score);
    per_state.clear();
    merged.clear();
    size_t kept = 0;
    const float floor = here.empty() ? 0.f : arena[here[0]].score - o.beam_width;
    for (size_t h = 0; h < here.size() && kept < beam; ++h) {
      const Hypothesis& x = arena[here[h]];
      if (x.score < floor) break;
      if (o.sum_segmentations) {
        auto [it, fresh] = merged.emplace(MergeKey{x.state, x.phones}, here[h]);
        if (!fresh) {  // same future, same pronunciation: one hypothesis
          arena[it->second].score = LogAdd(arena[it->second].score, x.score);
          continue;
        }
      }
      if (++per_state[x.state] > o.nbest) continue;
      here[kept++] = here[h];
    }
    here.resize(kept);
    if (i == L) break;
    for (int32_t h : here) {
      for (int k = 1; k <= max_letters_ && i + k <= L; ++k) {
        const Range r = spans[i * max_letters_ + k - 1];
        for (uint32_t c = r.begin; c < r.end; ++c) {
          Hypothesis next;
          next.score = arena[h].score + lm_->Score(arena[h].state, candidates_[c].word, &next.state);
          next.phones = arena[h].phones;
          const Candidate& cand = candidates_[c];
          for (uint32_t q = 0; q < cand.phone_count; ++q)
            next.phones = next.phones * 0x100000001B3ull + phones_[cand.phone_begin + q] + 1;
          next.prev = h;
          next.candidate = c;
          at[i + k].push_back(static_cast<int32_t>(arena.size()));
          arena.push_back(next);
        }
      }
    }
  }

  // Finish, trace back, merge equal phone strings.
  std::unordered_map<std::string, size_t> seen;
  std::vector<ScoredPronunciation> out;
  std::vector<uint32_t> path;
  for (int32_t h : at[L]) {
    const float score = arena[h].score + lm_->Final(arena[h].state);
    path.clear();
    for (int32_t x = h; arena[x].prev >= 0; x = arena[x].prev) path.push_back(arena[x].candidate);
    if (path.empty()) continue;
    ScoredPronunciation p;
    p.log_prob = score;
    std::string key;
    for (size_t j = path.size(); j-- > 0;) {
      const Candidate& c = candidates_[path[j]];
      for (uint32_t q = 0; q < c.phone_count; ++q) {
        const std::string& name = phone_names_[phones_[c.phone_begin + q]];
        p.phones.push_back(name);
        key += name;
        key += ' ';
      }
    }
    if (p.phones.empty()) continue;  // every letter silent: not a pronunciation
    auto [it, fresh] = seen.emplace(key, out.size());
    if (fresh) {
      out.push_back(std::move(p));
    } else {
      float& kept = out[it->second].log_prob;
      kept = o.sum_segmentations ? LogAdd(kept, score) : std::max(kept, score);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ScoredPronunciation& a, const ScoredPronunciation& b) { return a.log_prob > b.log_prob; });
  if (out.size() > static_cast<size_t>(o.nbest)) out.resize(o.nbest);
  return out;
}

// Score: the same lattice as Decode, restricted to graphones whose phones
// continue the given pronunciation, searched exhaustively. A cell (i, j) holds,
// per n-gram state, the segmentations that spell i letters with j phones;
// letters always advance, so cells are complete when visited in order of i.
float GraphoneModel::Score(std::string_view spelling, const std::vector<std::string>& phones,
                           bool sum_segmentations) const {
  CheckSpelling(spelling);
  constexpr float kNone = -std::numeric_limits<float>::infinity();
  std::vector<uint16_t> target;
  target.reserve(phones.size());
  for (const std::string& name : phones) {  // phone_names_ is sorted
    auto it = std::lower_bound(phone_names_.begin(), phone_names_.end(), name);
    if (it == phone_names_.end() || *it != name) return kNone;
    target.push_back(static_cast<uint16_t>(it - phone_names_.begin()));
  }
  const int L = static_cast<int>(spelling.size()), P = static_cast<int>(target.size());
  // Candidate graphones per (position, spelling length), looked up once (not per phone position).
  std::vector<Range> spans(static_cast<size_t>(L) * max_letters_);
  for (int i = 0; i < L; ++i)
    for (int k = 1; k <= max_letters_ && i + k <= L; ++k) {
      auto it = by_spelling_.find(std::string(spelling.substr(i, k)));
      if (it != by_spelling_.end()) spans[i * max_letters_ + k - 1] = it->second;
    }
  // A cell holds few n-gram states (the segmentations' distinct histories),
  // so a vector searched linearly beats a hash map, and the cells are kept
  // per thread: rescoring calls this for every candidate of every word, and
  // allocating (L+1)(P+1) maps per call was most of its cost.
  struct Entry {
    lm::State state;
    float score;
  };
  thread_local std::vector<std::vector<Entry>> cells;
  const size_t n_cells = static_cast<size_t>(L + 1) * (P + 1);
  if (cells.size() < n_cells) cells.resize(n_cells);
  for (size_t c = 0; c < n_cells; ++c) cells[c].clear();
  const auto cell = [&](int i, int j) -> std::vector<Entry>& { return cells[static_cast<size_t>(i) * (P + 1) + j]; };
  const auto combine = [&](float a, float b) { return sum_segmentations ? LogAdd(a, b) : std::max(a, b); };
  cell(0, 0).push_back({lm_->BeginState(), 0.f});
  for (int i = 0; i < L; ++i)
    for (int j = 0; j <= P; ++j) {
      const std::vector<Entry>& here = cell(i, j);  // never `there`: letters advance
      if (here.empty()) continue;
      for (int k = 1; k <= max_letters_ && i + k <= L; ++k) {
        const Range r = spans[i * max_letters_ + k - 1];
        for (uint32_t c = r.begin; c < r.end; ++c) {
          const Candidate& cand = candidates_[c];
          if (j + static_cast<int>(cand.phone_count) > P) continue;
          const auto first = phones_.begin() + cand.phone_begin;
          if (!std::equal(first, first + cand.phone_count, target.begin() + j)) continue;
          std::vector<Entry>& there = cell(i + k, j + static_cast<int>(cand.phone_count));
          for (const Entry& e : here) {
            lm::State next;
            const float s = e.score + lm_->Score(e.state, cand.word, &next);
            auto it = std::find_if(there.begin(), there.end(), [&](const Entry& x) { return x.state == next; });
            if (it == there.end()) {
              there.push_back({next, s});
            } else {
              it->score = combine(it->score, s);
            }
          }
        }
      }
    }
  float total = kNone;
  for (const Entry& e : cell(L, P)) {
    const float s = e.score + lm_->Final(e.state);
    total = total == kNone ? s : combine(total, s);
  }
  return total;
}

}  // namespace asr::g2p
