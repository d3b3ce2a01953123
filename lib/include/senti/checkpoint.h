#pragma once
// senti-train's resumable state: after every epoch it replaces OUT/checkpoint/ (atomically) with
// everything needed to continue exactly there (options, tokenizer, weights, optimiser, random
// generators, best-so-far); `senti-train --resume OUT` picks it up.

#include <cstdint>
#include <string>
#include <vector>

#include <torch/optim/optimizer.h>

#include "senti/model.h"
#include "senti/options.h"
#include "senti/tokenizer.h"
#include "senti/trainer.h"

namespace senti {

constexpr const char* kCheckpointFormat = "senti-checkpoint";
constexpr int kCheckpointFormatVersion = 2;

/// What senti-train needs besides the trainer's state to continue a run.
struct CheckpointRun {
  TrainOptions options;             ///< the options the run was started with
  std::vector<std::string> labels;  ///< class names in class-id order
  uint64_t data_fingerprint = 0;    ///< of the training and validation rows; must match on resume
};

/// A checkpoint read back from disk.
struct Checkpoint {
  CheckpointRun run;
  TrainerState state;
  std::string tokenizer_file;  ///< paths inside the checkpoint directory
  std::string model_file;
  std::string optimizer_file;
};

/// Writes OUT/checkpoint/ (replacing any previous one in one rename).
void save_checkpoint(const std::string& out_dir, const CheckpointRun& run,
                     const Tokenizer& tokenizer, const TrainerState& state,
                     SentimentClassifier& model, torch::optim::Optimizer& optimizer);

/// Reads OUT/checkpoint/; throws senti::Error naming the directory and what is wrong.
Checkpoint load_checkpoint(const std::string& out_dir);

/// The checkpoint directory of model directory `out_dir`.
std::string checkpoint_dir(const std::string& out_dir);

}  // namespace senti
