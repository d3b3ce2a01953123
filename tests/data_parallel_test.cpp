#include <catch2/catch.hpp>

#include <ATen/Parallel.h>
#include <torch/nn/functional/loss.h>
#include <torch/utils.h>

#include "senti/data_parallel.h"
#include "senti/trainer.h"

namespace {

senti::SentimentClassifier small_model() {
  senti::ModelOptions options;
  options.embedding_dim = 8;
  options.attention_dim = 4;
  options.vocab_size = 30;
  options.num_classes = 3;
  options.dropout = 0.0;
  senti::SentimentClassifier model(options);
  model->embedding->options.sparse(true);  // as LazyAdamW trains it
  return model;
}

// Rows of ids (0 pads), sorted by length as the trainer's batches are.
torch::Tensor batch_ids() {
  std::vector<std::vector<int64_t>> rows = {
      {3, 4}, {5, 6, 7}, {8, 9, 10}, {2, 11, 12, 13}, {14, 15, 3, 4, 16}, {17, 18, 19, 20, 21, 22}};
  std::vector<const std::vector<int64_t>*> pointers;
  for (const auto& row : rows) pointers.push_back(&row);
  return senti::pad_batch(pointers);
}

}  // namespace

TEST_CASE("data parallel: shards' summed gradients equal the whole batch's", "[data_parallel]") {
  torch::manual_seed(2);
  auto model = small_model();
  const auto ids = batch_ids();
  const auto labels = torch::tensor({0, 2, 1, 1, 0, 2}, torch::kInt64);

  // The whole batch on one model: mean cross-entropy.
  torch::nn::functional::cross_entropy(model(ids).logits, labels).backward();
  std::vector<torch::Tensor> expected;
  for (const auto& parameter : model->parameters()) {
    expected.push_back(parameter.grad().is_sparse() ? parameter.grad().to_dense()
                                                    : parameter.grad().clone());
    parameter.mutable_grad() = torch::Tensor();
  }

  const int threads = at::get_num_threads();
  {
    senti::DataParallel parallel(model, 3);
    CHECK(parallel.shards() == 3);
    CHECK(at::get_num_threads() == 1);
    const auto sum = torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum);
    parallel.run([&](size_t shard, senti::SentimentClassifier& module) {
      const auto begin = static_cast<int64_t>(2 * shard), end = begin + 2;
      const auto loss = torch::nn::functional::cross_entropy(
          module(ids.slice(0, begin, end)).logits, labels.slice(0, begin, end), sum);
      (loss / 6.0).backward();
    });
  }
  CHECK(at::get_num_threads() == threads);
  const auto parameters = model->parameters();
  REQUIRE(parameters.size() == expected.size());
  for (size_t i = 0; i < parameters.size(); ++i) {
    INFO("parameter " << i);
    const auto grad = parameters[i].grad();
    REQUIRE(grad.defined());
    CHECK(grad.is_sparse() == (i == 0));  // the embedding's stays sparse
    CHECK(torch::allclose(grad.is_sparse() ? grad.to_dense() : grad, expected[i], 1e-5, 1e-6));
  }
}

TEST_CASE("data parallel: sync copies the model's weights and mode into the replicas",
          "[data_parallel]") {
  torch::manual_seed(4);
  auto model = small_model();
  model->eval();
  senti::DataParallel parallel(model, 2);
  {
    torch::NoGradGuard no_grad;
    for (auto& parameter : model->parameters()) parameter.add_(0.5);
  }
  const auto ids = batch_ids();
  torch::Tensor outputs[2];
  const auto run = [&] {
    parallel.run([&](size_t shard, senti::SentimentClassifier& module) {
      torch::NoGradGuard no_grad;
      CHECK_FALSE(module->is_training());
      outputs[shard] = module(ids).logits;
    });
  };
  run();
  CHECK_FALSE(torch::allclose(outputs[0], outputs[1]));  // the replica has the old weights
  parallel.sync();
  run();
  CHECK(torch::allclose(outputs[0], outputs[1]));
  CHECK_THROWS(senti::DataParallel(model, 1));
}
