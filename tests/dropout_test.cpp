#include <catch2/catch.hpp>

#include <torch/utils.h>

#include "senti/dropout.h"

TEST_CASE("dropout: zeroes a share p of the elements and rescales the rest", "[dropout]") {
  torch::manual_seed(0);
  for (const double p : {0.1, 0.3, 0.5}) {
    senti::Dropout dropout(p);
    dropout->train();
    const auto input = torch::ones({1000, 1001});  // odd size: the last element of the last pair
    const auto output = dropout(input);
    const double zeros = output.eq(0).to(torch::kDouble).mean().item<double>();
    CHECK(zeros == Approx(p).margin(0.003));
    CHECK(torch::all(output.eq(0).logical_or(output.isclose(torch::full_like(output, 1 / (1 - p)))))
              .item<bool>());
    CHECK(output.mean().item<double>() == Approx(1.0).margin(0.01));
    // No pattern: both halves of each 64-bit draw, and consecutive rows, look alike.
    CHECK(output.slice(1, 0, 1001, 2).eq(0).to(torch::kDouble).mean().item<double>() ==
          Approx(p).margin(0.005));
    CHECK(output.slice(1, 1, 1001, 2).eq(0).to(torch::kDouble).mean().item<double>() ==
          Approx(p).margin(0.005));
    CHECK_FALSE(torch::equal(output[0], output[1]));
  }
}

TEST_CASE("dropout: LibTorch's seed makes the mask reproducible", "[dropout]") {
  senti::Dropout dropout(0.3);
  dropout->train();
  const auto input = torch::ones({64, 40, 16});
  torch::manual_seed(5);
  const auto first = dropout(input);
  const auto second = dropout(input);
  torch::manual_seed(5);
  CHECK(torch::equal(dropout(input), first));
  CHECK_FALSE(torch::equal(first, second));
}

TEST_CASE("dropout: the identity in evaluation and at p = 0; gradients follow the mask",
          "[dropout]") {
  const auto input = torch::randn({8, 9});
  senti::Dropout dropout(0.4);
  dropout->eval();
  CHECK(torch::equal(dropout(input), input));
  senti::Dropout none(0.0);
  none->train();
  CHECK(torch::equal(none(input), input));

  dropout->train();
  const auto leaf = torch::ones({8, 9}, torch::requires_grad());
  const auto output = dropout(leaf);
  output.sum().backward();
  CHECK(torch::equal(leaf.grad(), output.detach()));  // d(x * mask)/dx = mask, and x = 1

  CHECK_THROWS(senti::Dropout(1.0));
  CHECK_THROWS(senti::Dropout(-0.1));
}

TEST_CASE("dropout: a DropoutStream gives this thread's masks their own seeded stream",
          "[dropout]") {
  senti::Dropout dropout(0.3);
  dropout->train();
  const auto input = torch::ones({32, 48});
  torch::manual_seed(9);
  const auto global = dropout(input);
  torch::Tensor first, second;
  torch::manual_seed(9);
  {
    const senti::DropoutStream stream(42);
    first = dropout(input);
    second = dropout(input);
    CHECK_THROWS(senti::DropoutStream(7));  // scopes do not nest
  }
  CHECK_FALSE(torch::equal(first, second));  // the stream moves on between calls
  // LibTorch's generator was not drawn from inside the scope: the next mask is its first one.
  CHECK(torch::equal(dropout(input), global));
  {
    const senti::DropoutStream stream(42);  // the same seed again: the same masks
    CHECK(torch::equal(dropout(input), first));
    CHECK(torch::equal(dropout(input), second));
  }
}
