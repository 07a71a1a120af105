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

// Construction-time node; flattened into TreeNode arrays at the end.
struct BuildNode {
  NodeKind kind = NodeKind::kInternal;
  int phone = 0;
  int ssid = -1;
  int tmat = 0;
  std::vector<int32_t> lc_ssid;           // multiplexed nodes
  std::vector<int32_t> words;             // word-final nodes
  int variants = -1;                      // fan-outs: template id
  float lookahead = -std::numeric_limits<float>::infinity();
  std::map<std::pair<int, int>, int> child_index;  // (phone, next phone or -1) -> first child of the group
  std::vector<int> children;
};

constexpr int kWordEnd = -1;

}  // namespace

LexiconTree::LexiconTree(const SearchVocabulary& vocab, const Mdef& mdef, const TransitionMatrices& tmat,
                         const std::vector<float>& unigram_score) {
  num_phones_ = mdef.n_ciphone();
  silence_phone_ = mdef.silence_phone();
  if (silence_phone_ < 0) throw FormatError("the acoustic model has no SIL phone, which the search needs");
  if (tmat.n_state() > 5) throw FormatError("HMMs with more than 5 emitting states are not supported");
  context_phone_.resize(num_phones_);
  for (int p = 0; p < num_phones_; ++p)
    context_phone_[p] = static_cast<int16_t>(mdef.IsFiller(p) ? silence_phone_ : p);

  std::vector<BuildNode> b;
  b.emplace_back();  // 0: virtual super-root holding roots, single-phone groups and fillers
  auto phone_tmat = [&](int pid) { return mdef.phone(pid).tmat; };
  auto ssid_of = [&](int ci, int lc, int rc, WordPosition pos) {
    return mdef.phone(mdef.PhoneIdNearest(ci, lc, rc, pos)).ssid;
  };
  // Real right/left contexts: every non-filler phone, plus silence.
  std::vector<int> contexts;
  for (int p = 0; p < num_phones_; ++p)
    if (!mdef.IsFiller(p) || p == silence_phone_) contexts.push_back(p);

  // Variant templates, keyed by (phone, left context; -1 = multiplexed).
  struct Template {
    std::vector<FanoutVariant> variants;
  };
  std::map<std::pair<int, int>, int> template_index;
  std::vector<Template> templates;
  auto get_template = [&](int phone, int lc, bool single) -> int {
    const auto key = std::make_pair(phone, single ? -1 : lc);
    auto it = template_index.find(key);
    if (it != template_index.end()) return it->second;
    // Group right contexts whose HMMs are identical.
    std::map<std::vector<int32_t>, std::vector<int16_t>> by_model;
    for (int rc : contexts) {
      std::vector<int32_t> model;
      if (single) {
        model.resize(num_phones_);
        for (int l = 0; l < num_phones_; ++l)
          model[l] = ssid_of(phone, context_phone_[l], rc, WordPosition::kSingle);
      } else {
        model.push_back(ssid_of(phone, lc, rc, WordPosition::kEnd));
      }
      by_model[model].push_back(static_cast<int16_t>(rc));
    }
    Template t;
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
      t.variants.push_back(v);
    }
    templates.push_back(std::move(t));
    template_index[key] = static_cast<int>(templates.size()) - 1;
    return static_cast<int>(templates.size()) - 1;
  };
  // The word-final node for `phone` under `parent` (homophones share it).
  auto add_fanout = [&](int parent, int phone, int lc, bool single) -> int {
    const auto key = std::make_pair(phone, kWordEnd);
    auto it = b[parent].child_index.find(key);
    if (it != b[parent].child_index.end()) return it->second;
    BuildNode n;
    n.kind = single ? NodeKind::kSingle : NodeKind::kFanout;
    n.phone = phone;
    n.variants = get_template(phone, lc, single);
    n.tmat = single ? phone_tmat(mdef.PhoneIdNearest(phone, silence_phone_, silence_phone_, WordPosition::kSingle))
                    : phone_tmat(mdef.PhoneIdNearest(phone, lc, silence_phone_, WordPosition::kEnd));
    b.push_back(std::move(n));
    const int id = static_cast<int>(b.size()) - 1;
    b[parent].children.push_back(id);
    b[parent].child_index[key] = id;
    return id;
  };
  auto child = [&](int parent, int phone, int next, NodeKind kind, int lc) -> int {
    const auto key = std::make_pair(phone, next);
    auto it = b[parent].child_index.find(key);
    if (it != b[parent].child_index.end()) return it->second;
    BuildNode n;
    n.kind = kind;
    n.phone = phone;
    if (kind == NodeKind::kRoot) {
      n.lc_ssid.resize(num_phones_);
      for (int l = 0; l < num_phones_; ++l)
        n.lc_ssid[l] = ssid_of(phone, context_phone_[l], next, WordPosition::kBegin);
      n.tmat = phone_tmat(mdef.PhoneIdNearest(phone, silence_phone_, next, WordPosition::kBegin));
    } else {
      n.ssid = ssid_of(phone, lc, next, WordPosition::kInternal);
      n.tmat = phone_tmat(mdef.PhoneIdNearest(phone, lc, next, WordPosition::kInternal));
    }
    b.push_back(std::move(n));
    const int id = static_cast<int>(b.size()) - 1;
    b[parent].children.push_back(id);
    b[parent].child_index[key] = id;
    return id;
  };

  std::vector<int> filler_first;
  for (int w = 0; w < vocab.size(); ++w) {
    const SearchWord& sw = vocab.word(w);
    const auto& ph = sw.phones;
    for (int p : ph)
      if (p < 0 || p >= num_phones_) throw FormatError("word '" + sw.text + "' uses a phone outside the model");
    const float la = sw.filler ? 0.0f : unigram_score[w];
    std::vector<int> path;
    if (sw.filler) {
      // A private context-independent chain per filler pronunciation.
      int parent = 0;
      for (size_t i = 0; i < ph.size(); ++i) {
        BuildNode n;
        n.kind = NodeKind::kFiller;
        n.phone = ph[i];
        const int pid = mdef.PhoneIdNearest(ph[i], -1, -1, WordPosition::kUndefined);
        n.ssid = mdef.phone(pid).ssid;
        n.tmat = mdef.phone(pid).tmat;
        b.push_back(std::move(n));
        const int id = static_cast<int>(b.size()) - 1;
        if (i == 0) filler_first.push_back(id);
        else b[parent].children.push_back(id);
        parent = id;
        path.push_back(id);
      }
      b[parent].words.push_back(w);
    } else if (ph.size() == 1) {
      const int id = add_fanout(0, ph[0], -1, true);
      b[id].words.push_back(w);
      path.push_back(id);
    } else {
      int node = child(0, ph[0], ph[1], NodeKind::kRoot, -1);
      path.push_back(node);
      for (size_t i = 1; i + 1 < ph.size(); ++i) {
        node = child(node, ph[i], ph[i + 1], NodeKind::kInternal, ph[i - 1]);
        path.push_back(node);
      }
      const int id = add_fanout(node, ph.back(), ph[ph.size() - 2], false);
      b[id].words.push_back(w);
      path.push_back(id);
    }
    for (int id : path) b[id].lookahead = std::max(b[id].lookahead, la);
  }

  // Flatten breadth-first so every node's children are contiguous.
  std::vector<int> order;
  std::vector<int> new_id(b.size(), -1);
  std::vector<int> queue;
  for (int c : b[0].children) queue.push_back(c);
  for (int c : filler_first) queue.push_back(c);
  for (size_t qi = 0; qi < queue.size(); ++qi) {
    const int id = queue[qi];
    new_id[id] = static_cast<int>(order.size());
    order.push_back(id);
    for (int c : b[id].children) queue.push_back(c);
  }
  nodes_.resize(order.size());
  std::map<int, int32_t> template_offset;  // template id -> first variant in variants_
  entries_.assign(num_phones_, {});
  for (size_t i = 0; i < order.size(); ++i) {
    BuildNode& s = b[order[i]];
    TreeNode& t = nodes_[i];
    t.kind = s.kind;
    t.phone = static_cast<int16_t>(s.phone);
    t.tmat = static_cast<int16_t>(s.tmat);
    t.ssid = s.ssid;
    t.lookahead = std::isfinite(s.lookahead) ? s.lookahead : 0.0f;
    if (!s.lc_ssid.empty()) {
      t.lc_ssid = static_cast<int32_t>(lc_ssids_.size());
      lc_ssids_.insert(lc_ssids_.end(), s.lc_ssid.begin(), s.lc_ssid.end());
    }
    t.words_begin = static_cast<int32_t>(word_list_.size());
    word_list_.insert(word_list_.end(), s.words.begin(), s.words.end());
    t.words_end = static_cast<int32_t>(word_list_.size());
    if (s.variants >= 0) {
      const auto& v = templates[s.variants].variants;
      auto found = template_offset.find(s.variants);
      if (found == template_offset.end()) {
        found = template_offset.emplace(s.variants, static_cast<int32_t>(variants_.size())).first;
        variants_.insert(variants_.end(), v.begin(), v.end());
      }
      t.variant_begin = found->second;
      t.variant_end = found->second + static_cast<int32_t>(v.size());
    }
    t.num_children = static_cast<int32_t>(s.children.size());
    t.first_child = s.children.empty() ? 0 : new_id[s.children.front()];
    for (size_t k = 0; k < s.children.size(); ++k)
      if (new_id[s.children[k]] != t.first_child + static_cast<int>(k))
        throw std::logic_error("lexicon tree children are not contiguous");
  }
  for (int c : b[0].children) entries_[b[c].phone].push_back(new_id[c]);
  for (int c : filler_first) filler_entries_.push_back(new_id[c]);
}

}  // namespace asr
