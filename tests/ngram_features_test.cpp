#include <catch2/catch.hpp>

#include <algorithm>

#include "senti/ngram_features.h"

namespace {

// Many buckets, so that distinct n-grams of these short texts do not collide.
constexpr uint32_t kBuckets = 1u << 30;

senti::HashedNgrams ngrams(std::string_view text) {
  senti::HashedNgrams out;
  senti::hash_ngrams(text, kBuckets, out);
  return out;
}

}  // namespace

// The counts below are what scikit-learn's TfidfVectorizer analyzers give for the same texts
// (default token pattern with ngram_range=(1, 2); analyzer="char_wb", ngram_range=(2, 5)).
TEST_CASE("ngram features: words and word pairs as scikit-learn tokenizes them", "[ngram]") {
  // not, good, not, bad, it ("s" and the one-letter words are too short); four pairs.
  const auto out = ngrams("Not GOOD, not bad! a b it's");
  REQUIRE(out.words.size() == 9);
  // Each word, then its pair with the next: not, "not good", good, "good not", not, ...
  CHECK(out.words[0] == out.words[4]);  // "not" twice, one bucket
  CHECK(out.words[1] != out.words[0]);  // "not good" is not "not"
  CHECK(std::count(out.words.begin(), out.words.end(), out.words[0]) == 2);
  CHECK(ngrams("not good").words == ngrams("NOT  Good").words);  // case and spacing do not count
  CHECK(ngrams("a b c , !").words.empty());
  CHECK(ngrams("").words.empty());
  CHECK(ngrams("").chars.empty());
}

TEST_CASE("ngram features: character 2-5-grams inside padded words (char_wb)", "[ngram]") {
  CHECK(ngrams("hi").chars.size() == 6);      // " h" "hi" "i " " hi" "hi " " hi "
  CHECK(ngrams("a").chars.size() == 3);       // " a" "a " " a ": a short word counts once
  CHECK(ngrams("hello").chars.size() == 18);  // 6 + 5 + 4 + 3
  CHECK(ngrams("ab cd").chars.size() == 12);
  // UTF-8 characters, not bytes: " café " is 6 characters (7 bytes would give 18).
  CHECK(ngrams("caf\xC3\xA9").chars.size() == 14);
  // Character n-grams hash apart from words: "hi" the word is not " hi " or "hi" the n-gram.
  const auto out = ngrams("hi");
  for (uint32_t word : out.words) {
    CHECK(std::find(out.chars.begin(), out.chars.end(), word) == out.chars.end());
  }
}

TEST_CASE("ngram features: buckets stay below the bucket count", "[ngram]") {
  senti::HashedNgrams out;
  senti::hash_ngrams("The screenplay felt fresh and clever, five stars.", 7, out);
  REQUIRE(!out.words.empty());
  for (uint32_t bucket : out.words) CHECK(bucket < 7);
  for (uint32_t bucket : out.chars) CHECK(bucket < 7);
}

TEST_CASE("ngram features: spans say where each n-gram came from", "[ngram]") {
  const std::string text = "Not GOOD,  bad";
  senti::HashedNgrams out;
  senti::hash_ngrams(text, kBuckets, out, /*with_spans=*/true);
  const auto bytes = [&](senti::Span span) {
    return text.substr(span.begin, span.end - span.begin);
  };
  REQUIRE(out.chunks.size() == 3);
  CHECK(bytes(out.chunks[0]) == "Not");
  CHECK(bytes(out.chunks[1]) == "GOOD,");
  CHECK(bytes(out.chunks[2]) == "bad");
  // not, "not good", good, "good bad", bad: a pair spans from its first word to its last.
  REQUIRE(out.word_spans.size() == out.words.size());
  REQUIRE(out.words.size() == 5);
  CHECK(bytes(out.word_spans[0]) == "Not");
  CHECK(bytes(out.word_spans[1]) == "Not GOOD");
  CHECK(bytes(out.word_spans[3]) == "GOOD,  bad");
  CHECK(bytes(out.word_spans[4]) == "bad");
  // Each chunk's character n-grams point at the chunk, as many as the chunk alone gives.
  REQUIRE(out.char_spans.size() == out.chars.size());
  const auto from = [&](size_t chunk) {
    return std::count_if(out.char_spans.begin(), out.char_spans.end(), [&](senti::Span span) {
      return span.begin == out.chunks[chunk].begin && span.end == out.chunks[chunk].end;
    });
  };
  CHECK(from(0) == static_cast<long>(ngrams("not").chars.size()));
  CHECK(from(1) == static_cast<long>(ngrams("good,").chars.size()));
  CHECK(from(2) == static_cast<long>(ngrams("bad").chars.size()));
  // Spans change nothing else, and are left empty unless asked for.
  CHECK(out.words == ngrams(text).words);
  CHECK(out.chars == ngrams(text).chars);
  CHECK(ngrams(text).word_spans.empty());
  CHECK(ngrams(text).char_spans.empty());
  CHECK(ngrams(text).chunks.size() == 3);
}

TEST_CASE("ngram features: words alone, then each chunk's character n-grams", "[ngram]") {
  for (const std::string text : {"Not GOOD,  bad", "", "  caf\xC3\xA9 au lait\t!", "x"}) {
    INFO("'" << text << "'");
    const auto all = ngrams(text);
    senti::HashedNgrams words;
    senti::hash_words(text, kBuckets, words);
    CHECK(words.words == all.words);
    CHECK(words.chars.empty());
    REQUIRE(words.chunks.size() == all.chunks.size());
    CHECK(words.lowered.size() == text.size());
    // The chunks' n-grams one after the other are the text's.
    std::vector<uint32_t> chars;
    for (const auto chunk : words.chunks) {
      senti::append_chunk_ngrams(
          std::string_view(words.lowered).substr(chunk.begin, chunk.end - chunk.begin), kBuckets,
          chars);
    }
    CHECK(chars == all.chars);
  }
}
