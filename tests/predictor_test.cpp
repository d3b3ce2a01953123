#include <catch2/catch.hpp>

#include <ATen/Parallel.h>
#include <torch/utils.h>

#include <algorithm>
#include <optional>

#include "senti/predictor.h"
#include "senti/trainer.h"
#include "test_util.h"

namespace {

// A model with random weights (seeded), saved and loaded as senti-predict does, and the module
// itself to check the predictor's answers against.
struct RandomModel {
  senti::Tokenizer tokenizer;
  senti::SentimentClassifier model{nullptr};
  senti::test::TempDir dir;
  std::optional<senti::Predictor> predictor;

  /// With `zero_padding`, the padding piece's vector is 0, as training keeps it.
  explicit RandomModel(senti::ModelOptions options, uint64_t seed, bool zero_padding = false)
      : tokenizer(senti::Tokenizer::train(senti::test::sample_texts(), tokenizer_options(),
                                          /*seed=*/1)) {
    torch::manual_seed(seed);
    options.vocab_size = tokenizer.vocab_size();
    model = senti::SentimentClassifier(options);
    {
      torch::NoGradGuard no_grad;
      for (auto& parameter : model->parameters()) parameter.normal_(0.0, 0.5);
      if (zero_padding) model->embedding->weight[senti::Tokenizer::kPadId].zero_();
    }
    const auto path = dir.file("model");
    const std::vector<std::string> names = {"neg", "pos", "mixed"};
    senti::save_bundle(
        path, model, tokenizer,
        senti::LabelSet::from_ordered({names.begin(), names.begin() + options.num_classes}), 64,
        {{"training", {{"seed", 1}}}, {"history", nlohmann::json::array()}});
    predictor.emplace(senti::load_bundle(path));
    model->eval();
  }

  static senti::TokenizerOptions tokenizer_options() {
    senti::TokenizerOptions options;
    options.vocab_size = 200;
    return options;
  }

  // Predictions of `texts` with LibTorch on two threads, as senti-predict --threads 2.
  std::vector<senti::Prediction> predict_on_two_threads(const std::vector<std::string>& texts,
                                                        int64_t batch_size) const {
    const int threads = at::get_num_threads();
    at::set_num_threads(2);
    auto predictions = predictor->predict(texts, /*with_attention=*/true, batch_size);
    CHECK(at::get_num_threads() == 2);  // whatever the predictor changed is undone
    at::set_num_threads(threads);
    return predictions;
  }

  // Checks every `stride`-th prediction against the module run on that text alone.
  void check(const std::vector<std::string>& texts,
             const std::vector<senti::Prediction>& predictions, size_t stride) {
    REQUIRE(predictions.size() == texts.size());
    torch::NoGradGuard no_grad;
    const auto classes = model->options.num_classes, heads = model->options.attention_heads;
    for (size_t i = 0; i < texts.size(); i += stride) {
      INFO("text " << i << ": '" << texts[i] << "'");
      const auto ids = tokenizer.encode_for_model(texts[i], 64);
      const auto expected = model->forward(senti::pad_batch({&ids}));
      const auto probabilities = torch::softmax(expected.logits, 1)[0];
      const auto& prediction = predictions[i];
      REQUIRE(static_cast<int64_t>(prediction.probabilities.size()) == classes);
      for (int64_t c = 0; c < classes; ++c) {
        CHECK(prediction.probabilities[c] == Approx(probabilities[c].item<float>()).margin(1e-5));
      }
      CHECK(prediction.label == probabilities.argmax().item<int64_t>());
      REQUIRE(prediction.tokens.size() == ids.size());
      const auto spans = tokenizer.encode_spans(texts[i]);
      for (size_t t = 0; t < ids.size(); ++t) {
        // An unknown piece shows the text it stands for.
        if (ids[t] == senti::Tokenizer::kUnkId && t < spans.size()) {
          CHECK(prediction.tokens[t] ==
                texts[i].substr(spans[t].begin, spans[t].end - spans[t].begin));
        } else {
          CHECK(prediction.tokens[t] == tokenizer.piece(ids[t]));
        }
      }
      REQUIRE(static_cast<int64_t>(prediction.attention.size()) == heads);
      for (int64_t head = 0; head < heads; ++head) {
        REQUIRE(prediction.attention[head].size() == ids.size());
        for (size_t t = 0; t < ids.size(); ++t) {
          CHECK(prediction.attention[head][t] ==
                Approx(expected.attention[0][head][static_cast<int64_t>(t)].item<float>())
                    .margin(1e-5));
        }
      }
    }
  }
};

// `count` texts of the sample sentences, text i being 1 + i % `lengths` of them in a row.
std::vector<std::string> mixed_lengths(size_t count, size_t lengths) {
  std::vector<std::string> texts;
  const auto samples = senti::test::sample_texts();
  for (size_t i = 0; texts.size() < count; ++i) {
    std::string text = samples[i % samples.size()];
    for (size_t extra = 0; extra < i % lengths; ++extra) {
      text += " " + samples[(i + extra) % samples.size()];
    }
    texts.push_back(text);
  }
  return texts;
}

}  // namespace

TEST_CASE("predictor: a plain model's folded answers match the module, on two threads",
          "[predictor]") {
  senti::ModelOptions options;
  options.encoder = "none";
  options.embedding_dim = 16;
  options.attention_heads = 2;
  options.num_classes = 3;
  RandomModel random(options, /*seed=*/3);

  // Enough texts for both threads to get a share (a few hundred each at least), with repeats so
  // that the word cache answers most words, and some non-ASCII and blank-ish ones.
  std::vector<std::string> texts;
  for (int round = 0; round < 4; ++round) {
    for (const auto& text : senti::test::sample_texts()) texts.push_back(text);
  }
  texts.emplace_back("caf\xC3\xA9 au lait, tr\xC3\xA8s bien");
  texts.emplace_back(" ");
  texts.push_back("fine" + std::string(5000, ' ') + "film");  // cut at the byte limit
  texts.emplace_back("great \xF0\x9F\x98\x8D\xF0\x9F\x98\x8D film");
  const auto predictions = random.predict_on_two_threads(texts, /*batch_size=*/256);
  random.check(texts, predictions, /*stride=*/1);
  // The emojis, unknown to the tokenizer, are shown as themselves (one unknown piece).
  const auto& tokens = predictions.back().tokens;
  CHECK(std::count(tokens.begin(), tokens.end(), "\xF0\x9F\x98\x8D\xF0\x9F\x98\x8D") == 1);
  CHECK(std::count(tokens.begin(), tokens.end(), "<unk>") == 0);
  // Without attention no tokens are asked for.
  CHECK(random.predictor->predict({texts.back()}, /*with_attention=*/false, 8)[0].tokens.empty());
}

TEST_CASE("predictor: a GRU model's batches, split between two threads, match the module",
          "[predictor]") {
  senti::ModelOptions options;
  options.encoder = "gru";
  options.embedding_dim = 16;
  options.attention_dim = 8;
  options.num_classes = 2;
  RandomModel random(options, /*seed=*/5);

  // Enough texts for two shares, short and long (long ones make smaller batches: the token
  // budget), so that each thread runs several batches of mixed lengths.
  const auto texts = mixed_lengths(1400, 5);
  random.check(texts, random.predict_on_two_threads(texts, /*batch_size=*/16), /*stride=*/7);
}

TEST_CASE("predictor: a convolutional model's batches, dealt to two threads, match the module",
          "[predictor]") {
  // No folded form: the texts, sorted by length, are dealt to the threads in turn, and each runs
  // its share through the module on one LibTorch thread.
  senti::ModelOptions options;
  options.encoder = "conv";
  options.embedding_dim = 16;
  options.attention_dim = 8;
  options.num_classes = 3;
  // A trained model's padding vector stays 0 (padding_idx); the random one's must be too, for a
  // padded batch to score each text as it scores alone.
  RandomModel random(options, /*seed=*/9, /*zero_padding=*/true);
  const auto texts = mixed_lengths(1300, 4);
  random.check(texts, random.predict_on_two_threads(texts, /*batch_size=*/32), /*stride=*/5);
}
