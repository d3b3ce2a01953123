#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "senti/csv.h"
#include "senti/error.h"
#include "senti/tokenizer.h"
#include "test_util.h"

namespace {

using senti::test::sample_texts;

senti::TokenizerOptions small_vocab() {
  senti::TokenizerOptions options;
  options.vocab_size = 200;
  return options;
}

}  // namespace

TEST_CASE("tokenizer: trains and encodes in a process that also runs LibTorch", "[tokenizer]") {
  torch::manual_seed(0);
  // A torch forward pass first: LibTorch's protobuf is loaded and in use.
  torch::nn::Linear linear(4, 2);
  const auto before = linear(torch::ones({1, 4}));

  const auto tokenizer = senti::Tokenizer::train(sample_texts(), small_vocab(), /*seed=*/1);
  CHECK(tokenizer.vocab_size() <= 200);
  CHECK(tokenizer.piece(senti::Tokenizer::kPadId) == "<pad>");
  CHECK(tokenizer.piece(senti::Tokenizer::kUnkId) == "<unk>");
  const auto ids = tokenizer.encode("The battery was terrible");
  REQUIRE_FALSE(ids.empty());
  std::string joined;
  for (auto id : ids) {
    CHECK(id > senti::Tokenizer::kUnkId);
    joined += tokenizer.piece(id);
  }
  CHECK(joined ==
        "\xE2\x96\x81the\xE2\x96\x81"
        "battery\xE2\x96\x81was\xE2\x96\x81terrible");

  // And torch still works after SentencePiece ran.
  CHECK(torch::allclose(linear(torch::ones({1, 4})), before));
}

TEST_CASE("tokenizer: save and load give the same ids", "[tokenizer]") {
  senti::test::TempDir dir;
  const auto tokenizer = senti::Tokenizer::train(sample_texts(), small_vocab(), 1);
  tokenizer.save(dir.file("t.model"));
  const auto loaded = senti::Tokenizer::load(dir.file("t.model"));
  CHECK(loaded.vocab_size() == tokenizer.vocab_size());
  for (const char* text : {"Customer service was rude", "zzz unknown words", ""}) {
    CHECK(loaded.encode(text) == tokenizer.encode(text));
  }
}

TEST_CASE("tokenizer: the same seed gives the same model", "[tokenizer]") {
  const auto a = senti::Tokenizer::train(sample_texts(), small_vocab(), 3);
  const auto b = senti::Tokenizer::train(sample_texts(), small_vocab(), 3);
  CHECK(a.bytes() == b.bytes());
}

TEST_CASE("tokenizer: a tiny corpus lowers the vocabulary instead of failing", "[tokenizer]") {
  senti::TokenizerOptions options;  // default vocab size, far more than the corpus holds
  for (const char* type : {"unigram", "bpe"}) {
    options.type = type;
    const auto tokenizer = senti::Tokenizer::train({"good movie", "bad movie", "fine"}, options, 1);
    CHECK(tokenizer.vocab_size() < 100);
    CHECK_FALSE(tokenizer.encode("good movie").empty());
  }
}

TEST_CASE("tokenizer: model input is truncated and never empty", "[tokenizer]") {
  const auto tokenizer = senti::Tokenizer::train(sample_texts(), small_vocab(), 1);
  bool truncated = false;
  const auto ids =
      tokenizer.encode_for_model("the plot was a mess and the staff was rude", 3, &truncated);
  CHECK(ids.size() == 3);
  CHECK(truncated);
  const std::string huge(1 << 20, 'x');
  CHECK(tokenizer.encode_for_model(huge, 5, &truncated).size() == 5);
  CHECK(truncated);
  CHECK(tokenizer.encode_for_model("", 10, &truncated) ==
        std::vector<int64_t>{senti::Tokenizer::kUnkId});
  CHECK_FALSE(truncated);
  // Text cut at the byte limit can hold fewer pieces than max_tokens (spaces collapse): the
  // sequence is cut, never padded.
  const auto spaced = "battery" + std::string(20000, ' ') + "rude";
  CHECK(tokenizer.encode_for_model(spaced, 256, &truncated) == tokenizer.encode("battery"));
  CHECK(truncated);
}

TEST_CASE("tokenizer: spans give each piece's bytes of the text, unknown ones included",
          "[tokenizer]") {
  const auto tokenizer = senti::Tokenizer::train(sample_texts(), small_vocab(), 1);
  // Case is folded for the pieces, not for the spans; the emoji and the CJK characters are not in
  // the vocabulary.
  const std::string text = "The Battery \xF0\x9F\x98\x8D was \xE6\x97\xA5\xE6\x9C\xAC rude";
  const auto spans = tokenizer.encode_spans(text);
  const auto ids = tokenizer.encode(text);
  REQUIRE(spans.size() == ids.size());
  std::string joined;
  std::vector<std::string> unknown;
  for (size_t i = 0; i < spans.size(); ++i) {
    CHECK(spans[i].id == ids[i]);
    CHECK(spans[i].begin <= spans[i].end);
    CHECK(spans[i].end <= text.size());
    CHECK(spans[i].begin == joined.size());  // one after the other, nothing skipped
    joined += text.substr(spans[i].begin, spans[i].end - spans[i].begin);
    if (ids[i] == senti::Tokenizer::kUnkId) {
      unknown.push_back(text.substr(spans[i].begin, spans[i].end - spans[i].begin));
    }
  }
  CHECK(joined == text);
  CHECK(unknown == std::vector<std::string>{"\xF0\x9F\x98\x8D", "\xE6\x97\xA5\xE6\x9C\xAC"});
  CHECK(tokenizer.encode_spans("").empty());
  // model_text() is what encode_for_model() encodes: cut at the byte limit, on a character.
  CHECK(senti::Tokenizer::model_text(text, 256) == text);
  const std::string long_text = std::string(senti::Tokenizer::byte_limit(2) - 1, 'a') + "\xC3\xA9z";
  CHECK(senti::Tokenizer::model_text(long_text, 2) ==
        std::string(senti::Tokenizer::byte_limit(2) - 1, 'a'));
}

TEST_CASE("tokenizer: sampled encodings reproduce by seed and stop when asked", "[tokenizer]") {
  const auto texts = sample_texts();
  const auto tokenizer = senti::Tokenizer::train(texts, small_vocab(), 1);
  const auto first = tokenizer.sample_encode_for_model(texts, 64, 0.1f, 7);
  REQUIRE(first.size() == texts.size());
  CHECK(tokenizer.sample_encode_for_model(texts, 64, 0.1f, 7) == first);
  CHECK(tokenizer.sample_encode_for_model(texts, 64, 0.1f, 8) != first);
  // Asked between texts: never stopping changes nothing; a stop ends the work, empty-handed.
  CHECK(tokenizer.sample_encode_for_model(texts, 64, 0.1f, 7, [] { return false; }) == first);
  size_t asked = 0;
  CHECK(tokenizer.sample_encode_for_model(texts, 64, 0.1f, 7, [&] { return ++asked > 3; }).empty());
  CHECK(asked == 4);
}

TEST_CASE("tokenizer: over --tokenizer-bytes it trains on a seeded sample of whole texts",
          "[tokenizer]") {
  const std::vector<std::string> texts = {"", "aaaa", "bb", "cccccc", "", "dddd", "eee", "ff"};
  const auto bytes_of = [&](const std::vector<size_t>& chosen) {
    size_t bytes = 0;
    for (const size_t i : chosen) bytes += texts[i].size();
    return bytes;
  };
  // Within the budget: every non-empty text, in order.
  const std::vector<size_t> all = {1, 2, 3, 5, 6, 7};
  CHECK(senti::tokenizer_sample(texts, 21, 1) == all);
  CHECK(senti::tokenizer_sample(texts, 1000, 2) == all);
  // Over it: whole non-empty texts, ascending, within the budget; the same for the same seed.
  std::set<std::vector<size_t>> samples;
  for (uint32_t seed = 0; seed < 20; ++seed) {
    const auto chosen = senti::tokenizer_sample(texts, 10, seed);
    REQUIRE_FALSE(chosen.empty());
    CHECK(std::is_sorted(chosen.begin(), chosen.end()));
    CHECK(bytes_of(chosen) <= 10);
    for (const size_t i : chosen) CHECK_FALSE(texts[i].empty());
    CHECK(senti::tokenizer_sample(texts, 10, seed) == chosen);
    samples.insert(chosen);
  }
  CHECK(samples.size() > 5);
  // A budget smaller than any text still gives one text.
  CHECK(senti::tokenizer_sample(texts, 1, 3).size() == 1);

  // Trained on a sample without the one text that holds a word: the word is no piece of its own.
  std::vector<std::string> corpus = sample_texts();
  std::string rare;
  for (int i = 0; i < 40; ++i) rare += " zyzzyva";
  corpus.push_back(rare);
  size_t corpus_bytes = 0;
  for (const auto& text : corpus) corpus_bytes += text.size();
  auto options = small_vocab();
  CHECK(senti::Tokenizer::train(corpus, options, 1).encode("zyzzyva").size() == 1);
  options.max_bytes = static_cast<int64_t>(corpus_bytes * 9 / 10);
  uint32_t seed = 0;
  while (senti::tokenizer_sample(corpus, options.max_bytes, seed).back() == corpus.size() - 1) {
    ++seed;
  }
  const auto sampled = senti::Tokenizer::train(corpus, options, seed);
  CHECK(sampled.encode("zyzzyva").size() > 1);
  CHECK(senti::Tokenizer::train(corpus, options, seed).bytes() == sampled.bytes());
}

TEST_CASE("tokenizer: bad model bytes and options are clear errors", "[tokenizer]") {
  REQUIRE_THROWS_WITH(senti::Tokenizer::from_bytes("not a model", "x.model"),
                      Catch::StartsWith("x.model: not a valid SentencePiece model"));
  REQUIRE_THROWS_WITH(senti::Tokenizer::load("/no/such.model"),
                      "/no/such.model: cannot open tokenizer model");
  senti::TokenizerOptions options;
  options.type = "wordpiece";
  REQUIRE_THROWS_WITH(options.validate(),
                      "--tokenizer-type: unknown type 'wordpiece' (expected unigram or bpe)");
  options = {};
  options.vocab_size = 0;
  REQUIRE_THROWS_WITH(options.validate(), "--vocab-size: 0 is out of range [8, 1000000]");
  options = {};
  options.max_bytes = 0;
  REQUIRE_THROWS_WITH(options.validate(), "--tokenizer-bytes: 0 must be positive");
  REQUIRE_THROWS_WITH(senti::Tokenizer::train({"", ""}, senti::TokenizerOptions{}, 1),
                      Catch::Contains("no non-empty text"));
}
