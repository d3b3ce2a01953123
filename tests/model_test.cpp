#include <catch2/catch.hpp>

#include <torch/nn/functional/loss.h>
#include <torch/utils.h>

#include "senti/model.h"

using senti::ModelOptions;
using senti::SentimentClassifier;

namespace {

ModelOptions tiny(const std::string& encoder = "conv", int64_t heads = 1) {
  ModelOptions options;
  options.vocab_size = 50;
  options.num_classes = 3;
  options.embedding_dim = 16;
  options.attention_dim = 8;
  options.attention_heads = heads;
  options.encoder = encoder;
  return options;
}

// Two rows: one full, one with two padding positions at the end.
torch::Tensor ids() {
  return torch::tensor({{5, 6, 7, 8}, {9, 10, 0, 0}}, torch::kInt64);
}

}  // namespace

TEST_CASE("model: output shapes for every encoder and head count", "[model]") {
  torch::manual_seed(0);
  for (const char* encoder : {"none", "conv", "gru"}) {
    for (int64_t heads : {1, 3}) {
      SentimentClassifier model(tiny(encoder, heads));
      const auto output = model(ids());
      CHECK(output.logits.sizes() == torch::IntArrayRef({2, 3}));
      CHECK(output.attention.sizes() == torch::IntArrayRef({2, heads, 4}));
    }
  }
}

TEST_CASE("model: padding gets exactly zero attention and rows sum to one", "[model]") {
  torch::manual_seed(0);
  for (const char* encoder : {"none", "conv", "gru"}) {
    SentimentClassifier model(tiny(encoder, 2));
    model->eval();
    const auto attention = model(ids()).attention;
    CHECK(attention.index({1, torch::indexing::Slice(), torch::indexing::Slice(2)})
              .eq(0)
              .all()
              .item<bool>());
    CHECK(torch::allclose(attention.sum(-1), torch::ones({2, 2})));
  }
}

TEST_CASE("model: padding does not change a row's prediction", "[model]") {
  torch::manual_seed(0);
  for (const char* encoder : {"none", "conv", "gru"}) {
    SentimentClassifier model(tiny(encoder));
    model->eval();
    const auto short_row = model(torch::tensor({{9, 10}}, torch::kInt64)).logits;
    const auto padded_row = model(torch::tensor({{9, 10, 0, 0, 0}}, torch::kInt64)).logits;
    CHECK(torch::allclose(short_row, padded_row, /*rtol=*/1e-5, /*atol=*/1e-6));
  }
}

TEST_CASE("model: gradients reach every parameter", "[model]") {
  torch::manual_seed(0);
  for (const char* encoder : {"none", "conv", "gru"}) {
    SentimentClassifier model(tiny(encoder));
    const auto output = model(ids());
    torch::nn::functional::cross_entropy(output.logits, torch::tensor({0, 2})).backward();
    for (const auto& parameter : model->named_parameters()) {
      INFO(encoder << " " << parameter.key());
      REQUIRE(parameter.value().grad().defined());
      CHECK(parameter.value().grad().abs().sum().item<double>() > 0.0);
    }
  }
}

TEST_CASE("model: eval mode is deterministic, train mode uses dropout", "[model]") {
  torch::manual_seed(0);
  auto options = tiny();
  options.dropout = 0.5;
  SentimentClassifier model(options);
  model->eval();
  CHECK(torch::equal(model(ids()).logits, model(ids()).logits));
  model->train();
  CHECK_FALSE(torch::equal(model(ids()).logits, model(ids()).logits));
}

TEST_CASE("model: bad options fail with a message naming them", "[model]") {
  auto options = tiny();
  options.encoder = "lstm";
  REQUIRE_THROWS_WITH(SentimentClassifier(options),
                      Catch::Contains("SentimentClassifier: unknown encoder 'lstm'"));
  options = tiny();
  options.num_classes = 1;
  REQUIRE_THROWS_WITH(SentimentClassifier(options),
                      Catch::Contains("num_classes must be > 1, got 1"));
  REQUIRE_THROWS_WITH(senti::AttentionPooling(senti::AttentionPoolingOptions(8).heads(0)),
                      Catch::Contains("AttentionPooling: heads must be positive, got 0"));
  REQUIRE_THROWS_WITH(senti::ConvEncoder(senti::ConvEncoderOptions(8).kernel_size(2)),
                      Catch::Contains("kernel_size must be odd and positive, got 2"));
}

TEST_CASE("model: pretty_print says what the module is", "[model]") {
  std::ostringstream stream;
  senti::AttentionPooling(senti::AttentionPoolingOptions(8).heads(2))->pretty_print(stream);
  CHECK(stream.str() == "senti::AttentionPooling(input_dim=8, attention_dim=64, heads=2)");
}

TEST_CASE("model: the n-gram path averages unigram and bigram scores", "[model]") {
  senti::NgramLinear ngrams(
      senti::NgramLinearOptions(/*vocab_size=*/10, /*num_classes=*/2).buckets(7));
  torch::NoGradGuard no_grad;
  ngrams->unigrams->weight.fill_(1.0);
  ngrams->unigrams->weight[0].zero_();
  ngrams->bigrams->weight.fill_(3.0);
  ngrams->bigrams->weight[0].zero_();
  // Row 0: 3 tokens, 2 bigrams -> (3 * 1 + 2 * 3) / 5. Row 1: 1 token, no bigram -> 1.
  const auto scores = ngrams(torch::tensor({{4, 5, 6}, {7, 0, 0}}, torch::kInt64));
  CHECK(torch::allclose(scores, torch::tensor({{9.0f / 5, 9.0f / 5}, {1.0f, 1.0f}})));
}

TEST_CASE("model: with n-grams on, gradients reach them too", "[model]") {
  torch::manual_seed(0);
  auto options = tiny("gru");
  options.ngram_buckets = 64;
  SentimentClassifier model(options);
  torch::nn::functional::cross_entropy(model(ids()).logits, torch::tensor({0, 2})).backward();
  CHECK(model->ngrams->unigrams->weight.grad().abs().sum().item<double>() > 0.0);
  CHECK(model->ngrams->bigrams->weight.grad().abs().sum().item<double>() > 0.0);
}
