#include <catch2/catch.hpp>

#include "senti/word_cache.h"
#include "test_util.h"

namespace {

using senti::test::sample_texts;

// Texts the cache must encode exactly as SentencePiece does: the sample reviews and variants
// that reach every path (spacing, case, punctuation, unknown characters, non-ASCII, control
// characters, long words, nothing at all).
std::vector<std::string> probe_texts() {
  auto texts = sample_texts();
  const size_t reviews = texts.size();
  for (size_t i = 0; i < reviews; ++i) {
    texts.push_back("  " + texts[i] + "   ");
    std::string upper = texts[i];
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    texts.push_back(upper);
  }
  for (const char* text : {
           "", " ", "   ", "a", "not  good ,  not bad", "great!!! (really) -- 10/10 :-)",
           "~~~ ^^^ ``` {}", "~~ ~~", "qqq ~ ~ qqq", "x~ ~x", "{|}~ ~{|}",  // unknown pieces meet
           "\xC3\xA9t\xC3\xA9 caf\xC3\xA9",                                 // non-ASCII: whole text
           "tab\tseparated words", "line\rreturn", "emoji \xF0\x9F\x98\x80 here",
           "supercalifragilisticexpialidocious-and-then-some-more-words-joined-by-hyphens-"
           "beyond-sixty-four-bytes",  // a word too long to cache
       }) {
    texts.emplace_back(text);
  }
  return texts;
}

}  // namespace

TEST_CASE("word cache: the same pieces as SentencePiece", "[word_cache]") {
  senti::TokenizerOptions options;
  options.vocab_size = 200;
  for (const char* type : {"unigram", "bpe"}) {
    options.type = type;
    const auto tokenizer = senti::Tokenizer::train(sample_texts(), options, 1);
    senti::WordCache cache(tokenizer);
    for (int pass = 0; pass < 2; ++pass) {  // filling the cache, then reading from it
      for (const auto& text : probe_texts()) {
        INFO(type << " pass " << pass << ": '" << text << "'");
        bool expected_cut = true, cut = true;
        CHECK(cache.encode_for_model(text, 64, &cut) ==
              tokenizer.encode_for_model(text, 64, &expected_cut));
        CHECK(cut == expected_cut);
      }
    }
  }
}

TEST_CASE("word cache: remembers each distinct word once", "[word_cache]") {
  senti::TokenizerOptions options;
  options.vocab_size = 200;
  const auto tokenizer = senti::Tokenizer::train(sample_texts(), options, 1);
  senti::WordCache cache(tokenizer);
  cache.encode_for_model("the battery was the worst", 64);
  CHECK(cache.size() == 4);
  cache.encode_for_model("The battery  was", 64);  // case is part of the word
  CHECK(cache.size() == 5);
  cache.encode_for_model("caf\xC3\xA9 battery", 64);  // non-ASCII: SentencePiece, not the cache
  CHECK(cache.size() == 5);
}

TEST_CASE("word cache: truncation, long texts and a full cache", "[word_cache]") {
  senti::TokenizerOptions options;
  options.vocab_size = 200;
  const auto tokenizer = senti::Tokenizer::train(sample_texts(), options, 1);
  senti::WordCache small(tokenizer, /*max_words=*/3);  // starts over every few words
  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += "the battery was great and i would recommend it ";
  for (const auto& text : sample_texts()) {
    for (const int64_t max_tokens : {1, 3, 1000}) {
      bool expected_cut = false, cut = false;
      CHECK(small.encode_for_model(text, max_tokens, &cut) ==
            tokenizer.encode_for_model(text, max_tokens, &expected_cut));
      CHECK(cut == expected_cut);
    }
    CHECK(small.size() <= 3);
  }
  bool cut = false;
  CHECK(small.encode_for_model(long_text, 8, &cut) == tokenizer.encode_for_model(long_text, 8));
  CHECK(cut);
}
