#include "search/flat_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "am/mdef.h"
#include "am/transition_matrices.h"
#include "common/error.h"

namespace asr {

namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();
}  // namespace

FlatSearch::FlatSearch(const LexiconTree& tree, const SearchVocabulary& vocab, const Mdef& mdef,
                       const TransitionMatrices& tmat, const lm::WordSequenceModel& lm, const SearchOptions& o)
    : tree_(tree), vocab_(vocab), mdef_(mdef), tmat_(tmat), lm_(lm), lm_cache_(lm), opts_(o) {
  beam_ = LogWidth(o.fwdflat_beam, "fwdflat_beam");
  word_beam_ = LogWidth(o.fwdflat_word_beam, "fwdflat_word_beam");
  if (!(o.fwdflat_language_weight > 0)) throw InvalidArgument("fwdflat_language_weight must be positive");
  lw_ = static_cast<float>(o.fwdflat_language_weight);
  if (!(o.word_insertion_penalty > 0)) throw InvalidArgument("word_insertion_penalty must be positive");
  log_wip_ = static_cast<float>(std::log(o.word_insertion_penalty));
  sil_pen_ = -LogWidth(o.silence_probability, "silence_probability");
  fill_pen_ = -LogWidth(o.filler_probability, "filler_probability");
  if (o.fwdflat_window < 1) throw InvalidArgument("fwdflat_window must be at least 1 frame");
  if (o.fwdflat_min_end_frames < 0) throw InvalidArgument("fwdflat_min_end_frames must be >= 0");
  n_state_ = tmat.n_state();
  BuildWordPaths();
  slot_of_.assign(vocab.size(), -1);
  table_.num_phones = tree_.num_phones();
}

bool FlatSearch::Supports(const SearchVocabulary& vocab) {
  if (vocab.num_classes() != 1) return false;
  for (const SearchWord& w : vocab.words())
    if (w.garbage) return false;
  return true;
}

void FlatSearch::BuildWordPaths() {
  // The flattened tree lists children only; recover parents to walk each
  // word's end node back to its root.
  std::vector<int32_t> parent(tree_.num_nodes(), -1);
  for (int n = 0; n < tree_.num_nodes(); ++n) {
    const TreeNode& t = tree_.node(n);
    for (int c = t.first_child; c < t.first_child + t.num_children; ++c) parent[c] = n;
  }
  std::vector<int32_t> end_node(vocab_.size(), -1);
  for (int n = 0; n < tree_.num_nodes(); ++n) {
    const TreeNode& t = tree_.node(n);
    for (int k = t.words_begin; k < t.words_end; ++k) end_node[tree_.WordList()[k]] = n;
  }
  path_begin_.assign(vocab_.size() + 1, 0);
  std::vector<int32_t> chain;
  for (int w = 0; w < vocab_.size(); ++w) {
    path_begin_[w] = static_cast<int32_t>(path_nodes_.size());
    chain.clear();
    for (int n = end_node[w]; n >= 0; n = parent[n]) chain.push_back(n);
    path_nodes_.insert(path_nodes_.end(), chain.rbegin(), chain.rend());
    if (vocab_.word(w).filler && !chain.empty()) fillers_.push_back(w);
  }
  path_begin_[vocab_.size()] = static_cast<int32_t>(path_nodes_.size());
}

int FlatSearch::AddWord(int w) {
  if (slot_of_[w] >= 0) return slot_of_[w];
  const int index = static_cast<int>(words_.size());
  Word word;
  word.word = w;
  word.first_phone = vocab_.word(w).filler ? tree_.silence_phone() : vocab_.word(w).phones.front();
  word.lm_id = vocab_.word(w).lm_id;
  for (int k = path_begin_[w]; k < path_begin_[w + 1]; ++k) {
    const int node = path_nodes_[k];
    const TreeNode& n = tree_.node(node);
    word.position.push_back(static_cast<int32_t>(hmms_.size()));
    const int count = std::max(1, n.num_variants());
    for (int v = 0; v < count; ++v) {
      Hmm h;
      h.node = node;
      h.variant = n.num_variants() > 0 ? n.variant_begin + v : -1;
      h.word = index;
      h.position = static_cast<int32_t>(word.position.size()) - 1;
      h.mark = -2;
      Clear(h);
      hmms_.push_back(h);
    }
  }
  word.position.push_back(static_cast<int32_t>(hmms_.size()));
  words_.push_back(std::move(word));
  slot_of_[w] = index;
  return index;
}

void FlatSearch::Clear(Hmm& h) { h.Reset(); }

void FlatSearch::StartUtterance(const WordExitTable& first, int num_frames) {
  for (const Word& w : words_) slot_of_[w.word] = -1;
  words_.clear();
  hmms_.clear();
  active_.clear();
  next_.clear();
  table_.exits.clear();
  table_.rc_scores.clear();
  table_.frame_begin.clear();
  table_.frame_offset.clear();
  num_frames_ = num_frames;
  frame_ = 0;
  hmm_evals_ = 0;
  // (start frame, word) -> first and last end frame in the first pass; a
  // start with too few end frames is a passing guess of the tree, not a word.
  std::unordered_map<int64_t, std::pair<int32_t, int32_t>> spans;
  for (size_t e = 1; e < first.exits.size(); ++e) {
    const WordExit& x = first.exits[e];
    if (x.word < 0 || vocab_.word(x.word).hidden() || x.frame >= num_frames) continue;
    const int64_t sf = first.exits[x.prev].frame + 1;
    const int64_t key = sf * vocab_.size() + x.word;
    auto [it, fresh] = spans.emplace(key, std::make_pair(x.frame, x.frame));
    if (!fresh) {
      it->second.first = std::min(it->second.first, x.frame);
      it->second.second = std::max(it->second.second, x.frame);
    }
  }
  starts_.assign(num_frames + 1, {});
  for (const auto& [key, span] : spans) {
    if (span.second - span.first < opts_.fwdflat_min_end_frames) continue;
    const int sf = static_cast<int>(key / vocab_.size());
    starts_[sf].push_back(AddWord(static_cast<int>(key % vocab_.size())));
  }
  // Deterministic order whatever the hash map's.
  for (auto& s : starts_) std::sort(s.begin(), s.end());
  for (int w : fillers_) AddWord(w);
  expand_mark_.assign(words_.size(), -2);
  expand_.assign(tree_.num_phones(), {});
  expand_phones_.clear();
  exit_of_.assign(words_.size(), -1);

  WordExit start;
  start.frame = -1;
  start.word = -1;
  start.prev = -1;
  start.score = 0.0f;
  start.lm_state = lm_.BeginState();
  start.last_phone = static_cast<int16_t>(tree_.silence_phone());
  start.rc_offset = 0;
  table_.exits.push_back(start);
  table_.rc_scores.assign(table_.num_phones, 0.0f);
  table_.frame_begin.push_back(1);
  // Words starting at frame 0, entered from the utterance start.
  listing_ = 0;
  WordTransitions(-1, 0, 1, -beam_);
  active_.swap(next_);
  next_.clear();
}

const uint16_t* FlatSearch::Senones(const Hmm& h, int lc) const {
  const TreeNode& n = tree_.node(h.node);
  if (h.variant >= 0) {
    const FanoutVariant& v = tree_.Variant(h.variant);
    return mdef_.SenoneSeq(v.ssid >= 0 ? v.ssid : tree_.LcSsids(v.lc_ssid)[lc]);
  }
  return mdef_.SenoneSeq(n.ssid >= 0 ? n.ssid : tree_.LcSsids(n.lc_ssid)[lc]);
}

void FlatSearch::ActiveSenones(std::vector<int>* out) {
  out->clear();
  seen_.assign(mdef_.n_senone(), 0);
  for (int i : active_) {
    const Hmm& h = hmms_[i];
    auto mark_lc = [&](int lc) {
      const uint16_t* sen = Senones(h, lc);
      for (int j = 0; j < n_state_; ++j)
        if (!seen_[sen[j]]) {
          seen_[sen[j]] = 1;
          out->push_back(sen[j]);
        }
    };
    if (!Multiplexed(h)) {
      mark_lc(0);
      continue;
    }
    if (h.in_score > kNegInf) mark_lc(h.in_lc);
    for (int j = 0; j < n_state_; ++j)
      if (h.score[j] > kNegInf) mark_lc(h.lc[j]);
  }
}

bool FlatSearch::Multiplexed(const Hmm& h) const {
  return h.variant >= 0 ? tree_.Variant(h.variant).ssid < 0 : tree_.node(h.node).ssid < 0;
}

void FlatSearch::Evaluate(Hmm& h, const float* senones) {
  const float* a = tmat_.Matrix(tree_.node(h.node).tmat);
  const uint16_t* fixed = Multiplexed(h) ? nullptr : Senones(h, 0);
  UpdateHmmTokens<0>(h, n_state_, a, senones, [&](int lc) { return fixed ? fixed : Senones(h, lc); });
  ++hmm_evals_;
}

void FlatSearch::Enter(int i, float score, int32_t bp, int lc) {
  Hmm& h = hmms_[i];
  if (h.mark != listing_) {
    h.mark = listing_;
    next_.push_back(i);
  }
  if (score > h.in_score) {
    h.in_score = score;
    h.in_bp = bp;
    h.in_lc = static_cast<uint8_t>(lc);
  }
}

void FlatSearch::EnterWord(int word, float score, int32_t bp, int lc) {
  Word& w = words_[word];
  int first = w.position[0];
  const int count = w.position[1] - first;
  if (Multiplexed(hmms_[first])) {
    // A first phone whose senones depend on the previous word's last phone
    // gets a copy per left context, so that tokens with different contexts
    // never compete in one HMM (PocketSphinx multiplexes them instead: the
    // one that enters best wins even if its context scores worse later).
    first = -1;
    for (const auto& [context, hmm] : w.roots)
      if (context == lc) first = hmm;
    if (first < 0) {
      first = static_cast<int>(hmms_.size());
      for (int k = 0; k < count; ++k) {
        Hmm h = hmms_[w.position[0] + k];
        Clear(h);
        h.mark = -2;
        hmms_.push_back(h);
      }
      w.roots.emplace_back(static_cast<int16_t>(lc), first);
    }
  }
  for (int i = first; i < first + count; ++i) Enter(i, score, bp, lc);
}

void FlatSearch::Step(const float* senone_scores) {
  table_.frame_begin.resize(frame_ + 1, static_cast<int32_t>(table_.exits.size()));
  table_.frame_begin[frame_] = static_cast<int32_t>(table_.exits.size());
  table_.rc_scores.clear();  // the previous frame's exits have been entered
  float best = kNegInf;
  for (int i : active_) {
    Evaluate(hmms_[i], senone_scores);
    best = std::max(best, hmms_[i].best);
  }
  next_.clear();
  listing_ = frame_ + 1;
  if (best == kNegInf) {
    for (int i : active_) Clear(hmms_[i]);
    active_.clear();
    table_.frame_offset.push_back(table_.frame_offset.empty() ? 0.0 : table_.frame_offset.back());
    ++frame_;
    return;
  }
  const float threshold = best - beam_;
  const float word_threshold = best - word_beam_;
  for (int i : active_) {
    Hmm& h = hmms_[i];
    if (h.best < threshold) {
      // Out of the beam; an entry made this frame (in_score) survives.
      const float in = h.in_score;
      const int32_t in_bp = h.in_bp;
      const uint8_t in_lc = h.in_lc;
      Clear(h);
      h.in_score = in;
      h.in_bp = in_bp;
      h.in_lc = in_lc;
      continue;
    }
    if (h.mark != listing_) {
      h.mark = listing_;
      next_.push_back(i);
    }
    if (h.exit_score == kNegInf) continue;
    const Word& w = words_[h.word];
    const int next = h.position + 1;
    if (next + 1 == static_cast<int>(w.position.size())) {
      if (h.exit_score >= word_threshold) RecordExit(h);
    } else if (h.exit_score >= threshold) {
      const float s = h.exit_score;
      const int32_t bp = h.exit_bp;
      for (int k = w.position[next]; k < w.position[next + 1]; ++k) Enter(k, s, bp, 0);
    }
  }
  for (int w : frame_words_) exit_of_[w] = -1;
  frame_words_.clear();
  WordTransitions(frame_, table_.frame_begin[frame_], static_cast<int>(table_.exits.size()), threshold);
  Normalize(best);
  active_.swap(next_);
  ++frame_;
}

void FlatSearch::RecordExit(const Hmm& h) {
  const Word& word = words_[h.word];
  int e = exit_of_[h.word];
  if (e < 0) {
    const SearchWord& sw = vocab_.word(word.word);
    WordExit x;
    x.frame = frame_;
    x.word = word.word;
    x.score = kNegInf;
    x.last_phone = static_cast<int16_t>(sw.filler ? tree_.silence_phone() : tree_.ContextPhone(sw.phones.back()));
    x.rc_offset = static_cast<int32_t>(table_.rc_scores.size());
    table_.rc_scores.resize(table_.rc_scores.size() + table_.num_phones, kNegInf);
    e = static_cast<int>(table_.exits.size());
    table_.exits.push_back(x);
    exit_of_[h.word] = e;
    frame_words_.push_back(h.word);
  }
  float* rc = table_.rc_scores.data() + table_.exits[e].rc_offset;
  if (h.variant < 0) {
    for (int p = 0; p < table_.num_phones; ++p) rc[p] = std::max(rc[p], h.exit_score);
  } else {
    const FanoutVariant& v = tree_.Variant(h.variant);
    for (int r = v.rc_begin; r < v.rc_end; ++r) {
      float& slot = rc[tree_.RcPhones()[r]];
      slot = std::max(slot, h.exit_score);
    }
  }
  WordExit& x = table_.exits[e];
  if (h.exit_score > x.score) {
    // The word's LM score was paid on entry, from this predecessor.
    const SearchWord& sw = vocab_.word(word.word);
    const WordExit& p = table_.exits[h.exit_bp];
    x.score = h.exit_score;
    x.prev = h.exit_bp;
    if (sw.filler) {
      x.lm_score = sw.silence ? sil_pen_ : fill_pen_;
      x.lm_state = p.lm_state;
    } else {
      x.lm_score = lw_ * lm_cache_.Score(p.lm_state, sw.lm_id, &x.lm_state) + log_wip_;
    }
  }
}

void FlatSearch::WordTransitions(int cf, int begin, int end, float threshold) {
  if (begin == end) return;
  // Words the first pass started within the window around frame cf (they
  // would start at cf + 1), as PocketSphinx's window [cf - win, cf + win),
  // grouped by first phone: an exit's score into that phone is checked once.
  for (int q : expand_phones_) expand_[q].clear();
  expand_phones_.clear();
  const int window = opts_.fwdflat_window;
  const int from = std::max(0, cf - window), to = std::min(num_frames_, cf + window);
  for (int f = from; f < to; ++f)
    for (int w : starts_[f])
      if (expand_mark_[w] != cf) {
        expand_mark_[w] = cf;
        const int q = words_[w].first_phone;
        if (expand_[q].empty()) expand_phones_.push_back(q);
        expand_[q].push_back(w);
      }
  const int sil = tree_.silence_phone();
  float best_sil = kNegInf;
  int best_sil_exit = -1;
  for (int e = begin; e < end; ++e) {
    const WordExit& x = table_.exits[e];
    const float* rc = table_.rc_scores.data() + x.rc_offset;
    if (rc[sil] > best_sil) {
      best_sil = rc[sil];
      best_sil_exit = e;
    }
    // LM log-probabilities are <= 0: no lookup when it cannot help (the
    // exit's score is the best of its right contexts).
    if (x.score + log_wip_ < threshold) continue;
    for (int q : expand_phones_) {
      const float acoustic = rc[q];
      if (acoustic + log_wip_ < threshold) continue;
      for (int w : expand_[q]) {
        lm::State unused;
        const float s = acoustic + lw_ * lm_cache_.Score(x.lm_state, words_[w].lm_id, &unused) + log_wip_;
        if (s >= threshold) EnterWord(w, s, e, x.last_phone);
      }
    }
  }
  if (best_sil_exit < 0) return;
  const int lc = table_.exits[best_sil_exit].last_phone;
  for (int f : fillers_) {
    const float s = best_sil + (vocab_.word(f).silence ? sil_pen_ : fill_pen_);
    if (s >= threshold) EnterWord(slot_of_[f], s, best_sil_exit, lc);
  }
}

void FlatSearch::Normalize(float best) {
  for (int i : next_) hmms_[i].Normalize(n_state_, best);
  table_.NormalizeFrame(frame_, best, tree_.silence_phone());
}

WordExitTable MergeExitTables(const WordExitTable& first, const WordExitTable& second) {
  WordExitTable out;
  out.num_phones = first.num_phones;
  out.frame_offset = first.frame_offset;
  out.exits = first.exits;
  if (first.frame_offset.size() != second.frame_offset.size())
    throw InvalidArgument("the two passes' exit tables cover different frames");
  auto start_of = [](const WordExitTable& t, const WordExit& x) { return t.exits[x.prev].frame + 1; };
  // First-pass exits by (end frame, word).
  std::unordered_map<int64_t, int32_t> first_exit;
  const int64_t words = 1 << 30;
  for (size_t e = 1; e < first.exits.size(); ++e) {
    const WordExit& x = first.exits[e];
    if (x.valid && x.word >= 0) first_exit[x.frame * words + x.word] = static_cast<int32_t>(e);
  }
  std::vector<int32_t> index(second.exits.size(), 0);  // second's exit -> merged exit (0: the start)
  for (size_t e = 1; e < second.exits.size(); ++e) {
    const WordExit& x = second.exits[e];
    if (!x.valid || x.word < 0) continue;
    auto it = first_exit.find(x.frame * words + x.word);
    if (it != first_exit.end() && start_of(first, first.exits[it->second]) == start_of(second, x)) {
      index[e] = it->second;
      continue;
    }
    // Rechained on its merged predecessor, keeping its own acoustic score
    // (what the lattice reads: the difference of the path scores).
    WordExit y = x;
    y.prev = index[x.prev];
    const double acoustic_and_lm = second.Absolute(static_cast<int>(e)) - second.Absolute(x.prev);
    y.score = static_cast<float>(out.Absolute(y.prev) + acoustic_and_lm - first.frame_offset[x.frame]);
    y.rc_offset = 0;
    index[e] = static_cast<int32_t>(out.exits.size());
    out.exits.push_back(y);
  }
  return out;
}

std::vector<WordSegment> FlatSearch::BestPath(bool final, double* total) const {
  // Into silence, and into the sentence end when final.
  auto end_score = [&](const WordExit& x) { return final ? static_cast<double>(lw_ * lm_.Final(x.lm_state)) : 0.0; };
  return table_.Backtrace(table_.BestLastExit(frame_, end_score, total));
}

}  // namespace asr
