#pragma once
// Training steps split between CPU threads by examples, not by operators.
//
// The GRU's operators are small: split between two cores by LibTorch's OpenMP pool, an SST-2
// epoch took 26 s, against 37 s on one core, with a third of the time spent waiting at OpenMP's
// barriers. DataParallel cuts each batch into shards instead and runs each shard forward and
// backward on a thread of its own, through its own copy of the model, with LibTorch on one
// thread; the replicas' gradients are then summed into the model's, so the optimiser sees the
// whole batch's gradient, as before (docs/BENCHMARKS.md has the numbers).

#include <functional>
#include <vector>

#include "senti/model.h"

namespace senti {

class DataParallel {
 public:
  /// `shards` (>= 2) threads; copies `model` into shards - 1 replicas and sets LibTorch to one
  /// thread until destroyed. Build it after the optimiser, which may change the embedding's
  /// options (sparse gradients), so that the replicas get the same options.
  DataParallel(SentimentClassifier model, size_t shards);
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  size_t shards() const { return replicas_.size() + 1; }

  /// Runs body(shard, module) for every shard at once: shard 0 on the calling thread with the
  /// model itself, the others on threads of their own with a replica each. The replicas' gradients
  /// are then added to the model's and cleared. Rethrows the first exception a shard threw.
  void run(const std::function<void(size_t shard, SentimentClassifier& module)>& body);

  /// Copies the model's parameters and buffers into the replicas: after each optimiser step, and
  /// after anything else changes the model's weights.
  void sync();

  /// Sets the replicas' training mode to the model's.
  void follow_mode();

 private:
  SentimentClassifier model_;
  std::vector<SentimentClassifier> replicas_;
  int restore_threads_;
};

}  // namespace senti
