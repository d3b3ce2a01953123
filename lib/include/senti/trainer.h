#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "senti/model.h"
#include "senti/options.h"
#include "senti/progress.h"

namespace senti {

/// A text as token ids with its class id.
struct EncodedExample {
  std::vector<int64_t> ids;  ///< at least one id, at most max_tokens
  int64_t label = 0;         ///< class id
};

/// What one epoch did.
struct EpochRecord {
  int64_t epoch = 0;
  double train_loss = 0.0;
  double train_accuracy = 0.0;
  double valid_loss = 0.0;
  double valid_accuracy = 0.0;
  double valid_macro_f1 = 0.0;
  double seconds = 0.0;
  double tokens_per_second = 0.0;
  double learning_rate = 0.0;  ///< at the end of the epoch
};

/// What a training run did.
struct TrainingResult {
  std::vector<EpochRecord> history;
  int64_t best_epoch = 0;          ///< 1-based epoch whose weights the model holds
  double best_valid_accuracy = 0;  ///< its validation accuracy (whatever select_by chose on)
  double seconds = 0.0;            ///< wall time of all epochs
  bool stopped_early = false;      ///< patience ran out before the last epoch
};

/// Pads token sequences into a [batch, longest] int64 tensor (0 = padding).
torch::Tensor pad_batch(const std::vector<const std::vector<int64_t>*>& sequences);

/// Gives a fresh encoding of the training set (same rows, same order) for each epoch.
using Resampler = std::function<std::vector<EncodedExample>()>;

/// Optimises `model` on `train`, choosing the epoch by `options.select_by` on `valid`, and leaves
/// the model holding the best epoch's weights, in eval mode. With `resample`, each epoch after
/// the first trains on what it returns instead of `train` (subword regularisation; `train` should
/// itself be one such sample).
TrainingResult fit(SentimentClassifier& model, const std::vector<EncodedExample>& train,
                   const std::vector<EncodedExample>& valid, const TrainingOptions& options,
                   int64_t num_classes, Progress& progress, const Resampler& resample = {});

}  // namespace senti
