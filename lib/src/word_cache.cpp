#include "senti/word_cache.h"

#include <algorithm>

namespace senti {
namespace {

// Longer words are encoded every time: they are rare and would crowd the cache.
constexpr size_t kMaxCachedWordBytes = 64;

}  // namespace

WordCache::WordCache(Tokenizer tokenizer, size_t max_words)
    : tokenizer_(std::move(tokenizer)), words_(max_words, kMaxCachedWordBytes) {}

std::vector<int64_t> WordCache::encode_for_model(std::string_view text, int64_t max_tokens,
                                                 bool* truncated) {
  std::vector<int64_t> ids;
  if (text.size() > Tokenizer::byte_limit(max_tokens) || !encode_words(text, ids)) {
    return tokenizer_.encode_for_model(text, max_tokens, truncated);
  }
  const bool cut = Tokenizer::fit_to_model(ids, max_tokens);
  if (truncated != nullptr) *truncated = cut;
  return ids;
}

bool WordCache::encode_words(std::string_view text, std::vector<int64_t>& ids) {
  // Printable ASCII only: SentencePiece's normalisation maps each such character to itself (or
  // its lower case), so nothing joins or splits across the spaces.
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; })) {
    return false;
  }
  ids.reserve(text.size() / 3 + 1);
  for (size_t begin = 0; begin < text.size();) {
    if (text[begin] == ' ') {
      ++begin;
      continue;
    }
    const size_t end = std::min(text.size(), text.find(' ', begin));
    const auto word = text.substr(begin, end - begin);
    begin = end;
    const auto pieces =
        words_.find_or_add(word, [&](std::string_view key, std::vector<int64_t>& out) {
          const auto encoded = tokenizer_.encode(key);
          out.insert(out.end(), encoded.begin(), encoded.end());
        });
    if (pieces.size == 0) continue;
    // SentencePiece merges neighbouring unknown pieces, also across words.
    if (!ids.empty() && ids.back() == Tokenizer::kUnkId && pieces.data[0] == Tokenizer::kUnkId) {
      return false;
    }
    ids.insert(ids.end(), pieces.data, pieces.data + pieces.size);
  }
  return !ids.empty();
}

}  // namespace senti
