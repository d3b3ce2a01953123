#include <catch2/catch.hpp>

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
  REQUIRE_THROWS_WITH(senti::Tokenizer::train({"", ""}, senti::TokenizerOptions{}, 1),
                      Catch::Contains("no non-empty text"));
}
