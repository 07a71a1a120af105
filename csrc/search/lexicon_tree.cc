#include "search/lexicon_tree.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>

#include "am/mdef.h"
#include "am/transition_matrices.h"
#include "common/error.h"

namespace asr {

namespace {

// Construction-time node; flattened breadth-first at the end.
struct BuildNode {
  int32_t parent = -1;  // -1: entered from word exits (roots, single-phone words, filler starts)
  NodeKind kind = NodeKind::kInternal;
  int16_t phone = 0;
  int16_t tmat = 0;
  int32_t ssid = -1;
  int32_t lc_ssid = -1;   // roots: offset into lc_ssids_
  int32_t variants = -1;  // fan-outs: template id
  float lookahead = -std::numeric_limits<float>::infinity();
};

// A node's identity under its parent: (phone, next phone), the next phone
// being -1 at the end of a word.
using NodeKey = std::pair<int, int>;

}  // namespace

LexiconTree::LexiconTree(const SearchVocabulary& vocab, const Mdef& mdef, const TransitionMatrices& tmat,
                         const std::vector<float>& unigram_score) {
  std::vector<int> words(vocab.size());
  for (int w = 0; w < vocab.size(); ++w) words[w] = w;
  Build(vocab, words, mdef, tmat, unigram_score);
}

void LexiconTree::Build(const SearchVocabulary& vocab, const std::vector<int>& subset, const Mdef& mdef,
                        const TransitionMatrices& tmat, const std::vector<float>& unigram_score) {
  num_phones_ = mdef.n_ciphone();
  silence_phone_ = mdef.silence_phone();
  if (silence_phone_ < 0) throw FormatError("the acoustic model has no SIL phone, which the search needs");
  if (tmat.n_state() > 5) throw FormatError("HMMs with more than 5 emitting states are not supported");
  context_phone_.resize(num_phones_);
  for (int p = 0; p < num_phones_; ++p)
    context_phone_[p] = static_cast<int16_t>(mdef.IsFiller(p) ? silence_phone_ : p);
  auto phone_tmat = [&](int pid) { return static_cast<int16_t>(mdef.phone(pid).tmat); };
  auto ssid_of = [&](int ci, int lc, int rc, WordPosition pos) {
    return mdef.phone(mdef.PhoneIdNearest(ci, lc, rc, pos)).ssid;
  };
  // Real right/left contexts: every non-filler phone, plus silence.
  std::vector<int> contexts;
  for (int p = 0; p < num_phones_; ++p)
    if (!mdef.IsFiller(p) || p == silence_phone_) contexts.push_back(p);

  // Fan-out variant templates, keyed by (phone, left context); -1 = multiplexed.
  std::map<std::pair<int, int>, int32_t> template_index;
  auto get_template = [&](int phone, int lc, bool single) -> int32_t {
    const auto key = std::make_pair(phone, single ? -1 : lc);
    auto it = template_index.find(key);
    if (it != template_index.end()) return it->second;
    // Right contexts whose HMMs are identical share one variant.
    std::map<std::vector<int32_t>, std::vector<int16_t>> by_model;
    for (int rc : contexts) {
      std::vector<int32_t> model;
      if (single) {
        model.resize(num_phones_);
        for (int l = 0; l < num_phones_; ++l) model[l] = ssid_of(phone, context_phone_[l], rc, WordPosition::kSingle);
      } else {
        model.push_back(ssid_of(phone, lc, rc, WordPosition::kEnd));
      }
      by_model[model].push_back(static_cast<int16_t>(rc));
    }
    const int32_t first = static_cast<int32_t>(variants_.size());
    for (auto& [model, rcs] : by_model) {
      FanoutVariant v;
      if (single) {
        v.lc_ssid = static_cast<int32_t>(lc_ssids_.size());
        lc_ssids_.insert(lc_ssids_.end(), model.begin(), model.end());
      } else {
        v.ssid = model[0];
      }
      v.rc_begin = static_cast<int32_t>(rc_phones_.size());
      rc_phones_.insert(rc_phones_.end(), rcs.begin(), rcs.end());
      v.rc_end = static_cast<int32_t>(rc_phones_.size());
      variants_.push_back(v);
    }
    template_first_.push_back(first);
    template_count_.push_back(static_cast<int32_t>(variants_.size()) - first);
    template_index[key] = static_cast<int32_t>(template_first_.size()) - 1;
    return template_index[key];
  };

  std::vector<BuildNode> b;
  std::vector<std::pair<int32_t, int32_t>> ends;  // (node, search word)
  auto new_node = [&](int32_t parent, NodeKind kind, int phone) {
    BuildNode n;
    n.parent = parent;
    n.kind = kind;
    n.phone = static_cast<int16_t>(phone);
    b.push_back(n);
    return static_cast<int32_t>(b.size()) - 1;
  };
  auto make_node = [&](int32_t parent, int depth, const std::vector<int>& ph) -> int32_t {
    const int n = static_cast<int>(ph.size());
    const int phone = ph[depth];
    if (depth == n - 1) {  // word-final phone
      const bool single = n == 1;
      const int lc = single ? -1 : ph[depth - 1];
      const int32_t id = new_node(parent, single ? NodeKind::kSingle : NodeKind::kFanout, phone);
      b[id].variants = get_template(phone, lc, single);
      b[id].tmat = single ? phone_tmat(mdef.PhoneIdNearest(phone, silence_phone_, silence_phone_, WordPosition::kSingle))
                          : phone_tmat(mdef.PhoneIdNearest(phone, lc, silence_phone_, WordPosition::kEnd));
      return id;
    }
    if (depth == 0) {
      const int32_t id = new_node(-1, NodeKind::kRoot, phone);
      b[id].lc_ssid = static_cast<int32_t>(lc_ssids_.size());
      for (int l = 0; l < num_phones_; ++l)
        lc_ssids_.push_back(ssid_of(phone, context_phone_[l], ph[1], WordPosition::kBegin));
      b[id].tmat = phone_tmat(mdef.PhoneIdNearest(phone, silence_phone_, ph[1], WordPosition::kBegin));
      return id;
    }
    const int32_t id = new_node(parent, NodeKind::kInternal, phone);
    b[id].ssid = ssid_of(phone, ph[depth - 1], ph[depth + 1], WordPosition::kInternal);
    b[id].tmat = phone_tmat(mdef.PhoneIdNearest(phone, ph[depth - 1], ph[depth + 1], WordPosition::kInternal));
    return id;
  };
  auto key_at = [](const std::vector<int>& ph, int depth) -> NodeKey {
    return {ph[depth], depth + 1 < static_cast<int>(ph.size()) ? ph[depth + 1] : -1};
  };

  // Words sorted by pronunciation: words that share a tree prefix are then
  // adjacent, so the tree grows along one path stack without lookups.
  std::vector<int> order;
  for (int w : subset) {
    const SearchWord& sw = vocab.word(w);
    for (int p : sw.phones)
      if (p < 0 || p >= num_phones_) throw FormatError("word '" + sw.text + "' uses a phone outside the model");
    if (!sw.hidden()) order.push_back(w);
  }
  // Classes never share nodes: sort by class first.
  std::stable_sort(order.begin(), order.end(), [&](int a, int c) {
    const SearchWord& x = vocab.word(a);
    const SearchWord& y = vocab.word(c);
    return x.entry_class != y.entry_class ? x.entry_class < y.entry_class : x.phones < y.phones;
  });
  std::vector<int32_t> path;
  const std::vector<int>* prev = nullptr;
  int prev_class = -1;
  std::vector<int32_t> root_class;  // entry class of each root/single node
  for (int w : order) {
    const std::vector<int>& ph = vocab.word(w).phones;
    int shared = 0;
    if (prev && prev_class == vocab.word(w).entry_class) {
      const int limit = static_cast<int>(std::min(ph.size(), prev->size()));
      while (shared < limit && key_at(ph, shared) == key_at(*prev, shared)) ++shared;
    }
    path.resize(shared);
    for (int d = shared; d < static_cast<int>(ph.size()); ++d)
      path.push_back(make_node(d == 0 ? -1 : path[d - 1], d, ph));
    ends.emplace_back(path.back(), w);
    for (int32_t id : path) b[id].lookahead = std::max(b[id].lookahead, unigram_score[w]);
    prev = &ph;
    prev_class = vocab.word(w).entry_class;
    root_class.resize(b.size(), -1);
    root_class[path[0]] = prev_class;
  }
  // Fillers and garbage phones: a private context-independent chain per
  // pronunciation (garbage is a CI phone loop: cheap, and it must match
  // anything rather than specific triphones).
  const int num_classes = vocab.num_classes();
  std::vector<std::vector<int32_t>> filler_first(num_classes);
  for (int w : subset) {
    const SearchWord& sw = vocab.word(w);
    if (!sw.hidden()) continue;
    int32_t parent = -1;
    for (size_t i = 0; i < sw.phones.size(); ++i) {
      const int32_t id = new_node(parent, NodeKind::kFiller, sw.phones[i]);
      const int pid = mdef.PhoneIdNearest(sw.phones[i], -1, -1, WordPosition::kUndefined);
      b[id].ssid = mdef.phone(pid).ssid;
      b[id].tmat = static_cast<int16_t>(mdef.phone(pid).tmat);
      b[id].lookahead = 0.0f;
      if (i == 0) filler_first[sw.entry_class].push_back(id);
      parent = id;
    }
    ends.emplace_back(parent, w);
  }

  // Flatten breadth-first so that every node's children are contiguous.
  const int32_t count = static_cast<int32_t>(b.size());
  std::vector<int32_t> child_begin(count + 1, 0), children(count);
  for (const BuildNode& n : b)
    if (n.parent >= 0) ++child_begin[n.parent + 1];
  for (int32_t i = 0; i < count; ++i) child_begin[i + 1] += child_begin[i];
  {
    std::vector<int32_t> fill(child_begin.begin(), child_begin.end() - 1);
    for (int32_t i = 0; i < count; ++i)
      if (b[i].parent >= 0) children[fill[b[i].parent]++] = i;
  }
  std::vector<int32_t> queue;
  queue.reserve(count);
  for (int32_t i = 0; i < count; ++i)
    if (b[i].parent < 0 && b[i].kind != NodeKind::kFiller) queue.push_back(i);
  for (const auto& ids : filler_first) queue.insert(queue.end(), ids.begin(), ids.end());
  std::vector<int32_t> new_id(count, -1);
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    const int32_t id = queue[qi];
    new_id[id] = static_cast<int32_t>(qi);
    for (int32_t k = child_begin[id]; k < child_begin[id + 1]; ++k) queue.push_back(children[k]);
  }
  nodes_.resize(queue.size());
  entries_.assign(static_cast<size_t>(num_classes) * num_phones_, {});
  root_class.resize(b.size(), -1);
  size_t end_pos = 0;
  // Word lists in new-id order: sort the (node, word) pairs by new node id.
  for (auto& e : ends) e.first = new_id[e.first];
  std::sort(ends.begin(), ends.end());
  for (size_t i = 0; i < queue.size(); ++i) {
    const BuildNode& s = b[queue[i]];
    TreeNode& t = nodes_[i];
    t.kind = s.kind;
    t.phone = s.phone;
    t.tmat = s.tmat;
    t.ssid = s.ssid;
    t.lc_ssid = s.lc_ssid;
    t.lookahead = std::isfinite(s.lookahead) ? s.lookahead : 0.0f;
    if (s.variants >= 0) {
      t.variant_begin = template_first_[s.variants];
      t.variant_end = t.variant_begin + template_count_[s.variants];
    }
    t.words_begin = static_cast<int32_t>(word_list_.size());
    while (end_pos < ends.size() && ends[end_pos].first == static_cast<int32_t>(i))
      word_list_.push_back(ends[end_pos++].second);
    t.words_end = static_cast<int32_t>(word_list_.size());
    const int32_t old = queue[i];
    t.num_children = child_begin[old + 1] - child_begin[old];
    t.first_child = t.num_children ? new_id[children[child_begin[old]]] : 0;
    if (s.parent < 0 && s.kind != NodeKind::kFiller)
      entries_[static_cast<size_t>(root_class[queue[i]]) * num_phones_ + s.phone].push_back(static_cast<int32_t>(i));
  }
  filler_entries_.assign(num_classes, {});
  for (int c = 0; c < num_classes; ++c)
    for (int32_t id : filler_first[c]) filler_entries_[c].push_back(new_id[id]);
}

LexiconTree::LexiconTree(const LexiconTree& base, const SearchVocabulary& vocab, int first_new_word, const Mdef& mdef,
                         const TransitionMatrices& tmat, const std::vector<float>& unigram_score)
    : LexiconTree(base) {
  if (first_new_word < 0 || first_new_word > vocab.size()) throw InvalidArgument("bad first new word");
  for (int w = first_new_word; w < vocab.size(); ++w)
    if (vocab.word(w).hidden() || vocab.word(w).entry_class != 0)
      throw InvalidArgument("only words of an n-gram search can be added to a lexicon tree");
  if (first_new_word < vocab.size()) {
    // The new words get a tree of their own; its arrays go after the base's.
    std::vector<int> added;
    for (int w = first_new_word; w < vocab.size(); ++w) added.push_back(w);
    LexiconTree extra;
    extra.Build(vocab, added, mdef, tmat, unigram_score);
    const auto node0 = static_cast<int32_t>(nodes_.size());
    const auto word0 = static_cast<int32_t>(word_list_.size());
    const auto variant0 = static_cast<int32_t>(variants_.size());
    const auto rc0 = static_cast<int32_t>(rc_phones_.size());
    const auto lc0 = static_cast<int32_t>(lc_ssids_.size());
    for (TreeNode n : extra.nodes_) {
      if (n.num_children) n.first_child += node0;
      n.words_begin += word0;
      n.words_end += word0;
      n.variant_begin += variant0;
      n.variant_end += variant0;
      if (n.lc_ssid >= 0) n.lc_ssid += lc0;
      nodes_.push_back(n);
    }
    for (FanoutVariant v : extra.variants_) {
      v.rc_begin += rc0;
      v.rc_end += rc0;
      if (v.lc_ssid >= 0) v.lc_ssid += lc0;
      variants_.push_back(v);
    }
    word_list_.insert(word_list_.end(), extra.word_list_.begin(), extra.word_list_.end());
    rc_phones_.insert(rc_phones_.end(), extra.rc_phones_.begin(), extra.rc_phones_.end());
    lc_ssids_.insert(lc_ssids_.end(), extra.lc_ssids_.begin(), extra.lc_ssids_.end());
    for (size_t i = 0; i < entries_.size() && i < extra.entries_.size(); ++i)
      for (int32_t n : extra.entries_[i]) entries_[i].push_back(n + node0);
  }
  SetLookahead(vocab, unigram_score);
}

void LexiconTree::SetLookahead(const SearchVocabulary& vocab, const std::vector<float>& unigram_score) {
  // Children come after their parent (breadth-first blocks), so one reverse
  // pass sees every subtree before its root.
  std::vector<float> best(nodes_.size(), -std::numeric_limits<float>::infinity());
  for (int32_t i = num_nodes() - 1; i >= 0; --i) {
    TreeNode& n = nodes_[i];
    if (n.kind == NodeKind::kFiller) {
      n.lookahead = 0.0f;
      continue;
    }
    float b = best[i];
    for (int32_t k = n.words_begin; k < n.words_end; ++k) {
      const int w = word_list_[k];
      if (w >= 0 && w < vocab.size()) b = std::max(b, unigram_score[w]);
    }
    for (int32_t c = n.first_child; c < n.first_child + n.num_children; ++c)
      if (nodes_[c].kind != NodeKind::kFiller) b = std::max(b, best[c]);
    best[i] = b;
    n.lookahead = std::isfinite(b) ? b : 0.0f;
  }
}

}  // namespace asr
