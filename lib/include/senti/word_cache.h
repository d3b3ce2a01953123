#pragma once
// Remembers the pieces of words, so that prediction asks SentencePiece about each distinct word
// once instead of about every text.
//
// senti's tokenizers split on whitespace (SentencePiece's default): no piece spans a space, and
// the segmentation of a text is that of its words, one after the other. So a text of printable
// ASCII words is encoded word by word from the cache. Other texts (non-ASCII, tabs, very long
// lines) and the one case where joining changes the result (an unknown piece at the end of a word
// and at the start of the next, which SentencePiece merges) go to SentencePiece whole.
//
// One difference remains, in ties: when two segmentations of a word score exactly the same
// ("nn|n" and "n|nn"), SentencePiece's choice within a whole text depends on float rounding of
// the scores of the words before it, while the cache always gives the word's own choice. This is
// the same word-level split Hugging Face's SentencePiece tokenizers make; on SST-2's 67,349
// training lines it changes nothing (tests/word_cache_test.cpp checks texts against SentencePiece).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "senti/span_cache.h"
#include "senti/tokenizer.h"

namespace senti {

class WordCache {
 public:
  /// A cache for `tokenizer` holding at most `max_words` words (it starts over when full).
  explicit WordCache(Tokenizer tokenizer, size_t max_words = 100000);

  /// What tokenizer.encode_for_model(text, max_tokens, truncated) gives (see above for ties).
  std::vector<int64_t> encode_for_model(std::string_view text, int64_t max_tokens,
                                        bool* truncated = nullptr);

  /// Words held now.
  size_t size() const { return words_.size(); }

 private:
  // Appends the pieces of `text` word by word; false when `text` must go to SentencePiece whole.
  bool encode_words(std::string_view text, std::vector<int64_t>& ids);

  Tokenizer tokenizer_;
  SpanCache<int64_t> words_;  // each word's pieces
};

}  // namespace senti
