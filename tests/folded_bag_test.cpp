#include <catch2/catch.hpp>

#include <ATen/core/grad_mode.h>
#include <torch/utils.h>

#include <random>

#include "fixtures.h"
#include "senti/error.h"
#include "senti/folded_bag.h"

namespace {

senti::SentimentClassifier plain_model(int64_t heads, int64_t classes, int64_t buckets) {
  return senti::test::random_small_model("none", 16, heads, classes, buckets);
}

}  // namespace

TEST_CASE("folded bag model: same logits and attention as forward()", "[folded_bag]") {
  torch::manual_seed(7);
  std::mt19937 random(7);
  for (const auto& [heads, classes, buckets] :
       {std::tuple{1, 2, 0}, std::tuple{3, 3, 0}, std::tuple{2, 2, 64}, std::tuple{1, 5, 7}}) {
    auto model = plain_model(heads, classes, buckets);
    const senti::FoldedBagModel folded(*model);
    REQUIRE(folded.heads() == heads);
    REQUIRE(folded.classes() == classes);
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<int64_t> ids(std::uniform_int_distribution<size_t>(1, 12)(random));
      for (auto& id : ids) id = std::uniform_int_distribution<int64_t>(1, 49)(random);
      torch::NoGradGuard no_grad;
      const auto expected = model->forward(torch::tensor(ids).unsqueeze(0));
      std::vector<float> logits(static_cast<size_t>(classes));
      std::vector<float> attention(static_cast<size_t>(heads) * ids.size());
      folded.forward(ids, logits.data(), attention.data());
      CHECK(torch::allclose(torch::tensor(logits), expected.logits[0], 1e-4, 1e-5));
      CHECK(torch::allclose(torch::tensor(attention).reshape({heads, -1}), expected.attention[0],
                            1e-4, 1e-6));
      // Attention is optional.
      std::vector<float> again(static_cast<size_t>(classes));
      folded.forward(ids, again.data(), nullptr);
      CHECK(again == logits);
    }
  }
}

TEST_CASE("folded bag model: refuses what it cannot fold or score", "[folded_bag]") {
  auto model = plain_model(1, 2, 0);
  const senti::FoldedBagModel folded(*model);
  std::vector<float> logits(2);
  CHECK_THROWS_AS(folded.forward({}, logits.data(), nullptr), senti::Error);
  CHECK_THROWS_AS(folded.forward({3, 50}, logits.data(), nullptr), senti::Error);
  CHECK_THROWS_AS(folded.forward({0}, logits.data(), nullptr), senti::Error);  // padding

  senti::ModelOptions options;
  options.encoder = "gru";
  options.vocab_size = 20;
  options.num_classes = 2;
  CHECK_FALSE(senti::FoldedBagModel::applies(options));
  senti::SentimentClassifier gru(options);
  CHECK_THROWS_AS(senti::FoldedBagModel(*gru), senti::Error);
}
