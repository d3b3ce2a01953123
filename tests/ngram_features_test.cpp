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
