#include "search/tree_search.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "am/mdef.h"
#include "am/transition_matrices.h"
#include "common/error.h"

namespace asr {

namespace {
constexpr float kNegInf = -std::numeric_limits<float>::infinity();
}  // namespace

TreeSearch::TreeSearch(std::shared_ptr<const LexiconTree> tree, const SearchVocabulary& vocab, const Mdef& mdef,
                       const TransitionMatrices& tmat, const lm::WordSequenceModel& lm, const SearchOptions& o)
    : tree_(std::move(tree)), vocab_(vocab), mdef_(mdef), tmat_(tmat), lm_(lm), lm_cache_(lm), opts_(o) {
  beam_ = LogWidth(o.beam, "beam");
  phone_beam_ = LogWidth(o.phone_beam, "phone_beam");
  word_beam_ = LogWidth(o.word_beam, "word_beam");
  if (!(o.language_weight > 0)) throw InvalidArgument("language_weight must be positive");
  lw_ = static_cast<float>(o.language_weight);
  if (!(o.word_insertion_penalty > 0)) throw InvalidArgument("word_insertion_penalty must be positive");
  log_wip_ = static_cast<float>(std::log(o.word_insertion_penalty));
  sil_pen_ = -LogWidth(o.silence_probability, "silence_probability");
  fill_pen_ = -LogWidth(o.filler_probability, "filler_probability");
  garbage_pen_ = -LogWidth(o.garbage_phone_probability, "garbage_phone_probability");
  if (o.max_hmms_per_frame < 0 || o.max_words_per_frame < 0) throw InvalidArgument("limits must be >= 0");
  la_scale_ = o.lm_lookahead ? lw_ : 0.0f;
  n_state_ = tmat.n_state();
  slot_.assign(tree_->num_nodes(), -1);
  word_exit_of_.assign(vocab.size(), -1);
  table_.num_phones = tree_->num_phones();
}

void TreeSearch::StartUtterance() {
  for (const Hmm& h : active_) slot_[h.node] = -1;
  active_.clear();
  table_.exits.clear();
  table_.rc_scores.clear();
  table_.frame_begin.clear();
  table_.frame_offset.clear();
  frame_ = 0;
  hmm_evals_ = 0;
  const int start = NewExit(-1, -1, 0.0f, 0.0f, lm_.BeginState(), tree_->silence_phone());
  std::fill_n(table_.rc_scores.begin() + table_.exits[start].rc_offset, table_.num_phones, 0.0f);
  table_.exits[start].score = 0.0f;
  table_.frame_begin.push_back(1);  // exits of frame 0 start after the start entry
  // Enter the tree from the utterance start.
  const int c = vocab_.EntryClass(table_.exits[start].lm_state, false);
  if (c >= 0) {
    for (int q = 0; q < tree_->num_phones(); ++q)
      for (int32_t n : tree_->EntryNodes(c, q)) Enter(n, La(tree_->node(n)), start, tree_->silence_phone());
    for (int32_t n : tree_->FillerEntries(c)) Enter(n, 0.0f, start, tree_->silence_phone());
  }
}

int TreeSearch::NewExit(int word, int prev, float score, float lm_score, const lm::State& state, int last_phone) {
  WordExit e;
  e.frame = frame_ - (word < 0 ? 1 : 0);
  e.word = word;
  e.prev = prev;
  e.score = score;
  e.lm_score = lm_score;
  e.lm_state = state;
  e.last_phone = static_cast<int16_t>(last_phone);
  e.rc_offset = static_cast<int32_t>(table_.rc_scores.size());
  table_.rc_scores.resize(table_.rc_scores.size() + table_.num_phones, kNegInf);
  table_.exits.push_back(e);
  return static_cast<int>(table_.exits.size()) - 1;
}

void TreeSearch::Enter(int node, float score, int32_t bp, int lc) {
  int s = slot_[node];
  const TreeNode& n = tree_->node(node);
  const int count = std::max(1, n.num_variants());
  if (s < 0) {
    // A fan-out node is a group of variant HMMs kept next to each other.
    s = static_cast<int>(active_.size());
    slot_[node] = s;
    for (int v = 0; v < count; ++v) {
      Hmm h;
      h.node = node;
      h.variant = n.num_variants() > 0 ? n.variant_begin + v : -1;
      const FanoutVariant* fv = h.variant >= 0 ? &tree_->Variant(h.variant) : nullptr;
      const int ssid = fv ? fv->ssid : n.ssid;
      h.sen = ssid >= 0 ? mdef_.SenoneSeq(ssid) : nullptr;
      h.lc_ssids = ssid >= 0 ? nullptr : tree_->LcSsids(fv ? fv->lc_ssid : n.lc_ssid);
      h.tmat = tmat_.Matrix(n.tmat);
      h.Reset();
      active_.push_back(h);
    }
  }
  for (int v = 0; v < count; ++v) {
    Hmm& h = active_[s + v];
    if (score > h.in_score) {
      h.in_score = score;
      h.in_bp = bp;
      h.in_lc = static_cast<uint8_t>(lc);
    }
  }
}

inline const uint16_t* TreeSearch::Senones(const Hmm& h, int lc) const {
  return h.sen ? h.sen : mdef_.SenoneSeq(h.lc_ssids[lc]);
}

void TreeSearch::ActiveSenones(std::vector<int>* out) {
  out->clear();
  if (stamp_.empty()) stamp_.assign(mdef_.n_senone(), 0);
  if (++stamp_now_ == 0) {  // wrapped: old stamps could collide with new ones
    std::fill(stamp_.begin(), stamp_.end(), 0);
    stamp_now_ = 1;
  }
  const uint32_t now = stamp_now_;
  uint32_t* stamp = stamp_.data();
  const int N = n_state_;
  auto mark_seq = [&](const uint16_t* sen) {
    for (int j = 0; j < N; ++j) {
      const int s = sen[j];
      if (stamp[s] != now) {
        stamp[s] = now;
        out->push_back(s);
      }
    }
  };
  for (const Hmm& h : active_) {
    if (h.sen) {
      mark_seq(h.sen);
      continue;
    }
    // Multiplexed: the sequences of the left contexts its tokens carry
    // (usually one, so a repeat of the previous context is skipped).
    int last = -1;
    if (h.in_score > kNegInf) {
      last = h.in_lc;
      mark_seq(Senones(h, last));
    }
    for (int j = 0; j < N; ++j)
      if (h.score[j] > kNegInf && h.lc[j] != last) {
        last = h.lc[j];
        mark_seq(Senones(h, last));
      }
  }
}

// The Viterbi update of every active HMM for one frame; returns the best
// state score. N is a compile-time state count (the loops unroll) or 0 for
// n_state_.
template <int N_>
float TreeSearch::EvaluateAll(const float* senones) {
  float frame_best = kNegInf;
  for (Hmm& h : active_) {
    const float best = UpdateHmmTokens<N_>(h, n_state_, h.tmat, senones,
                                           [&](int lc) { return Senones(h, lc); });
    frame_best = std::max(frame_best, best);
  }
  hmm_evals_ += static_cast<int64_t>(active_.size());
  return frame_best;
}

// The frame's pruning threshold: the beam, raised to the
// max_hmms_per_frame-th best HMM score when more HMMs than that are inside
// it. Only those inside the beam can hold that score, so they alone are
// ranked: the same threshold as ranking all, for a fraction of the work.
float TreeSearch::FrameThreshold(float best) {
  const float threshold = best - beam_;
  const int k = opts_.max_hmms_per_frame;
  if (k <= 0 || static_cast<int>(active_.size()) <= k) return threshold;
  scratch_.clear();
  for (const Hmm& h : active_)
    if (h.best >= threshold) scratch_.push_back(h.best);
  if (static_cast<int>(scratch_.size()) < k) return threshold;
  std::nth_element(scratch_.begin(), scratch_.begin() + (k - 1), scratch_.end(), std::greater<float>());
  return std::max(threshold, scratch_[k - 1]);
}

void TreeSearch::Step(const float* senone_scores) {
  table_.rc_scores.clear();  // the previous frame's exits have been entered
  table_.frame_begin.resize(frame_ + 1, static_cast<int32_t>(table_.exits.size()));
  table_.frame_begin[frame_] = static_cast<int32_t>(table_.exits.size());
  float best;
  if (n_state_ == 3) {
    best = EvaluateAll<3>(senone_scores);
  } else if (n_state_ == 5) {
    best = EvaluateAll<5>(senone_scores);
  } else {
    best = EvaluateAll<0>(senone_scores);
  }
  if (best == kNegInf) {
    // Nothing survives (cannot happen with finite scores); keep the frame.
    table_.frame_offset.push_back(table_.frame_offset.empty() ? 0.0 : table_.frame_offset.back());
    ++frame_;
    return;
  }
  const float threshold = FrameThreshold(best);
  // Survivors are compacted in place (the write position never passes the
  // read position), so no HMM is copied to a second array.
  // Kept HMMs are moved in runs (one move per run of survivors, not per
  // group: most of the array shifts by the same distance).
  size_t kept = 0, run_begin = 0, run_end = 0;  // survivors [run_begin, run_end) not yet moved
  auto flush = [&]() {
    if (run_begin != kept) std::copy(active_.begin() + run_begin, active_.begin() + run_end, active_.begin() + kept);
    kept += run_end - run_begin;
  };
  for (size_t i = 0; i < active_.size();) {
    // Variants of a fan-out stay together: the group lives while any does.
    const int node = active_[i].node;
    size_t end = i + 1;
    while (end < active_.size() && active_[end].node == node) ++end;
    bool keep = false;
    for (size_t k = i; k < end; ++k) keep = keep || active_[k].best >= threshold;
    if (keep) {
      if (i != run_end) {
        flush();
        run_begin = i;
      }
      slot_[node] = static_cast<int32_t>(kept + (i - run_begin));
      run_end = end;
    } else {
      slot_[node] = -1;
    }
    i = end;
  }
  flush();
  active_.resize(kept);

  const float phone_threshold = best - phone_beam_;
  const float word_threshold = best - word_beam_;
  const size_t survivors = active_.size();
  for (size_t i = 0; i < survivors; ++i) {
    const TreeNode& n = tree_->node(active_[i].node);
    if (n.ends_words()) {
      if (active_[i].exit_score >= word_threshold) RecordWordExits(active_[i], best);
    } else if (active_[i].exit_score >= phone_threshold) {
      // Copies: Enter may grow active_ (and move it).
      const float exit_score = active_[i].exit_score;
      const int32_t exit_bp = active_[i].exit_bp;
      for (int c = n.first_child; c < n.first_child + n.num_children; ++c) {
        const float s = exit_score + La(tree_->node(c)) - La(n);
        if (s >= threshold) Enter(c, s, exit_bp, n.phone);
      }
    }
  }
  PruneWordExits();
  EnterFromWordExits(threshold);
  Normalize(best);
  ++frame_;
}

void TreeSearch::RecordWordExits(const Hmm& h, float) {
  const TreeNode& n = tree_->node(h.node);
  const lm::State pred_state = table_.exits[h.exit_bp].lm_state;
  for (int k = n.words_begin; k < n.words_end; ++k) {
    const int w = tree_->WordList()[k];
    const SearchWord& sw = vocab_.word(w);
    lm::State next = pred_state;
    float lm_score, score;
    if (sw.filler) {
      lm_score = sw.silence ? sil_pen_ : fill_pen_;
      score = h.exit_score + lm_score;
    } else if (sw.garbage_repeat) {
      lm_score = garbage_pen_;
      score = h.exit_score + lm_score;
    } else if (sw.garbage) {
      lm_score = lw_ * lm_cache_.Score(pred_state, sw.lm_id, &next) + garbage_pen_;
      score = h.exit_score + lm_score;
    } else {
      lm_score = lw_ * lm_cache_.Score(pred_state, sw.lm_id, &next) + log_wip_;
      score = h.exit_score - La(n) + lm_score;
    }
    if (score == kNegInf) continue;  // the word-sequence model forbids this word here
    int e = word_exit_of_[w];
    if (e < 0) {
      const int last = sw.hidden() ? tree_->silence_phone() : tree_->ContextPhone(sw.phones.back());
      e = NewExit(w, h.exit_bp, kNegInf, lm_score, next, last);
      word_exit_of_[w] = e;
      frame_words_.push_back(w);
    }
    float* rc = table_.rc_scores.data() + table_.exits[e].rc_offset;
    if (h.variant < 0) {
      // Fillers: anything may follow, seen through silence.
      for (int p = 0; p < table_.num_phones; ++p) rc[p] = std::max(rc[p], score);
    } else {
      const FanoutVariant& v = tree_->Variant(h.variant);
      for (int r = v.rc_begin; r < v.rc_end; ++r) {
        float& slot = rc[tree_->RcPhones()[r]];
        slot = std::max(slot, score);
      }
    }
    WordExit& x = table_.exits[e];
    if (score > x.score) {
      x.score = score;
      x.prev = h.exit_bp;
      x.lm_state = next;
      x.lm_score = lm_score;
    }
  }
}

void TreeSearch::PruneWordExits() {
  if (frame_words_.empty()) return;
  float best = kNegInf;
  for (int w : frame_words_) best = std::max(best, table_.exits[word_exit_of_[w]].score);
  int kept = 0;
  for (int w : frame_words_) {
    WordExit& x = table_.exits[word_exit_of_[w]];
    x.valid = x.score >= best - word_beam_;
    kept += x.valid;
  }
  const int max_words = opts_.max_words_per_frame;
  if (max_words > 0 && kept > max_words) {
    scratch_.clear();
    for (int w : frame_words_) {
      const WordExit& x = table_.exits[word_exit_of_[w]];
      if (x.valid) scratch_.push_back(x.score);
    }
    std::nth_element(scratch_.begin(), scratch_.begin() + (max_words - 1), scratch_.end(), std::greater<float>());
    const float cut = scratch_[max_words - 1];
    int left = max_words;
    for (int w : frame_words_) {
      WordExit& x = table_.exits[word_exit_of_[w]];
      if (!x.valid) continue;
      if (x.score > cut || (x.score == cut && left > 0)) {
        --left;
      } else {
        x.valid = false;
      }
    }
  }
  for (int w : frame_words_) word_exit_of_[w] = -1;
  frame_words_.clear();
}

void TreeSearch::EnterFromWordExits(float threshold) {
  const int begin = table_.frame_begin[frame_];
  const int end = static_cast<int>(table_.exits.size());
  if (begin == end) return;
  const int np = table_.num_phones;
  // Exits enter the words of their entry class only (one class for n-gram
  // models; one per automaton state under a grammar).
  classes_.clear();
  exit_class_.assign(end - begin, -1);
  for (int e = begin; e < end; ++e) {
    if (!table_.exits[e].valid) continue;
    const WordExit& x = table_.exits[e];
    const int c = vocab_.EntryClass(x.lm_state, x.word >= 0 && vocab_.word(x.word).garbage);
    exit_class_[e - begin] = c;
    if (c >= 0 && std::find(classes_.begin(), classes_.end(), c) == classes_.end()) classes_.push_back(c);
  }
  for (int c : classes_) {
    for (int q = 0; q < np; ++q) {
      const auto& entries = tree_->EntryNodes(c, q);
      const bool filler_context = q == tree_->silence_phone();
      if (entries.empty() && !filler_context) continue;
      float best = kNegInf;
      int from = -1;
      for (int e = begin; e < end; ++e) {
        if (!table_.exits[e].valid || exit_class_[e - begin] != c) continue;
        const float s = table_.RcScores(e)[q];
        if (s > best) {
          best = s;
          from = e;
        }
      }
      if (from < 0) continue;
      const int lc = table_.exits[from].last_phone;
      for (int32_t n : entries) {
        const float s = best + La(tree_->node(n));
        if (s >= threshold) Enter(n, s, from, lc);
      }
      if (filler_context && best >= threshold)
        for (int32_t n : tree_->FillerEntries(c)) Enter(n, best, from, lc);
    }
  }
}

void TreeSearch::Normalize(float best) {
  for (Hmm& h : active_) h.Normalize(n_state_, best);
  table_.NormalizeFrame(frame_, best, tree_->silence_phone());
}

std::vector<WordSegment> TreeSearch::BestPath(bool final, double* total) const {
  // Into silence, and into the sentence end when final.
  auto end_score = [&](const WordExit& x) { return final ? static_cast<double>(lw_ * lm_.Final(x.lm_state)) : 0.0; };
  return table_.Backtrace(table_.BestLastExit(frame_, end_score, total));
}

}  // namespace asr
