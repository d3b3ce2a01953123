#include "senti/checkpoint.h"

#include <torch/serialize.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "senti/atomic_dir.h"
#include "senti/bundle.h"
#include "senti/checksum.h"
#include "senti/error.h"
#include "senti/json_io.h"

namespace senti {

namespace {
namespace fs = std::filesystem;

constexpr const char* kStateFile = "state.json";
constexpr const char* kModelFile = "model.pt";
constexpr const char* kOptimizerFile = "optimizer.pt";
constexpr const char* kTensorsFile = "tensors.pt";  // best weights, then the torch RNG state

}  // namespace

std::string checkpoint_dir(const std::string& out_dir) {
  return (absolute_dir(out_dir) / kCheckpointDir).string();
}

void save_checkpoint(const std::string& out_dir, const CheckpointRun& run,
                     const Tokenizer& tokenizer, const TrainerState& state,
                     SentimentClassifier& model, torch::optim::Optimizer& optimizer) {
  const fs::path dir = checkpoint_dir(out_dir);
  std::error_code error;
  fs::create_directories(dir.parent_path(), error);
  if (error)
    throw Error("--out: cannot create " + dir.parent_path().string() + ": " + error.message());
  replace_directory(dir, "--out", [&](const fs::path& staging) {
    tokenizer.save((staging / kTokenizerFile).string());
    torch::save(model, (staging / kModelFile).string());
    torch::save(optimizer, (staging / kOptimizerFile).string());
    std::vector<torch::Tensor> tensors = state.best_weights;
    tensors.push_back(state.torch_rng);
    torch::save(tensors, (staging / kTensorsFile).string());
    nlohmann::json checksums;
    for (const char* file : {kTokenizerFile, kModelFile, kOptimizerFile, kTensorsFile}) {
      checksums[file] = file_checksum((staging / file).string());
    }
    const nlohmann::json json = {
        {"checksums", checksums},
        {"format", kCheckpointFormat},
        {"format_version", kCheckpointFormatVersion},
        {"options", run.options},
        {"labels", run.labels},
        {"data_fingerprint", run.data_fingerprint},
        {"epoch", state.epoch},
        {"global_step", state.global_step},
        {"history", state.history},
        {"best_epoch", state.best_epoch},
        {"best_score", state.best_score},
        {"best_valid_accuracy", state.best_valid_accuracy},
        {"epochs_without_gain", state.epochs_without_gain},
        {"seconds", state.seconds},
        {"shuffle_rng", state.shuffle_rng},
    };
    std::ofstream out(staging / kStateFile);
    out << json.dump(2) << "\n";
    if (!out.flush()) throw Error("--out: cannot write " + (staging / kStateFile).string());
  });
}

Checkpoint load_checkpoint(const std::string& out_dir) {
  const fs::path dir = checkpoint_dir(out_dir);
  const std::string where = "--resume: " + dir.string();
  if (!fs::is_directory(dir)) {
    throw Error("--resume: " + out_dir + " holds no checkpoint (no " + kCheckpointDir +
                "/ directory; checkpoints are left by interrupted senti-train runs)");
  }
  for (const char* file : {kStateFile, kTokenizerFile, kModelFile, kOptimizerFile, kTensorsFile}) {
    if (!fs::is_regular_file(dir / file)) throw Error(where + " lacks " + file);
  }
  Checkpoint checkpoint;
  try {
    std::ifstream in(dir / kStateFile);
    const auto json = nlohmann::json::parse(in);
    if (json.at("format").get<std::string>() != kCheckpointFormat) {
      throw Error(where + "/" + kStateFile + " is not a senti checkpoint");
    }
    const auto read = [&](const char* key, auto& field) {
      try {
        read_json_field(json, key, field);
      } catch (const Error& error) {
        throw Error(where + "/" + kStateFile + " is malformed (" + error.what() + ")");
      }
    };
    int64_t version = 0;
    read("format_version", version);
    if (version != kCheckpointFormatVersion) {
      throw Error(where + "/" + kStateFile + " has format version " + std::to_string(version) +
                  "; this senti reads version " + std::to_string(kCheckpointFormatVersion));
    }
    read("options", checkpoint.run.options);
    read("labels", checkpoint.run.labels);
    read("data_fingerprint", checkpoint.run.data_fingerprint);
    auto& state = checkpoint.state;
    read("epoch", state.epoch);
    read("global_step", state.global_step);
    read("history", state.history);
    read("best_epoch", state.best_epoch);
    read("best_score", state.best_score);
    read("best_valid_accuracy", state.best_valid_accuracy);
    read("epochs_without_gain", state.epochs_without_gain);
    read("seconds", state.seconds);
    read("shuffle_rng", state.shuffle_rng);
    // Damaged files are reported before LibTorch's parsers see them.
    for (const char* file : {kTokenizerFile, kModelFile, kOptimizerFile, kTensorsFile}) {
      verify_checksum((dir / file).string(), json.at("checksums").at(file).get<std::string>());
    }
  } catch (const nlohmann::json::exception& error) {
    throw Error(where + "/" + kStateFile + " is malformed (" + error.what() + ")");
  }
  try {
    std::vector<torch::Tensor> tensors;
    torch::load(tensors, (dir / kTensorsFile).string());
    if (tensors.empty()) throw Error(where + "/" + kTensorsFile + " is empty");
    checkpoint.state.torch_rng = tensors.back();
    tensors.pop_back();
    checkpoint.state.best_weights = std::move(tensors);
  } catch (const std::exception&) {
    throw Error(where + "/" + kTensorsFile + " is unreadable or truncated");
  }
  checkpoint.tokenizer_file = (dir / kTokenizerFile).string();
  checkpoint.model_file = (dir / kModelFile).string();
  checkpoint.optimizer_file = (dir / kOptimizerFile).string();
  return checkpoint;
}

}  // namespace senti
