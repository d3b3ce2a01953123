#include <catch2/catch.hpp>

#include <torch/optim/adamw.h>
#include <torch/serialize.h>

#include "senti/lazy_adamw.h"
#include "test_util.h"

namespace {

torch::Tensor leaf(const torch::Tensor& values) {
  return values.clone().set_requires_grad(true);
}

}  // namespace

TEST_CASE("lazy adamw: dense parameters get exactly AdamW's update", "[lazy_adamw]") {
  torch::manual_seed(3);
  const auto start = torch::randn({4, 3});
  auto a = leaf(start), b = leaf(start);
  const auto options = torch::optim::AdamWOptions(0.01).weight_decay(0.1);
  senti::LazyAdamW lazy({a}, options);
  torch::optim::AdamW dense({b}, options);
  for (int step = 0; step < 3; ++step) {
    const auto grad = torch::randn({4, 3});
    a.mutable_grad() = grad.clone();
    b.mutable_grad() = grad.clone();
    lazy.step();
    dense.step();
  }
  CHECK(torch::allclose(a, b, 1e-6, 1e-7));
}

TEST_CASE("lazy adamw: a sparse gradient updates only its rows", "[lazy_adamw]") {
  torch::manual_seed(4);
  const auto start = torch::randn({5, 3});
  auto lazy_param = leaf(start), dense_param = leaf(start);
  const auto options = torch::optim::AdamWOptions(0.01).weight_decay(0.0);
  senti::LazyAdamW lazy({lazy_param}, options);
  torch::optim::AdamW dense({dense_param}, options);
  const auto rows = torch::tensor({1, 3}, torch::kInt64);
  const auto values = torch::randn({2, 3});
  lazy_param.mutable_grad() = torch::sparse_coo_tensor(rows.unsqueeze(0), values, {5, 3});
  dense_param.mutable_grad() = torch::zeros({5, 3}).index_copy(0, rows, values);
  lazy.step();
  dense.step();
  torch::NoGradGuard no_grad;
  for (int64_t row : {0, 2, 4}) CHECK(torch::equal(lazy_param[row], start[row]));
  // On a first step with no weight decay, rows with a zero gradient do not move under AdamW
  // either, so the two must agree everywhere.
  CHECK(torch::allclose(lazy_param, dense_param, 1e-6, 1e-7));
}

TEST_CASE("lazy adamw: state saves and loads", "[lazy_adamw]") {
  torch::manual_seed(5);
  senti::test::TempDir dir;
  const auto start = torch::randn({4, 2});
  auto a = leaf(start);
  const auto options = torch::optim::AdamWOptions(0.05);
  senti::LazyAdamW first({a}, options);
  a.mutable_grad() = torch::ones({4, 2});
  first.step();
  torch::save(first, dir.file("optimizer.pt"));

  auto b = leaf(a.detach());
  senti::LazyAdamW second({b}, options);
  torch::load(second, dir.file("optimizer.pt"));
  a.mutable_grad() = torch::full({4, 2}, 0.5);
  b.mutable_grad() = torch::full({4, 2}, 0.5);
  first.step();
  second.step();
  CHECK(torch::equal(a, b));
}

TEST_CASE("lazy adamw: gradient clipping covers dense and sparse gradients", "[lazy_adamw]") {
  auto dense = leaf(torch::zeros({2}));
  auto sparse = leaf(torch::zeros({3, 1}));
  dense.mutable_grad() = torch::tensor({3.0f, 0.0f});
  // Two entries for row 0 (uncoalesced): 1 + 3 = 4.
  sparse.mutable_grad() = torch::sparse_coo_tensor(torch::tensor({{0, 0}}, torch::kInt64),
                                                   torch::tensor({{1.0f}, {3.0f}}), {3, 1});
  const double norm = senti::clip_gradients({dense, sparse}, 1.0);
  CHECK(norm == Approx(5.0));
  CHECK(dense.grad()[0].item<float>() == Approx(0.6f).margin(1e-4));
  CHECK(sparse.grad().to_dense()[0][0].item<float>() == Approx(0.8f).margin(1e-4));
}
