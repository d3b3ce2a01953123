#include <catch2/catch.hpp>

#include <ATen/core/grad_mode.h>
#include <torch/utils.h>

#include <cmath>
#include <limits>
#include <random>

#include "fixtures.h"
#include "senti/error.h"
#include "senti/fast_tanh.h"
#include "senti/folded_gru.h"
#include "senti/trainer.h"

namespace {

senti::SentimentClassifier gru_model(int64_t dim, int64_t heads, int64_t classes) {
  return senti::test::random_small_model("gru", dim, heads, classes);
}

}  // namespace

TEST_CASE("fast tanh and sigmoid: within a few float ulps of the library's", "[fast_tanh]") {
  double tanh_error = 0.0, sigmoid_error = 0.0;
  for (float x = -30.0f; x <= 30.0f; x += 0.00731f) {
    tanh_error = std::max(tanh_error, std::abs(senti::fast_tanh(x) - std::tanh(double{x})));
    sigmoid_error = std::max(sigmoid_error,
                             std::abs(senti::fast_sigmoid(x) - 1.0 / (1.0 + std::exp(-double{x}))));
  }
  CHECK(tanh_error < 5e-7);
  CHECK(sigmoid_error < 3e-7);
  CHECK(senti::fast_tanh(0.0f) == 0.0f);
  CHECK(senti::fast_tanh(1e-20f) == Approx(1e-20f));
  // Saturated: the clamp's value, within the same bound of +-1 (exactly 1 with GCC's fused
  // multiply-adds, 2 ulps below with clang's code).
  CHECK(std::abs(senti::fast_tanh(1e30f) - 1.0f) < 5e-7f);
  CHECK(std::abs(senti::fast_tanh(-1e30f) + 1.0f) < 5e-7f);
  CHECK(senti::fast_sigmoid(0.0f) == 0.5f);
  // Infinities saturate; NaN stays NaN, so that training sees NaN weights in its loss.
  const float infinity = std::numeric_limits<float>::infinity();
  CHECK(std::abs(senti::fast_tanh(infinity) - 1.0f) < 5e-7f);
  CHECK(std::abs(senti::fast_tanh(-infinity) + 1.0f) < 5e-7f);
  CHECK(std::isnan(senti::fast_tanh(std::numeric_limits<float>::quiet_NaN())));
  CHECK(std::isnan(senti::fast_sigmoid(std::numeric_limits<float>::quiet_NaN())));
}

TEST_CASE("folded GRU model: same logits and attention as forward(), batched", "[folded_gru]") {
  torch::manual_seed(11);
  std::mt19937 random(11);
  for (const auto& [dim, heads, classes] :
       {std::tuple{16, 1, 2}, std::tuple{8, 3, 3}, std::tuple{12, 2, 5}}) {
    auto model = gru_model(dim, heads, classes);
    const senti::FoldedGruModel folded(*model);
    REQUIRE(folded.heads() == heads);
    REQUIRE(folded.classes() == classes);
    for (int trial = 0; trial < 10; ++trial) {
      // Texts of mixed lengths in random order, one-piece texts included.
      std::vector<std::vector<int64_t>> texts(std::uniform_int_distribution<size_t>(1, 9)(random));
      for (auto& ids : texts) {
        ids.resize(std::uniform_int_distribution<size_t>(1, 14)(random));
        for (auto& id : ids) id = std::uniform_int_distribution<int64_t>(1, 49)(random);
      }
      std::vector<const std::vector<int64_t>*> pointers;
      size_t tokens = 0;
      for (const auto& ids : texts) {
        pointers.push_back(&ids);
        tokens += ids.size();
      }
      std::vector<float> logits(texts.size() * static_cast<size_t>(classes));
      std::vector<float> attention(tokens * static_cast<size_t>(heads));
      folded.forward(pointers, logits.data(), attention.data());

      torch::NoGradGuard no_grad;
      const auto expected = model->forward(senti::pad_batch(pointers));
      const float* weights = attention.data();
      for (size_t i = 0; i < texts.size(); ++i) {
        const auto length = static_cast<int64_t>(texts[i].size());
        const auto row = torch::tensor(
            std::vector<float>(logits.begin() + i * classes, logits.begin() + (i + 1) * classes));
        CHECK(torch::allclose(row, expected.logits[i], 1e-4, 1e-5));
        const auto got = torch::tensor(std::vector<float>(weights, weights + heads * length));
        const auto want = expected.attention[i].slice(/*dim=*/1, 0, length).reshape({-1});
        CHECK(torch::allclose(got, want, 1e-4, 1e-6));
        weights += heads * length;
      }
      // Attention is optional, and a text's answer does not depend on its batch.
      std::vector<float> alone(static_cast<size_t>(classes));
      folded.forward({pointers.back()}, alone.data(), nullptr);
      const auto last = (texts.size() - 1) * classes;
      for (int64_t c = 0; c < classes; ++c)
        CHECK(alone[c] == Approx(logits[last + c]).margin(1e-5));
    }
  }
}

TEST_CASE("folded GRU model: refuses what it cannot fold or score", "[folded_gru]") {
  auto model = gru_model(8, 1, 2);
  const senti::FoldedGruModel folded(*model);
  std::vector<float> logits(2);
  const std::vector<int64_t> empty, outside = {3, 50}, padding = {0};
  CHECK_THROWS_AS(folded.forward({&empty}, logits.data(), nullptr), senti::Error);
  CHECK_THROWS_AS(folded.forward({&outside}, logits.data(), nullptr), senti::Error);
  CHECK_THROWS_AS(folded.forward({&padding}, logits.data(), nullptr), senti::Error);
  folded.forward({}, logits.data(), nullptr);  // nothing to do

  senti::ModelOptions options;
  options.vocab_size = 20;
  options.num_classes = 2;
  for (const auto& encoder : {"none", "conv"}) {
    options.encoder = encoder;
    CHECK_FALSE(senti::FoldedGruModel::applies(options));
    senti::SentimentClassifier other(options);
    CHECK_THROWS_AS(senti::FoldedGruModel(*other), senti::Error);
  }
  options.encoder = "gru";
  CHECK(senti::FoldedGruModel::applies(options));
  options.ngram_buckets = 16;
  CHECK_FALSE(senti::FoldedGruModel::applies(options));
}
