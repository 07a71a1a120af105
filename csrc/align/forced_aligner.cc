#include "align/forced_aligner.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <mutex>

#include "common/error.h"

namespace asr {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr int kFromStart = -1;  // backpointer of a path's first state
// Backpointers below kFromStart mark entry into a new HMM from the exit of
// state (-bp - 2) in the previous frame.
inline int EntryBp(int exit_state) { return -exit_state - 2; }

// Backpointers and emission scores of the live states of one frame.
struct FrameRecord {
  int lo = 0;  // first state stored
  int hi = 0;  // one past the last
  size_t offset = 0;
};

}  // namespace

ForcedAligner::ForcedAligner(std::shared_ptr<const AcousticModel> model, const AlignerOptions& options,
                             std::shared_ptr<const GaussianCodebooks> codebooks)
    : model_(std::move(model)), codebooks_(std::move(codebooks)), options_(options) {
  if (!model_) throw InvalidArgument("ForcedAligner needs a model");
  if (!(options_.beam >= 0)) throw InvalidArgument("beam must be >= 0");
  if (options_.top_n <= 0) throw InvalidArgument("top_n must be positive");
}

AlignmentGraph ForcedAligner::BuildGraph(const Dictionary& dict, const std::vector<std::string>& words) const {
  const Mdef& mdef = model_->mdef();
  if (dict.phone_names() != mdef.phone_names())
    throw InvalidArgument("the dictionary was built for a different phone set than the acoustic model");
  std::vector<std::vector<GraphPron>> slots;
  std::vector<std::string> missing;
  for (const std::string& w : words) {
    std::vector<Pronunciation> prons = dict.Lookup(w);
    if (prons.empty()) {
      if (std::find(missing.begin(), missing.end(), w) == missing.end()) missing.push_back(w);
      continue;
    }
    std::string base = w;
    size_t paren = w.rfind('(');
    if (!w.empty() && w.back() == ')' && paren != std::string::npos && paren > 0) base = w.substr(0, paren);
    std::vector<GraphPron> slot;
    for (const Pronunciation& p : prons) {
      GraphPron gp;
      gp.label = p.variant == 1 ? base : base + "(" + std::to_string(p.variant) + ")";
      gp.phones = p.phones;
      slot.push_back(std::move(gp));
    }
    slots.push_back(std::move(slot));
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
    throw Error(ErrorKind::kNotFound, "words not in the dictionary: " + list);
  }
  std::vector<GraphFiller> fillers;
  const int sil = mdef.silence_phone();
  bool have_sil = false;
  for (const std::string& w : dict.FillerWords()) {
    if (w == "<s>" || w == "</s>") continue;  // sentence markers, not sounds
    std::vector<Pronunciation> prons = dict.Lookup(w);
    if (prons.empty() || prons[0].phones.size() != 1) continue;
    const int phone = prons[0].phones[0];
    const bool is_sil = phone == sil;
    if (is_sil ? !options_.allow_silence || have_sil : !options_.allow_noise) continue;
    have_sil |= is_sil;
    fillers.push_back({w, phone, is_sil ? options_.silence_penalty : options_.noise_penalty});
  }
  if (options_.allow_silence && !have_sil && sil >= 0) fillers.push_back({"<sil>", sil, options_.silence_penalty});
  return AlignmentGraph(mdef, model_->transitions(), slots, fillers);
}

Alignment ForcedAligner::Align(const Dictionary& dict, const std::vector<std::string>& words, const float* features,
                               int n_frames, GaussianScoreCache* cache) const {
  return Align(BuildGraph(dict, words), features, n_frames, cache);
}

Alignment ForcedAligner::Align(const AlignmentGraph& graph, const float* features, int n_frames,
                               GaussianScoreCache* cache) const {
  if (n_frames <= 0) throw Error(ErrorKind::kAudio, "cannot align empty audio");
  const size_t n_values = static_cast<size_t>(n_frames) * model_->frame_dim();
  for (size_t i = 0; i < n_values; ++i) {
    if (!std::isfinite(features[i]))
      throw InvalidArgument("feature frame " + std::to_string(i / model_->frame_dim()) + " is not finite");
  }
  if (options_.score_all_senones) cache = nullptr;
  std::unique_lock<std::mutex> cache_lock;
  if (cache != nullptr) {
    cache->CheckFeatures(features, n_frames, model_->frame_dim());
    cache_lock = std::unique_lock<std::mutex>(cache->mutex());
  }
  ScorerOptions so;
  so.top_n = options_.top_n;
  SenoneScorer scorer(model_, so, codebooks_);
  const TransitionMatrices& tm = model_->transitions();
  const std::vector<GraphNode>& nodes = graph.nodes();
  const std::vector<int>& state_senone = graph.state_senone();
  const std::vector<int>& state_node = graph.state_node();
  const int n_states = graph.n_states();
  const int n_nodes = static_cast<int>(nodes.size());
  const size_t dim = model_->frame_dim();
  const float beam = options_.beam > 0 ? options_.beam : std::numeric_limits<float>::infinity();

  std::vector<float> prev(n_states, kNegInf), cur(n_states, kNegInf);
  int prev_lo = 0, prev_hi = 0, cur_lo = 0, cur_hi = 0;  // state ranges that may hold finite scores
  std::vector<float> entry(n_nodes, kNegInf), next_entry(n_nodes, kNegInf);
  std::vector<int> entry_bp(n_nodes, kFromStart), next_entry_bp(n_nodes, kFromStart);
  std::vector<int> touched, next_touched;
  for (const GraphEdge& e : graph.starts()) {
    if (e.penalty > entry[e.to]) {
      if (entry[e.to] == kNegInf) touched.push_back(e.to);
      entry[e.to] = e.penalty;
    }
  }
  std::vector<float> senscr(model_->n_senone(), 0.0f);
  std::vector<int> active_senones;
  std::vector<int> stamp(model_->n_senone(), -1);
  std::vector<FrameRecord> records(n_frames);
  std::vector<int> bp_store;
  std::vector<float> ascr_store;
  std::vector<int> exit_state(n_nodes, -1);
  std::vector<float> exit_score(n_nodes, kNegInf);

  for (int t = 0; t < n_frames; ++t) {
    // Live nodes: those with a surviving state or a pending entry.
    int nlo = INT_MAX, nhi = -1;
    if (prev_hi > prev_lo) {
      for (int s = prev_lo; s < prev_hi; ++s) {
        if (prev[s] > kNegInf) {
          nlo = std::min(nlo, state_node[s]);
          break;
        }
      }
      for (int s = prev_hi - 1; s >= prev_lo; --s) {
        if (prev[s] > kNegInf) {
          nhi = std::max(nhi, state_node[s]);
          break;
        }
      }
    }
    for (int n : touched) {
      nlo = std::min(nlo, n);
      nhi = std::max(nhi, n);
    }
    if (nhi < 0) throw Error(ErrorKind::kAudio, "alignment failed: every path was pruned at frame " + std::to_string(t));
    const int lo = nodes[nlo].first_state;
    const int hi = nodes[nhi].first_state + nodes[nhi].n_state;

    const float* x = features + static_cast<size_t>(t) * dim;
    active_senones.clear();
    for (int s = lo; s < hi; ++s) {
      const int sen = state_senone[s];
      if (stamp[sen] != t) {
        stamp[sen] = t;
        active_senones.push_back(sen);
      }
    }
    if (options_.score_all_senones)
      scorer.ScoreAll(x, senscr.data());
    else
      scorer.ScoreActive(x, active_senones.data(), static_cast<int>(active_senones.size()), senscr.data(), cache, t);

    // `cur` still holds frame t-2 in [cur_lo, cur_hi): clear it first.
    std::fill(cur.begin() + cur_lo, cur.begin() + cur_hi, kNegInf);
    FrameRecord& rec = records[t];
    rec.lo = lo;
    rec.hi = hi;
    rec.offset = bp_store.size();
    bp_store.resize(rec.offset + (hi - lo));
    ascr_store.resize(rec.offset + (hi - lo));
    int* bp = bp_store.data() + rec.offset - lo;
    float* ascr = ascr_store.data() + rec.offset - lo;
    float best = kNegInf;
    for (int n = nlo; n <= nhi; ++n) {
      const GraphNode& node = nodes[n];
      const int fs = node.first_state, ns = node.n_state;
      const float* a = tm.Matrix(node.tmat);
      for (int j = 0; j < ns; ++j) {
        float b = kNegInf;
        int from = kFromStart;
        for (int i = 0; i <= j; ++i) {
          const float v = prev[fs + i] + a[i * (ns + 1) + j];
          if (v > b) {
            b = v;
            from = fs + i;
          }
        }
        if (j == 0 && entry[n] > b) {
          b = entry[n];
          from = entry_bp[n] == kFromStart ? kFromStart : EntryBp(entry_bp[n]);
        }
        const float e = senscr[state_senone[fs + j]];
        ascr[fs + j] = e;
        bp[fs + j] = from;
        cur[fs + j] = b > kNegInf ? b + e : kNegInf;
        best = std::max(best, cur[fs + j]);
      }
    }
    cur_lo = lo;
    cur_hi = hi;
    const float threshold = best - beam;
    for (int s = lo; s < hi; ++s)
      if (cur[s] < threshold) cur[s] = kNegInf;

    // Exits at frame t enter successors at frame t+1.
    for (int n : touched) entry[n] = kNegInf;
    next_touched.clear();
    for (int n = nlo; n <= nhi; ++n) {
      const GraphNode& node = nodes[n];
      const int fs = node.first_state, ns = node.n_state;
      const float* a = tm.Matrix(node.tmat);
      float ex = kNegInf;
      int ex_state = -1;
      for (int i = 0; i < ns; ++i) {
        const float v = cur[fs + i] + a[i * (ns + 1) + ns];
        if (v > ex) {
          ex = v;
          ex_state = fs + i;
        }
      }
      exit_score[n] = ex;
      exit_state[n] = ex_state;
      if (ex < threshold || t + 1 == n_frames) continue;
      for (const GraphEdge& e : node.next) {
        const float v = ex + e.penalty;
        if (v > next_entry[e.to]) {
          if (next_entry[e.to] == kNegInf) next_touched.push_back(e.to);
          next_entry[e.to] = v;
          next_entry_bp[e.to] = ex_state;
        }
      }
    }
    std::swap(entry, next_entry);
    std::swap(entry_bp, next_entry_bp);
    std::swap(touched, next_touched);
    std::swap(prev, cur);
    std::swap(prev_lo, cur_lo);
    std::swap(prev_hi, cur_hi);
    if (t + 1 < n_frames) {
      for (int n = nlo; n <= nhi; ++n) {
        exit_score[n] = kNegInf;
      }
    }
  }

  // Best final exit in the last frame.
  float best_final = kNegInf;
  int state = -1;
  for (int n : graph.finals()) {
    if (exit_score[n] > best_final) {
      best_final = exit_score[n];
      state = exit_state[n];
    }
  }
  if (state < 0)
    throw Error(ErrorKind::kAudio, "alignment failed: no path reaches the end of the transcript in " +
                                       std::to_string(n_frames) + " frames (audio too short or beam too narrow)");

  // Backtrace: the state of every frame and where new HMMs were entered.
  std::vector<int> path(n_frames);
  std::vector<uint8_t> entered(n_frames, 0);
  std::vector<float> path_ascr(n_frames);
  for (int t = n_frames - 1; t >= 0; --t) {
    const FrameRecord& rec = records[t];
    if (state < rec.lo || state >= rec.hi) throw std::logic_error("alignment backtrace left the stored window");
    path[t] = state;
    path_ascr[t] = ascr_store[rec.offset + (state - rec.lo)];
    const int b = bp_store[rec.offset + (state - rec.lo)];
    if (b >= 0) {
      state = b;
    } else {
      entered[t] = 1;
      if (b == kFromStart) {
        if (t != 0) throw std::logic_error("alignment path starts after frame 0");
      } else {
        state = -b - 2;
      }
    }
  }

  Alignment al;
  al.n_frames = n_frames;
  al.path_score = best_final;
  const Mdef& mdef = model_->mdef();
  for (int t = 0; t < n_frames; ++t) {
    const int s = path[t];
    const int n = state_node[s];
    const GraphNode& node = nodes[n];
    const bool new_phone = entered[t] != 0;
    if (new_phone) {
      if (node.phone_index == 0) {
        AlignedWord w;
        w.filler = node.filler;
        if (node.filler) {
          w.word = w.label = graph.fillers()[node.pron].label;
        } else {
          w.slot = node.slot;
          w.label = graph.slots()[node.slot][node.pron].label;
          w.word = w.label.substr(0, w.label.back() == ')' ? w.label.rfind('(') : std::string::npos);
        }
        w.start = t;
        w.first_phone = static_cast<int>(al.phones.size());
        al.words.push_back(std::move(w));
      }
      AlignedPhone p;
      p.phone = mdef.PhoneName(mdef.phone(node.pid).ci);
      p.triphone = mdef.PhoneString(node.pid);
      p.word = static_cast<int>(al.words.size()) - 1;
      p.start = t;
      p.first_state = static_cast<int>(al.states.size());
      al.phones.push_back(std::move(p));
      ++al.words.back().n_phones;
    }
    if (new_phone || path[t - 1] != s) {
      AlignedState st;
      st.senone = state_senone[s];
      st.state = s - node.first_state;
      st.phone = static_cast<int>(al.phones.size()) - 1;
      st.start = t;
      al.states.push_back(st);
      ++al.phones.back().n_states;
    }
    al.states.back().end = t + 1;
    al.states.back().score += path_ascr[t];
    al.phones.back().end = t + 1;
    al.phones.back().score += path_ascr[t];
    al.words.back().end = t + 1;
    al.words.back().score += path_ascr[t];
    al.acoustic_score += path_ascr[t];
  }
  return al;
}

}  // namespace asr
