// GraphoneModel::Pronounce: beam search over the spelling, left to right.
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
#include <string>
#include <unordered_map>

#include "common/error.h"
#include "g2p/graphone_model.h"

namespace asr::g2p {

namespace {

struct Hypothesis {
  float score;
  lm::State state;
  int32_t prev;       // index into the arena, -1 for the start
  uint32_t candidate; // graphone that led here
};

}  // namespace

std::vector<ScoredPronunciation> GraphoneModel::Pronounce(std::string_view spelling,
                                                          const PronounceOptions& o) const {
  if (spelling.empty()) throw InvalidArgument("cannot pronounce an empty spelling");
  if (spelling.size() > kMaxSpellingBytes)
    throw InvalidArgument("cannot pronounce a spelling of more than " + std::to_string(kMaxSpellingBytes) + " letters");
  if (o.nbest < 1 || o.nbest > 1000) throw InvalidArgument("nbest must be from 1 to 1000");
  if (o.beam < 1 || o.beam > 100000) throw InvalidArgument("beam must be from 1 to 100000");
  if (!(o.beam_width > 0)) throw InvalidArgument("beam_width must be positive");
  for (unsigned char c : spelling)
    if (!IsLetter(c))
      throw InvalidArgument("'" + std::string(spelling) + "' has a character the G2P model does not know");
  const int L = static_cast<int>(spelling.size());

  // Candidate graphones per (position, spelling length).
  std::vector<Range> spans(static_cast<size_t>(L) * max_letters_);
  for (int i = 0; i < L; ++i)
    for (int k = 1; k <= max_letters_ && i + k <= L; ++k) {
      auto it = by_spelling_.find(std::string(spelling.substr(i, k)));
      if (it != by_spelling_.end()) spans[i * max_letters_ + k - 1] = it->second;
    }

  std::vector<Hypothesis> arena;
  std::vector<std::vector<int32_t>> at(L + 1);
  arena.push_back({0.f, lm_->BeginState(), -1, 0});
  at[0].push_back(0);
  std::unordered_map<lm::State, int, lm::StateHash> per_state;
  const auto by_score = [&](int32_t a, int32_t b) { return arena[a].score > arena[b].score; };

  for (int i = 0; i <= L; ++i) {
    std::vector<int32_t>& here = at[i];
    std::sort(here.begin(), here.end(), by_score);
    per_state.clear();
    size_t kept = 0;
    for (size_t h = 0; h < here.size() && kept < static_cast<size_t>(o.beam); ++h) {
      const Hypothesis& x = arena[here[h]];
      if (x.score < arena[here[0]].score - o.beam_width) break;
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
    } else if (score > out[it->second].log_prob) {
      out[it->second].log_prob = score;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ScoredPronunciation& a, const ScoredPronunciation& b) { return a.log_prob > b.log_prob; });
  if (out.size() > static_cast<size_t>(o.nbest)) out.resize(o.nbest);
  return out;
}

}  // namespace asr::g2p
