#include "adapt/regression_tree.h"

#include <map>

#include "common/error.h"

namespace asr {

namespace {

// Leaf class of each ARPAbet phone (CMUdict's 39 phones).
const std::map<std::string, std::string>& PhoneClasses() {
  static const std::map<std::string, std::string> table = {
      {"IY", "front vowels"}, {"IH", "front vowels"}, {"EH", "front vowels"}, {"AE", "front vowels"},
      {"EY", "front vowels"}, {"AY", "front vowels"}, {"OY", "front vowels"}, {"AW", "front vowels"},
      {"AA", "back vowels"},  {"AO", "back vowels"},  {"AH", "back vowels"},  {"UH", "back vowels"},
      {"UW", "back vowels"},  {"OW", "back vowels"},  {"ER", "back vowels"},
      {"B", "stops"},  {"D", "stops"},  {"G", "stops"},  {"K", "stops"},  {"P", "stops"},
      {"T", "stops"},  {"CH", "stops"}, {"JH", "stops"},
      {"DH", "fricatives"}, {"F", "fricatives"}, {"HH", "fricatives"}, {"S", "fricatives"},
      {"SH", "fricatives"}, {"TH", "fricatives"}, {"V", "fricatives"}, {"Z", "fricatives"},
      {"ZH", "fricatives"},
      {"M", "sonorants"}, {"N", "sonorants"}, {"NG", "sonorants"}, {"L", "sonorants"},
      {"R", "sonorants"}, {"W", "sonorants"}, {"Y", "sonorants"},
  };
  return table;
}

}  // namespace

RegressionTree RegressionTree::Phonetic(const AcousticModel& model) {
  RegressionTree tree;
  // name, parent name; parents first.
  const std::pair<const char*, const char*> shape[] = {
      {"all", ""},
      {"non-speech", "all"},
      {"speech", "all"},
      {"vowels", "speech"},
      {"consonants", "speech"},
      {"front vowels", "vowels"},
      {"back vowels", "vowels"},
      {"obstruents", "consonants"},
      {"sonorants", "consonants"},
      {"stops", "obstruents"},
      {"fricatives", "obstruents"},
  };
  std::map<std::string, int> id;
  for (const auto& [name, parent] : shape) {
    RegressionNode n;
    n.name = name;
    n.parent = *parent ? id.at(parent) : -1;
    id[name] = static_cast<int>(tree.nodes_.size());
    tree.nodes_.push_back(n);
  }
  const Mdef& mdef = model.mdef();
  const int n_cb = model.codebooks()->n_codebook();
  std::map<int, int> phone_node;  // CI phone -> its leaf node
  for (int cb = 0; cb < n_cb; ++cb) {
    int leaf = id.at("all");
    if (model.kind() != ModelKind::kSemi) {
      // PTM: a codebook per CI phone; continuous: a codebook per senone.
      const int ci = model.kind() == ModelKind::kPtm ? cb : mdef.SenoneCiPhone(cb);
      const std::string& phone = mdef.PhoneName(ci);
      if (mdef.IsFiller(ci)) {
        leaf = id.at("non-speech");
      } else {
        auto it = PhoneClasses().find(phone);
        leaf = it != PhoneClasses().end() ? id.at(it->second) : id.at("speech");
      }
      // Below the classes, one node per phone.
      auto pn = phone_node.find(ci);
      if (pn == phone_node.end()) {
        RegressionNode n;
        n.name = phone;
        n.parent = leaf;
        pn = phone_node.emplace(ci, static_cast<int>(tree.nodes_.size())).first;
        tree.nodes_.push_back(n);
      }
      leaf = pn->second;
    }
    for (int n = leaf; n >= 0; n = tree.nodes_[n].parent) tree.nodes_[n].codebooks.push_back(cb);
  }
  return tree;
}

RegressionClasses RegressionTree::Choose(const std::vector<double>& codebook_frames, double min_frames) const {
  RegressionClasses rc;
  rc.class_of_codebook.assign(codebook_frames.size(), 0);
  std::vector<int> class_of_node(nodes_.size(), -1);
  for (int n = 0; n < n_node(); ++n) {
    double frames = 0;
    for (int cb : nodes_[n].codebooks) {
      if (cb < 0 || cb >= static_cast<int>(codebook_frames.size()))
        throw InvalidArgument("regression tree: codebook frame counts do not fit the model");
      frames += codebook_frames[cb];
    }
    if (n != 0 && (frames < min_frames || nodes_[n].codebooks.empty())) continue;
    // A child with the same codebooks as its parent adds nothing.
    if (n != 0 && nodes_[n].codebooks.size() == nodes_[nodes_[n].parent].codebooks.size()) continue;
    class_of_node[n] = static_cast<int>(rc.nodes.size());
    rc.nodes.push_back(n);
    // Parents come first, so deeper nodes overwrite their ancestors' claim.
    for (int cb : nodes_[n].codebooks) rc.class_of_codebook[cb] = class_of_node[n];
  }
  return rc;
}

}  // namespace asr
