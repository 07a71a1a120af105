// Whole-sentence scoring over any WordSequenceModel, tokenising the way
// KenLM's Python module does (ASCII whitespace), so totals are comparable.
// Templated on the model type so the n-gram model's Score inlines in the
// per-word loop; the generic instantiation goes through the virtual calls.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "lm/vocabulary.h"
#include "lm/word_sequence_model.h"

namespace asr::lm {

struct SentenceScore {
  double log_prob = 0.0;  // natural log, sum over words (+ </s>)
  uint32_t words = 0;     // tokens scored, not counting </s>
  uint32_t oov = 0;       // tokens that map to <unk> (including "<unk>" itself, as KenLM)
};

inline bool IsTokenSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

template <typename F>
void ForEachToken(std::string_view text, F&& f) {
  size_t i = 0, n = text.size();
  while (i < n) {
    while (i < n && IsTokenSpace(text[i])) ++i;
    if (i >= n) break;
    size_t j = i;
    while (j < n && !IsTokenSpace(text[j])) ++j;
    f(text.substr(i, j - i));
    i = j;
  }
}

template <typename Model>
SentenceScore ScoreSentenceText(const Model& m, std::string_view text, bool bos, bool eos) {
  // Words are handled in blocks: hash all and prefetch their vocabulary
  // slots, then resolve them, then score. The lookups are independent of each
  // other, so their cache misses overlap; scoring is a chain through states.
  constexpr size_t kBlock = 32;
  std::string_view toks[kBlock];
  uint64_t hashes[kBlock];
  size_t n = 0;
  SentenceScore r;
  const Vocabulary& vocab = m.vocab();
  State s = bos ? m.BeginState() : m.NullState();
  auto flush = [&] {
    WordId ids[kBlock];
    for (size_t i = 0; i < n; ++i) {
      WordId w = vocab.FindHashed(toks[i], hashes[i]);
      if (w == kNoWord) w = vocab.unk();
      r.oov += w == vocab.unk();
      ids[i] = w;
    }
    for (size_t i = 0; i < n; ++i) r.log_prob += m.Score(s, ids[i], &s);
    r.words += static_cast<uint32_t>(n);
    n = 0;
  };
  ForEachToken(text, [&](std::string_view tok) {
    toks[n] = tok;
    hashes[n] = HashWord(tok);
    vocab.Prefetch(hashes[n]);
    if (++n == kBlock) flush();
  });
  flush();
  if (eos) r.log_prob += m.Final(s);
  return r;
}

template <typename Model>
SentenceScore ScoreSentenceIds(const Model& m, const WordId* ids, size_t n, bool bos, bool eos) {
  SentenceScore r;
  State s = bos ? m.BeginState() : m.NullState();
  for (size_t i = 0; i < n; ++i) {
    r.log_prob += m.Score(s, ids[i], &s);
    r.oov += ids[i] == m.vocab().unk();
  }
  r.words = static_cast<uint32_t>(n);
  if (eos) r.log_prob += m.Final(s);
  return r;
}

}  // namespace asr::lm
