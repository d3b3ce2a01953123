#include <catch2/catch.hpp>

#include <ATen/Parallel.h>
#include <torch/utils.h>

#include "senti/predictor.h"
#include "senti/trainer.h"
#include "test_util.h"

namespace {

// A plain (encoder none) model with random weights, saved and loaded as senti-predict does.
senti::Predictor plain_predictor(const senti::test::TempDir& dir, const senti::Tokenizer& tokenizer,
                                 senti::SentimentClassifier& model) {
  const auto path = dir.file("plain");
  senti::save_bundle(path, model, tokenizer, senti::LabelSet::from_ordered({"neg", "pos", "mixed"}),
                     64, {{"training", {{"seed", 1}}}, {"history", nlohmann::json::array()}});
  return senti::Predictor(senti::load_bundle(path));
}

}  // namespace

TEST_CASE("predictor: a plain model's folded answers match the module, on two threads",
          "[predictor]") {
  torch::manual_seed(3);
  senti::TokenizerOptions tokenizer_options;
  tokenizer_options.vocab_size = 200;
  const auto tokenizer =
      senti::Tokenizer::train(senti::test::sample_texts(), tokenizer_options, /*seed=*/1);
  senti::ModelOptions options;
  options.encoder = "none";
  options.embedding_dim = 16;
  options.attention_heads = 2;
  options.vocab_size = tokenizer.vocab_size();
  options.num_classes = 3;
  senti::SentimentClassifier model(options);
  {
    torch::NoGradGuard no_grad;
    for (auto& parameter : model->parameters()) parameter.normal_(0.0, 0.5);
  }
  senti::test::TempDir dir;
  const auto predictor = plain_predictor(dir, tokenizer, model);
  model->eval();

  // Enough texts for both threads to get a share (a few hundred each at least), with repeats so
  // that the word cache answers most words, and some non-ASCII and blank-ish ones.
  std::vector<std::string> texts;
  for (int round = 0; round < 4; ++round) {
    for (const auto& text : senti::test::sample_texts()) texts.push_back(text);
  }
  texts.emplace_back("caf\xC3\xA9 au lait, tr\xC3\xA8s bien");
  texts.emplace_back(" ");
  texts.push_back("fine" + std::string(5000, ' ') + "film");  // cut at the byte limit
  const int threads = at::get_num_threads();
  at::set_num_threads(2);
  const auto predictions = predictor.predict(texts, /*with_attention=*/true);
  at::set_num_threads(threads);

  REQUIRE(predictions.size() == texts.size());
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < texts.size(); ++i) {
    INFO("text " << i << ": '" << texts[i] << "'");
    const auto ids = tokenizer.encode_for_model(texts[i], 64);
    const auto expected = model->forward(senti::pad_batch({&ids}));
    const auto probabilities = torch::softmax(expected.logits, 1)[0];
    const auto& prediction = predictions[i];
    REQUIRE(prediction.probabilities.size() == 3);
    for (int64_t c = 0; c < 3; ++c) {
      CHECK(prediction.probabilities[c] == Approx(probabilities[c].item<float>()).margin(1e-5));
    }
    CHECK(prediction.label == probabilities.argmax().item<int64_t>());
    REQUIRE(prediction.tokens.size() == ids.size());
    for (size_t t = 0; t < ids.size(); ++t) CHECK(prediction.tokens[t] == tokenizer.piece(ids[t]));
    REQUIRE(prediction.attention.size() == 2);
    for (int64_t head = 0; head < 2; ++head) {
      for (size_t t = 0; t < ids.size(); ++t) {
        CHECK(prediction.attention[head][t] ==
              Approx(expected.attention[0][head][static_cast<int64_t>(t)].item<float>())
                  .margin(1e-6));
      }
    }
  }
}
