#include "g2p/graphone_model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>

#include "common/error.h"
#include "g2p/graphone.h"
#include "lm/mapped_file.h"
#include "lm/mkn_estimator.h"
#include "lm/ngram_builder.h"

namespace asr::g2p {

namespace {

constexpr char kMagic[8] = {'A', 'S', 'R', 'G', '2', 'P', '\0', '\x1a'};

struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;     // sizeof(FileHeader)
  uint64_t file_bytes;       // whole file, guards against truncation
  uint64_t image_offset;     // the n-gram image, 8-byte aligned
  uint64_t image_bytes;
  uint64_t header_checksum;  // of this header with this field zero
};
static_assert(sizeof(FileHeader) % 8 == 0, "the image must stay 8-byte aligned");

uint64_t HeaderChecksum(FileHeader h) {
  h.header_checksum = 0;
  return lm::ImageChecksum(reinterpret_cast<const uint8_t*>(&h), sizeof(h));
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

GraphoneModel::GraphoneModel(std::shared_ptr<const lm::NgramModel> lm) : lm_(std::move(lm)) {
  const lm::Vocabulary& v = lm_->vocab();
  // Group the graphones by spelling; phone names get dense ids.
  std::map<std::string, std::vector<std::pair<lm::WordId, std::vector<uint16_t>>>> groups;
  std::map<std::string, uint16_t> phone_id;
  std::vector<std::pair<lm::WordId, Graphone>> parsed;
  for (lm::WordId w = 0; w < v.size(); ++w) {
    if (w == v.bos() || w == v.eos() || w == v.unk()) continue;
    Graphone g;
    if (!ParseGraphoneToken(v.Word(w), &g))
      throw FormatError(lm_->name() + ": '" + std::string(v.Word(w)) + "' is not a graphone");
    for (const std::string& p : g.phones) phone_id.emplace(p, 0);
    parsed.emplace_back(w, std::move(g));
  }
  if (parsed.empty()) throw FormatError(lm_->name() + ": the model has no graphones");
  if (phone_id.size() > 65535) throw FormatError(lm_->name() + ": too many phones");
  for (auto& [name, id] : phone_id) {
    id = static_cast<uint16_t>(phone_names_.size());
    phone_names_.push_back(name);
  }
  for (auto& [w, g] : parsed) {
    std::vector<uint16_t> ids;
    for (const std::string& p : g.phones) ids.push_back(phone_id[p]);
    for (unsigned char c : g.letters) letters_[c] = true;
    max_letters_ = std::max(max_letters_, static_cast<int>(g.letters.size()));
    groups[g.letters].emplace_back(w, std::move(ids));
  }
  for (auto& [spelling, list] : groups) {
    Range r;
    r.begin = static_cast<uint32_t>(candidates_.size());
    for (auto& [w, ids] : list) {
      candidates_.push_back({w, static_cast<uint32_t>(phones_.size()), static_cast<uint32_t>(ids.size())});
      phones_.insert(phones_.end(), ids.begin(), ids.end());
    }
    r.end = static_cast<uint32_t>(candidates_.size());
    by_spelling_.emplace(spelling, r);
  }
}

std::shared_ptr<GraphoneModel> GraphoneModel::Train(const std::vector<LexiconEntry>& entries,
                                                    const G2pTrainOptions& options, G2pTrainReport* report) {
  if (options.order < 1 || options.order > lm::kMaxOrder) throw InvalidArgument("order must be from 1 to 6");
  auto t0 = std::chrono::steady_clock::now();
  AlignmentResult aligned = AlignLexicon(entries, options.align);
  if (aligned.sentences.empty()) throw InvalidArgument("no lexicon entry could be aligned");
  const double align_seconds = Seconds(t0);
  t0 = std::chrono::steady_clock::now();
  lm::MknOptions mkn;
  mkn.order = options.order;
  lm::NgramSet set = lm::EstimateMkn(aligned.sentences, mkn);
  set.source = "graphone n-gram";
  auto ngram = std::make_shared<lm::NgramModel>(lm::BuildNgramImage(set), "graphone n-gram");
  auto model = std::make_shared<GraphoneModel>(ngram);
  if (report != nullptr) {
    report->entries = entries.size();
    report->unaligned = aligned.unaligned;
    report->graphones = aligned.graphones;
    report->ngrams.clear();
    for (int k = 1; k <= ngram->order(); ++k) report->ngrams.push_back(ngram->count(k));
    report->align_seconds = align_seconds;
    report->estimate_seconds = Seconds(t0);
  }
  return model;
}

void GraphoneModel::Save(const std::string& path) const {
  const lm::NgramImage& img = lm_->image();
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.version = kG2pFormatVersion;
  h.header_bytes = sizeof(FileHeader);
  h.image_offset = sizeof(FileHeader);
  h.image_bytes = img.size;
  h.file_bytes = h.image_offset + img.size;
  h.header_checksum = HeaderChecksum(h);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw InvalidArgument(path + ": cannot create: " + std::strerror(errno));
  bool ok = std::fwrite(&h, sizeof(h), 1, f) == 1 && std::fwrite(img.data, 1, img.size, f) == img.size;
  ok = std::fflush(f) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) throw InvalidArgument(path + ": write failed");
}

std::shared_ptr<GraphoneModel> GraphoneModel::Load(const std::string& path) {
  lm::MappedFile file = lm::MapFile(path);
  FileHeader h;
  if (file.size < sizeof(h)) throw FormatError(path + ": not a G2P model (file too short)");
  std::memcpy(&h, file.data, sizeof(h));
  if (std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0) throw FormatError(path + ": not a G2P model (bad magic)");
  if (h.version != kG2pFormatVersion)
    throw FormatError(path + ": G2P model format version " + std::to_string(h.version) + ", expected " +
                      std::to_string(kG2pFormatVersion));
  if (h.header_checksum != HeaderChecksum(h)) throw FormatError(path + ": corrupt G2P model header");
  if (h.header_bytes != sizeof(FileHeader) || h.image_offset < sizeof(FileHeader) || h.image_offset % 8 != 0 ||
      h.file_bytes != file.size || h.image_offset > file.size || h.image_bytes != file.size - h.image_offset)
    throw FormatError(path + ": truncated or malformed G2P model");
  lm::NgramImage img;
  img.owner = file.owner;
  img.data = file.data + h.image_offset;
  img.size = h.image_bytes;
  auto ngram = std::make_shared<lm::NgramModel>(std::move(img), path, /*verify_checksum=*/true);
  return std::make_shared<GraphoneModel>(ngram);
}

std::string GraphoneModel::Letters() const {
  std::string s;
  for (int c = 0; c < 256; ++c)
    if (letters_[c]) s += static_cast<char>(c);
  return s;
}

std::vector<std::string> GraphoneModel::Phones() const { return phone_names_; }

}  // namespace asr::g2p
