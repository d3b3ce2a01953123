#pragma once
// Dropout with a cheap random mask.
//
// torch::nn::Dropout in LibTorch 1.13 (CPU) draws every mask element from the Mersenne Twister
// behind a lock, one element at a time; replacing it made plain-model training 1.5x faster
// (docs/BENCHMARKS.md). This module draws one seed from LibTorch's generator per call (so
// torch::manual_seed and checkpointed generator states still reproduce runs) and expands it with
// xoshiro256**, two mask elements per 64-bit draw.

#include <torch/nn/cloneable.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <iosfwd>

namespace senti {

/// Options of Dropout.
struct DropoutOptions {
  /* implicit */ DropoutOptions(double p = 0.5) : p_(p) {}  // NOLINT: like torch::nn::Dropout
  TORCH_ARG(double, p);  ///< probability of zeroing an element, [0, 1)
};

/// In training, zeroes each element with probability p and scales the others by 1 / (1 - p); in
/// evaluation, the identity.
class DropoutImpl : public torch::nn::Cloneable<DropoutImpl> {
 public:
  explicit DropoutImpl(DropoutOptions options = {});
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  torch::Tensor forward(const torch::Tensor& input);

  DropoutOptions options;
};
TORCH_MODULE(Dropout);

/// While alive, Dropout modules run on this thread draw their seeds from a stream of its own,
/// started at `seed`, instead of LibTorch's generator: threads that train model replicas at
/// once (DataParallel) then get the same masks whichever thread runs first. Scopes do not nest.
class DropoutStream {
 public:
  explicit DropoutStream(uint64_t seed);
  ~DropoutStream();
  DropoutStream(const DropoutStream&) = delete;
  DropoutStream& operator=(const DropoutStream&) = delete;
};

}  // namespace senti
