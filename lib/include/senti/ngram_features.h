#pragma once
// The n-grams of a text that senti's linear model reads, hashed into buckets: word unigrams and
// bigrams, and character 2-5-grams inside word boundaries. They follow scikit-learn's
// TfidfVectorizer (default token pattern, and analyzer="char_wb"), the features of the TF-IDF +
// logistic regression baseline, with two differences: only ASCII letters are lower-cased, and
// every byte of a multi-byte UTF-8 character counts as a word character.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace senti {

/// Bytes [begin, end) of a text.
struct Span {
  uint32_t begin = 0, end = 0;
};

/// Word n-grams and character n-grams of one text, as bucket ids in [0, buckets); an n-gram
/// that occurs twice appears twice.
struct HashedNgrams {
  std::vector<uint32_t> words;  ///< word unigrams and bigrams
  std::vector<uint32_t> chars;  ///< character 2-5-grams of each space-padded chunk
  std::vector<Span> chunks;     ///< the text's whitespace-separated chunks, in order
  std::string lowered;          ///< the text with ASCII letters lower-cased, byte for byte
  // Filled only when asked for spans (explanations):
  std::vector<Span> word_spans;  ///< per entry of `words`: its bytes (a pair's: both words)
  std::vector<Span> char_spans;  ///< per entry of `chars`: the chunk it was taken from
};

/// Fills `out` (cleared first) with the hashed n-grams of `text`, and with where they came from
/// when `with_spans`. `buckets` must be >= 1.
///
/// Words are runs of two or more word characters (ASCII letters, digits, '_', and any byte of a
/// multi-byte character), lower-cased. Character n-grams are taken from each whitespace-separated
/// chunk padded with one space on either side, counting UTF-8 characters, not bytes; a padded
/// chunk of at most n characters gives itself once, at the first such n (scikit-learn's char_wb).
void hash_ngrams(std::string_view text, uint32_t buckets, HashedNgrams& out,
                 bool with_spans = false);

/// hash_ngrams() without the character n-grams: words, chunks, `lowered` and, when `with_spans`,
/// word spans; `chars` and `char_spans` are left empty. The character n-grams of the chunks are
/// then append_chunk_ngrams() of each chunk's lowered bytes, in order.
void hash_words(std::string_view text, uint32_t buckets, HashedNgrams& out,
                bool with_spans = false);

/// Appends the character 2-5-gram buckets of one chunk (its lower-cased bytes, no whitespace;
/// hash_ngrams() describes them) to `out`: a function of the chunk alone, so it can be cached.
void append_chunk_ngrams(std::string_view chunk, uint32_t buckets, std::vector<uint32_t>& out);

}  // namespace senti
