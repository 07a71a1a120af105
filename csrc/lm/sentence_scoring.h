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
  SentenceScore r;
  const Vocabulary& vocab = m.vocab();
  State s = bos ? m.BeginState() : m.NullState();
  ForEachToken(text, [&](std::string_view tok) {
    const WordId w = vocab.Index(tok);
    r.oov += w == vocab.unk();
    r.log_prob += m.Score(s, w, &s);
    ++r.words;
  });
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
