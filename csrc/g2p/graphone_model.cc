#include "g2p/graphone_model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
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
  uint64_t image_offset;     // the left-to-right n-gram image, 8-byte aligned
  uint64_t image_bytes;
  uint64_t reverse_offset;   // the right-to-left one (both 0 if none), 8-byte aligned
  uint64_t reverse_bytes;
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

GraphoneModel::GraphoneModel(std::shared_ptr<const lm::NgramModel> lm, std::shared_ptr<const GraphoneModel> right_to_left)
    : lm_(std::move(lm)), reverse_(std::move(right_to_left)) {
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
  // The right-to-left model trains on another core meanwhile (its own EM:
  // the alignments of the two directions differ where ties break).
  std::future<std::shared_ptr<GraphoneModel>> backward;
  G2pTrainReport backward_report;
  if (options.right_to_left) {
    std::vector<LexiconEntry> reversed;
    reversed.reserve(entries.size());
    for (const LexiconEntry& e : entries)
      reversed.push_back({std::string(e.spelling.rbegin(), e.spelling.rend()),
                          std::vector<std::string>(e.phones.rbegin(), e.phones.rend())});
    G2pTrainOptions one_way = options;
    one_way.right_to_left = false;
    backward = std::async(std::launch::async, [reversed = std::move(reversed), one_way, &backward_report] {
      return Train(reversed, one_way, &backward_report);
    });
  }
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
  const double estimate_seconds = Seconds(t0);
  std::shared_ptr<GraphoneModel> reverse = options.right_to_left ? backward.get() : nullptr;
  auto model = std::make_shared<GraphoneModel>(ngram, reverse);
  if (report != nullptr) {
    report->entries = entries.size();
    report->unaligned = aligned.unaligned;
    report->graphones = aligned.graphones;
    report->candidate_graphones = aligned.candidate_graphones;
    report->ngrams.clear();
    for (int k = 1; k <= ngram->order(); ++k) report->ngrams.push_back(ngram->count(k));
    report->align_seconds = align_seconds + backward_report.align_seconds;
    report->estimate_seconds = estimate_seconds + backward_report.estimate_seconds;
  }
  return model;
}

void GraphoneModel::Save(const std::string& path) const {
  const lm::NgramImage& img = lm_->image();
  const lm::NgramImage* rev = reverse_ != nullptr ? &reverse_->lm().image() : nullptr;
  static const char kPad[8] = {};
  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.version = kG2pFormatVersion;
  h.header_bytes = sizeof(FileHeader);
  h.image_offset = sizeof(FileHeader);
  h.image_bytes = img.size;
  const size_t pad = rev != nullptr ? (8 - img.size % 8) % 8 : 0;
  if (rev != nullptr) {
    h.reverse_offset = h.image_offset + img.size + pad;
    h.reverse_bytes = rev->size;
  }
  h.file_bytes = rev != nullptr ? h.reverse_offset + rev->size : h.image_offset + img.size;
  h.header_checksum = HeaderChecksum(h);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) throw InvalidArgument(path + ": cannot create: " + std::strerror(errno));
  bool ok = std::fwrite(&h, sizeof(h), 1, f) == 1 && std::fwrite(img.data, 1, img.size, f) == img.size;
  if (rev != nullptr)
    ok = ok && std::fwrite(kPad, 1, pad, f) == pad && std::fwrite(rev->data, 1, rev->size, f) == rev->size;
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
  const bool two_way = h.reverse_bytes != 0;
  bool ok = h.header_bytes == sizeof(FileHeader) && h.file_bytes == file.size &&
            h.image_offset >= sizeof(FileHeader) && h.image_offset % 8 == 0 && h.image_offset <= file.size &&
            h.image_bytes <= file.size - h.image_offset;
  const uint64_t first_end = ok ? h.image_offset + h.image_bytes : 0;
  if (two_way)  // the second image follows the first after at most 7 bytes of padding
    ok = ok && h.reverse_offset % 8 == 0 && h.reverse_offset >= first_end && h.reverse_offset - first_end < 8 &&
         h.reverse_offset <= file.size && h.reverse_bytes == file.size - h.reverse_offset;
  else
    ok = ok && h.reverse_offset == 0 && first_end == file.size;
  if (!ok)
    throw FormatError(path + ": truncated or malformed G2P model");
  const auto image = [&](uint64_t offset, uint64_t bytes) {
    lm::NgramImage img;
    img.owner = file.owner;
    img.data = file.data + offset;
    img.size = bytes;
    return std::make_shared<lm::NgramModel>(std::move(img), path, /*verify_checksum=*/true);
  };
  std::shared_ptr<const GraphoneModel> reverse;
  if (two_way) reverse = std::make_shared<GraphoneModel>(image(h.reverse_offset, h.reverse_bytes));
  return std::make_shared<GraphoneModel>(image(h.image_offset, h.image_bytes), reverse);
}

std::string GraphoneModel::Letters() const {
  std::string s;
  for (int c = 0; c < 256; ++c)
    if (letters_[c]) s += static_cast<char>(c);
  return s;
}

std::vector<std::string> GraphoneModel::Phones() const { return phone_names_; }

}  // namespace asr::g2p
