#include <catch2/catch.hpp>

#include <torch/csrc/autograd/autograd.h>
#include <torch/nn/utils/rnn.h>

#include <algorithm>
#include <string>
#include <vector>

#include "senti/gru_recurrence.h"
#include "senti/model.h"

namespace {

namespace rnn = torch::nn::utils::rnn;

// LibTorch's own GRU over the same packed batch: the reference GruEncoder is checked against.
torch::Tensor libtorch_gru(senti::GruEncoder& encoder, const torch::Tensor& inputs,
                           const torch::Tensor& lengths) {
  const auto packed = rnn::pack_padded_sequence(inputs, lengths, /*batch_first=*/true,
                                                /*enforce_sorted=*/false);
  const auto output = std::get<0>(encoder->gru->forward_with_packed_input(packed));
  return std::get<0>(rnn::pad_packed_sequence(output, /*batch_first=*/true, /*padding_value=*/0.0,
                                              /*total_length=*/inputs.size(1)));
}

torch::Tensor mask_of(const std::vector<int64_t>& lengths, int64_t width) {
  auto mask = torch::zeros({static_cast<int64_t>(lengths.size()), width}, torch::kBool);
  for (size_t row = 0; row < lengths.size(); ++row) {
    mask[static_cast<int64_t>(row)].narrow(0, 0, lengths[row]).fill_(true);
  }
  return mask;
}

// Output and every gradient (inputs and the GRU's eight parameters) of GruEncoder::forward, with
// the loss sum(output * weights), against LibTorch's GRU.
void check_against_libtorch(const std::vector<int64_t>& lengths, int64_t dim, uint64_t seed) {
  torch::manual_seed(seed);
  senti::GruEncoder encoder{senti::GruEncoderOptions(dim)};
  const int64_t width = *std::max_element(lengths.begin(), lengths.end());
  const auto mask = mask_of(lengths, width);
  const auto inputs =
      torch::randn({static_cast<int64_t>(lengths.size()), width, dim}).requires_grad_(true);
  const auto loss_weights = torch::randn({static_cast<int64_t>(lengths.size()), width, dim});

  std::vector<torch::Tensor> variables{inputs};
  for (const auto& parameter : encoder->gru->parameters()) variables.push_back(parameter);

  const auto ours = encoder->forward(inputs, mask);
  const auto our_grads = torch::autograd::grad({(ours * loss_weights).sum()}, variables);
  const auto theirs = libtorch_gru(encoder, inputs, mask.sum(1));
  const auto their_grads = torch::autograd::grad({(theirs * loss_weights).sum()}, variables);

  // Padding stays exactly 0; real tokens agree to float rounding (fast_tanh is within 5e-7).
  CHECK(ours.masked_select(~mask.unsqueeze(-1).expand_as(ours)).abs().sum().item<float>() == 0.0f);
  CHECK(torch::allclose(ours, theirs, /*rtol=*/1e-4, /*atol=*/1e-5));
  const auto names = encoder->gru->named_parameters().keys();
  for (size_t i = 0; i < variables.size(); ++i) {
    INFO((i == 0 ? std::string("inputs") : names[i - 1]) << ", lengths " << lengths.size());
    REQUIRE(our_grads[i].defined());
    CHECK(torch::allclose(our_grads[i], their_grads[i], /*rtol=*/1e-3, /*atol=*/1e-4));
  }
}

}  // namespace

TEST_CASE("gru recurrence: equals LibTorch's GRU, output and gradients", "[gru_recurrence]") {
  SECTION("mixed lengths, unsorted") {
    check_against_libtorch({3, 7, 1, 7, 5, 2}, 16, 1);
  }
  SECTION("equal lengths") {
    check_against_libtorch({4, 4, 4}, 8, 2);
  }
  SECTION("one text") {
    check_against_libtorch({9}, 32, 3);
  }
  SECTION("single tokens") {
    check_against_libtorch({1, 1}, 8, 4);
  }
  SECTION("long and short, wider layer") {
    check_against_libtorch({40, 1, 13, 2}, 128, 5);
  }
}

TEST_CASE("gru recurrence: reverse reads each sequence from its end", "[gru_recurrence]") {
  // Two sequences, lengths 2 and 1, hidden width 1, packed: step 0 holds both, step 1 the first.
  const auto gates =
      torch::tensor({0.5f, -0.2f, 0.3f, 0.1f, 0.4f, -0.6f, -0.3f, 0.2f, 0.9f}).reshape({3, 3});
  const auto weight = torch::tensor({0.7f, -0.4f, 1.1f}).reshape({3, 1});
  const auto bias = torch::tensor({0.05f, -0.1f, 0.2f});
  const auto batch_sizes = torch::tensor({2, 1}, torch::kLong);
  const auto step = [&](const torch::Tensor& i, float h) {
    const float r = torch::sigmoid(i[0] + weight[0][0] * h + bias[0]).item<float>();
    const float z = torch::sigmoid(i[1] + weight[1][0] * h + bias[1]).item<float>();
    const float n = torch::tanh(i[2] + r * (weight[2][0] * h + bias[2])).item<float>();
    return (1 - z) * n + z * h;
  };
  const auto forward = senti::gru_recurrence(gates, weight, bias, batch_sizes, false);
  const auto reverse = senti::gru_recurrence(gates, weight, bias, batch_sizes, true);
  // Forward: sequence 0 is rows 0 then 2; sequence 1 is row 1 alone.
  const float f0 = step(gates[0], 0.0f);
  CHECK(forward[0][0].item<float>() == Approx(f0).margin(1e-6));
  CHECK(forward[2][0].item<float>() == Approx(step(gates[2], f0)).margin(1e-6));
  CHECK(forward[1][0].item<float>() == Approx(step(gates[1], 0.0f)).margin(1e-6));
  // Reverse: sequence 0 starts at row 2 and goes on to row 0.
  const float r2 = step(gates[2], 0.0f);
  CHECK(reverse[2][0].item<float>() == Approx(r2).margin(1e-6));
  CHECK(reverse[0][0].item<float>() == Approx(step(gates[0], r2)).margin(1e-6));
  CHECK(reverse[1][0].item<float>() == Approx(step(gates[1], 0.0f)).margin(1e-6));
}
