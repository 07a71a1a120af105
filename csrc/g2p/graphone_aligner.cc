#include "g2p/graphone_aligner.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_map>

#include "common/error.h"
#include "g2p/graphone.h"

namespace asr::g2p {

namespace {

// Entries as dense symbol ids (letters 1..A, phones 1..P; 0 = "none").
struct EncodedLexicon {
  std::vector<std::string> letter_names{""}, phone_names{""};
  std::vector<uint8_t> letters, phones;               // concatenated
  std::vector<uint32_t> letter_begin{0}, phone_begin{0};  // per entry, plus an end
  size_t size() const { return letter_begin.size() - 1; }
};

EncodedLexicon Encode(const std::vector<LexiconEntry>& entries) {
  EncodedLexicon lex;
  int letter_id[256] = {0};
  std::unordered_map<std::string, int> phone_id;
  for (const LexiconEntry& e : entries) {
    if (e.spelling.empty()) throw InvalidArgument("a lexicon entry has an empty spelling");
    if (e.phones.empty()) throw InvalidArgument("lexicon entry '" + e.spelling + "' has no phones");
    for (unsigned char c : e.spelling) {
      if (!IsSpellingByte(c)) throw InvalidArgument("lexicon entry '" + e.spelling + "' has a character that cannot be a letter");
      if (letter_id[c] == 0) {
        if (lex.letter_names.size() > 254) throw InvalidArgument("more than 254 distinct letters");
        letter_id[c] = static_cast<int>(lex.letter_names.size());
        lex.letter_names.emplace_back(1, static_cast<char>(c));
      }
      lex.letters.push_back(static_cast<uint8_t>(letter_id[c]));
    }
    for (const std::string& p : e.phones) {
      if (p.empty() || p == kNoPhones || p.find_first_of(" \t}|") != std::string::npos)
        throw InvalidArgument("lexicon entry '" + e.spelling + "' has an invalid phone '" + p + "'");
      auto it = phone_id.find(p);
      if (it == phone_id.end()) {
        if (lex.phone_names.size() > 254) throw InvalidArgument("more than 254 distinct phones");
        it = phone_id.emplace(p, static_cast<int>(lex.phone_names.size())).first;
        lex.phone_names.push_back(p);
      }
      lex.phones.push_back(static_cast<uint8_t>(it->second));
    }
    lex.letter_begin.push_back(static_cast<uint32_t>(lex.letters.size()));
    lex.phone_begin.push_back(static_cast<uint32_t>(lex.phones.size()));
  }
  return lex;
}

struct ArcShape {
  int letters, phones;
};

// The graphone of an arc as a dense index: (l1, l2, p1, p2) in mixed radix.
class GraphoneIndex {
 public:
  GraphoneIndex(size_t letters, size_t phones) : a_(letters), p_(phones) {}
  size_t size() const { return a_ * a_ * p_ * p_; }
  size_t Key(const uint8_t* l, const uint8_t* ph, ArcShape s) const {
    const size_t l2 = s.letters > 1 ? l[1] : 0, p1 = s.phones > 0 ? ph[0] : 0, p2 = s.phones > 1 ? ph[1] : 0;
    return ((l[0] * a_ + l2) * p_ + p1) * p_ + p2;
  }

 private:
  size_t a_, p_;  // symbol counts including "none"
};

}  // namespace

AlignmentResult AlignLexicon(const std::vector<LexiconEntry>& entries, const AlignerOptions& o) {
  if (o.max_letters < 1 || o.max_letters > 2) throw InvalidArgument("max_letters must be 1 or 2");
  if (o.max_phones < 1 || o.max_phones > 2) throw InvalidArgument("max_phones must be 1 or 2");
  if (o.iterations < 1 || o.iterations > 100) throw InvalidArgument("iterations must be from 1 to 100");
  const EncodedLexicon lex = Encode(entries);
  std::vector<ArcShape> shapes;
  for (int a = 1; a <= o.max_letters; ++a)
    for (int b = o.silent_letters ? 0 : 1; b <= o.max_phones; ++b)
      if (o.many_to_many || a == 1 || b <= 1) shapes.push_back({a, b});

  const GraphoneIndex index(lex.letter_names.size(), lex.phone_names.size());
  // Start from equal weights: the first E-step then counts each graphone by
  // the share of the lattice paths that use it.
  std::vector<double> prob(index.size(), 1.0), counts(index.size());
  std::vector<double> alpha, beta;
  AlignmentResult result;

  // Forward-backward over each entry's lattice, node (i, j) = i letters and
  // j phones consumed, stored at i * (J + 1) + j.
  for (int it = 0; it < o.iterations; ++it) {
    std::fill(counts.begin(), counts.end(), 0.0);
    double loglik = 0;
    for (size_t e = 0; e < lex.size(); ++e) {
      const uint8_t* L = lex.letters.data() + lex.letter_begin[e];
      const uint8_t* P = lex.phones.data() + lex.phone_begin[e];
      const int I = static_cast<int>(lex.letter_begin[e + 1] - lex.letter_begin[e]);
      const int J = static_cast<int>(lex.phone_begin[e + 1] - lex.phone_begin[e]);
      const int W = J + 1;
      alpha.assign(static_cast<size_t>(I + 1) * W, 0.0);
      beta.assign(alpha.size(), 0.0);
      alpha[0] = 1.0;
      for (int i = 0; i < I; ++i)
        for (int j = 0; j <= J; ++j) {
          const double a = alpha[i * W + j];
          if (a == 0.0) continue;
          for (ArcShape s : shapes)
            if (i + s.letters <= I && j + s.phones <= J)
              alpha[(i + s.letters) * W + j + s.phones] += a * prob[index.Key(L + i, P + j, s)];
        }
      const double total = alpha[static_cast<size_t>(I) * W + J];
      if (!(total > 0.0) || !std::isfinite(total)) continue;
      beta[static_cast<size_t>(I) * W + J] = 1.0;
      for (int i = I - 1; i >= 0; --i)
        for (int j = J; j >= 0; --j) {
          const double a = alpha[i * W + j];
          double b = 0;
          for (ArcShape s : shapes)
            if (i + s.letters <= I && j + s.phones <= J) {
              const size_t k = index.Key(L + i, P + j, s);
              const double pb = prob[k] * beta[(i + s.letters) * W + j + s.phones];
              b += pb;
              if (a != 0.0) counts[k] += a * pb / total;
            }
          beta[i * W + j] = b;
        }
      loglik += std::log(total);
    }
    double sum = 0;
    for (double c : counts) sum += c;
    if (!(sum > 0)) break;  // nothing alignable
    for (size_t k = 0; k < prob.size(); ++k) prob[k] = counts[k] / sum;
    result.log_likelihood = loglik;
  }

  // Viterbi alignment of each entry under the final distribution.
  std::vector<double> cost(prob.size());
  for (size_t k = 0; k < prob.size(); ++k) {
    cost[k] = prob[k] > 0 ? -std::log(prob[k]) : std::numeric_limits<double>::infinity();
    if (prob[k] > 0) ++result.candidate_graphones;
  }
  // The graphones the final alignments use: EM leaves a little probability on
  // many candidates no Viterbi path takes, so the support overstates the
  // inventory the n-gram is estimated over.
  std::vector<bool> used(prob.size(), false);
  std::vector<double> best;
  std::vector<int> back;  // shape index of the best arc into each node
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (size_t e = 0; e < lex.size(); ++e) {
    const uint8_t* L = lex.letters.data() + lex.letter_begin[e];
    const uint8_t* P = lex.phones.data() + lex.phone_begin[e];
    const int I = static_cast<int>(lex.letter_begin[e + 1] - lex.letter_begin[e]);
    const int J = static_cast<int>(lex.phone_begin[e + 1] - lex.phone_begin[e]);
    const int W = J + 1;
    best.assign(static_cast<size_t>(I + 1) * W, kInf);
    back.assign(best.size(), -1);
    best[0] = 0;
    for (int i = 0; i < I; ++i)
      for (int j = 0; j <= J; ++j) {
        const double c0 = best[i * W + j];
        if (c0 == kInf) continue;
        for (size_t si = 0; si < shapes.size(); ++si) {
          const ArcShape s = shapes[si];
          if (i + s.letters > I || j + s.phones > J) continue;
          double c = cost[index.Key(L + i, P + j, s)];
          if (o.penalize_long) c *= std::max(s.letters, s.phones);
          const size_t to = (i + s.letters) * W + j + s.phones;
          if (c0 + c < best[to]) {
            best[to] = c0 + c;
            back[to] = static_cast<int>(si);
          }
        }
      }
    if (best[static_cast<size_t>(I) * W + J] == kInf) {
      ++result.unaligned;
      continue;
    }
    std::vector<std::string> tokens;
    int i = I, j = J;
    while (i > 0) {
      const ArcShape s = shapes[back[i * W + j]];
      i -= s.letters;
      j -= s.phones;
      const size_t key = index.Key(L + i, P + j, s);
      if (!used[key]) {
        used[key] = true;
        ++result.graphones;
      }
      std::string letters;
      for (int k = 0; k < s.letters; ++k) letters += lex.letter_names[L[i + k]];
      std::vector<std::string> phones;
      for (int k = 0; k < s.phones; ++k) phones.push_back(lex.phone_names[P[j + k]]);
      tokens.push_back(GraphoneToken(letters, phones));
    }
    std::string sentence;
    for (size_t k = tokens.size(); k-- > 0;) {
      sentence += tokens[k];
      if (k) sentence += ' ';
    }
    result.sentences.push_back(std::move(sentence));
  }
  return result;
}

}  // namespace asr::g2p
