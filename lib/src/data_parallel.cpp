#include "senti/data_parallel.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>

#include <memory>

#include "senti/error.h"
#include "senti/parallel.h"

namespace senti {

DataParallel::DataParallel(SentimentClassifier model, size_t shards)
    : model_(std::move(model)), restore_threads_(at::get_num_threads()) {
  if (shards < 2)
    throw Error("DataParallel needs at least 2 shards, got " + std::to_string(shards));
  for (size_t i = 1; i < shards; ++i) {
    replicas_.emplace_back(std::dynamic_pointer_cast<SentimentClassifierImpl>(model_->clone()));
  }
  follow_mode();
  // New threads take LibTorch's thread count from this setting when they first use it.
  at::set_num_threads(1);
}

DataParallel::~DataParallel() {
  at::set_num_threads(restore_threads_);
}

void DataParallel::run(const std::function<void(size_t, SentimentClassifier&)>& body) {
  parallel_ranges(shards(), shards(), /*grain=*/1, [&](size_t shard, size_t, size_t) {
    body(shard, shard == 0 ? model_ : replicas_[shard - 1]);
  });
  torch::NoGradGuard no_grad;
  const auto parameters = model_->parameters();
  for (auto& replica : replicas_) {
    const auto copies = replica->parameters();
    for (size_t i = 0; i < parameters.size(); ++i) {
      auto& copy_grad = copies[i].mutable_grad();
      if (!copy_grad.defined()) continue;
      auto& grad = parameters[i].mutable_grad();
      if (!grad.defined()) {
        grad = copy_grad;
      } else if (grad.is_sparse()) {
        grad = grad + copy_grad;  // sparse: the entries of both, coalesced by the optimiser
      } else {
        grad.add_(copy_grad);
      }
      copy_grad = torch::Tensor();
    }
  }
}

void DataParallel::sync() {
  torch::NoGradGuard no_grad;
  const auto parameters = model_->parameters();
  const auto buffers = model_->buffers();
  for (auto& replica : replicas_) {
    const auto copies = replica->parameters();
    for (size_t i = 0; i < parameters.size(); ++i) {
      const auto& grad = parameters[i].grad();
      if (grad.defined() && grad.is_sparse()) {
        // A sparse gradient's optimiser (LazyAdamW) changes only the rows it names.
        const auto rows = grad.coalesce().indices().squeeze(0);
        copies[i].index_copy_(0, rows, parameters[i].index_select(0, rows));
      } else {
        copies[i].copy_(parameters[i]);
      }
    }
    const auto copy_buffers = replica->buffers();
    for (size_t i = 0; i < buffers.size(); ++i) copy_buffers[i].copy_(buffers[i]);
  }
}

void DataParallel::follow_mode() {
  for (auto& replica : replicas_) replica->train(model_->is_training());
}

}  // namespace senti
