#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <torch/optim/optimizer.h>

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
  double seconds = 0.0;            ///< wall time of all epochs, resumed runs included
  bool stopped_early = false;      ///< patience ran out before the last epoch
  bool interrupted = false;        ///< stop_requested() said so; the model is mid-epoch, not best
  std::string diverged;  ///< why training stopped on a non-finite loss; empty if it did not
};

/// Everything needed to continue training exactly where it stopped, as of the end of an epoch.
struct TrainerState {
  int64_t epoch = 0;                 ///< epochs completed
  int64_t global_step = 0;           ///< optimiser steps taken
  std::vector<EpochRecord> history;  ///< one record per completed epoch
  int64_t best_epoch = 0;            ///< 0: none yet
  double best_score = 0.0;           ///< selection score of best_epoch (higher is better)
  double best_valid_accuracy = 0.0;
  int64_t epochs_without_gain = 0;
  double seconds = 0.0;                     ///< training wall time so far
  std::string shuffle_rng;                  ///< the batch shuffler's state, as text
  torch::Tensor torch_rng;                  ///< LibTorch's CPU generator state (dropout)
  std::vector<torch::Tensor> best_weights;  ///< parameters and buffers of best_epoch
};

/// Pads token sequences into a [batch, longest] int64 tensor (0 = padding).
torch::Tensor pad_batch(const std::vector<const std::vector<int64_t>*>& sequences);

/// An encoding of the training set (same rows, same order) for a 1-based epoch.
using Resampler = std::function<std::vector<EncodedExample>(int64_t epoch)>;

/// Optional parts of a training run.
struct TrainingHooks {
  /// With subword regularisation: each epoch after the first one run trains on what this returns.
  Resampler resample;
  /// Called after every completed epoch, and before the first one of a fresh run, with the state
  /// to resume from and the optimiser (to save a checkpoint).
  std::function<void(const TrainerState&, SentimentClassifier&, torch::optim::Optimizer&)>
      on_checkpoint;
  /// Checked after every step; true ends training at once with `interrupted` set.
  std::function<bool()> stop_requested;
};

/// Where a resumed run starts: the state and the optimiser's saved state (a torch::save archive).
/// The model must already hold the weights saved with the state.
struct ResumeFrom {
  TrainerState state;
  std::string optimizer_file;
};

/// Optimises `model`, choosing the epoch by `options.select_by` on `valid`, and leaves the model
/// holding the best epoch's weights, in eval mode. `train` is the data of the first epoch run
/// (epoch 1, or the one after `resume->state.epoch`); later epochs train on `hooks.resample`'s
/// encodings when it is set, else on `train` again. A non-finite loss ends training with
/// `diverged` set and the best completed epoch's weights restored (an error if there is none).
TrainingResult fit(SentimentClassifier& model, const std::vector<EncodedExample>& train,
                   const std::vector<EncodedExample>& valid, const TrainingOptions& options,
                   int64_t num_classes, Progress& progress, const TrainingHooks& hooks = {},
                   const ResumeFrom* resume = nullptr);

}  // namespace senti
