#pragma once
// AdamW that also takes sparse gradients (an Embedding with sparse=true) and then updates only the
// rows the batch used ("lazy" Adam, as TensorFlow's LazyAdam; LibTorch's C++ optimisers have no
// SparseAdam). A batch touches a few hundred of the embedding's thousands of rows, so this skips
// most of the optimiser's work, which dominates training the plain model.

#include <torch/optim/adamw.h>
#include <torch/optim/optimizer.h>

#include <vector>

namespace senti {

/// Dense parameters get exactly torch::optim::AdamW's update. For a sparse gradient only its rows
/// are updated: their moments decay, their weights decay and step; untouched rows are left as
/// they are (their moments do not decay either). Options and state are AdamW's, and so is the
/// serialized form.
class LazyAdamW : public torch::optim::Optimizer {
 public:
  LazyAdamW(std::vector<torch::Tensor> params, torch::optim::AdamWOptions defaults);

  torch::Tensor step(LossClosure closure = nullptr) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;
};

/// Clips the gradients of `params`, dense or sparse, to a total 2-norm of at most `max_norm`
/// (sparse gradients are coalesced first); returns the norm before clipping.
double clip_gradients(std::vector<torch::Tensor> params, double max_norm);

}  // namespace senti
