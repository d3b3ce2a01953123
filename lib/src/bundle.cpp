#include "senti/bundle.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <torch/serialize.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "senti/atomic_dir.h"
#include "senti/checksum.h"
#include "senti/error.h"
#include "senti/json_io.h"

namespace senti {
namespace fs = std::filesystem;
namespace {

// The first line of an exception message (LibTorch appends multi-line backtraces).
std::string first_line(const std::string& message) {
  return message.substr(0, message.find('\n'));
}

bool is_model_dir(const fs::path& dir) {
  return fs::is_regular_file(dir / kConfigFile) || fs::is_regular_file(dir / kWeightsFile);
}

// A directory senti-train may write into: a model, empty, or holding only a training checkpoint
// (an interrupted first run).
bool is_replaceable(const fs::path& dir) {
  std::error_code error;
  if (fs::is_empty(dir, error) || is_model_dir(dir)) return true;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.path().filename() != kCheckpointDir) return false;
  }
  return true;
}

// The "linear" section of config.json and the file it names.
template <typename Verify>
LinearPart load_linear(const fs::path& root, const nlohmann::json& config, int64_t classes,
                       const Verify& verify) {
  const fs::path config_path = root / kConfigFile;
  std::string file;
  double share = 0.0;
  int64_t buckets = 0, features = 0;
  try {
    const auto& section = config.at("linear");
    read_json_field(section, "file", file);
    read_json_field(section, "share", share);
    read_json_field(section, "buckets", buckets);
    read_json_field(section, "features", features);
  } catch (const std::exception& shape_error) {
    throw Error(config_path.string() + ": malformed \"linear\" section (" +
                first_line(shape_error.what()) + ")");
  }
  if (!(share >= 0.0 && share <= 1.0)) {
    throw Error(config_path.string() + ": linear.share " + std::to_string(share) +
                " is out of range [0, 1]");
  }
  if (file != kLinearFile) {
    throw Error(config_path.string() + ": linear.file must be \"" + kLinearFile + "\"");
  }
  const fs::path path = root / kLinearFile;
  if (!fs::is_regular_file(path))
    throw Error("--model: " + root.string() + " lacks " + kLinearFile);
  verify(path);
  LinearPart linear;
  linear.share = share;
  try {
    linear.model = TfidfModel(buckets, features, classes);
  } catch (const Error& shape_error) {
    throw Error(config_path.string() + ": " + shape_error.what());
  }
  try {
    torch::load(linear.model, path.string());
  } catch (const std::exception& load_error) {
    throw Error(path.string() + ": cannot read the tfidf model (truncated or not a senti file): " +
                first_line(load_error.what()).substr(0, 200));
  }
  try {
    linear.model->index();
  } catch (const Error& shape_error) {
    throw Error(path.string() + ": " + shape_error.what());
  }
  return linear;
}

}  // namespace

void check_output_dir(const std::string& dir) {
  const fs::path target = absolute_dir(dir);
  std::error_code error;
  if (fs::exists(target, error)) {
    if (!fs::is_directory(target)) throw Error("--out: " + dir + " exists and is not a directory");
    if (!is_replaceable(target)) {
      throw Error("--out: " + dir +
                  " is a non-empty directory that is not a senti model; refusing to replace it");
    }
  }
  fs::path parent = target.parent_path();
  while (!parent.empty() && !fs::exists(parent, error)) parent = parent.parent_path();
  if (!parent.empty() && (!fs::is_directory(parent) || ::access(parent.c_str(), W_OK) != 0)) {
    throw Error("--out: cannot write to " + parent.string() + " (not a writable directory)");
  }
}

void save_bundle(const std::string& dir, SentimentClassifier& model, const Tokenizer& tokenizer,
                 const LabelSet& labels, int64_t max_tokens, nlohmann::json config,
                 const LinearPart& linear) {
  check_output_dir(dir);
  const fs::path target = absolute_dir(dir);
  config["format"] = kBundleFormat;
  config["format_version"] = kBundleFormatVersion;
  config["labels"] = labels.names();
  config["model"] = model->options;
  config["tokenizer"]["file"] = kTokenizerFile;
  config["tokenizer"]["pieces"] = tokenizer.vocab_size();
  config["tokenizer"]["max_tokens"] = max_tokens;
  config["weights"] = kWeightsFile;
  std::vector<const char*> files = {kTokenizerFile, kWeightsFile};
  if (linear.model) {
    config["linear"] = {{"file", kLinearFile},
                        {"share", linear.share},
                        {"buckets", linear.model->num_buckets()},
                        {"features", linear.model->features()}};
    if (linear.rows > 0) config["linear"]["rows"] = linear.rows;
    files.push_back(kLinearFile);
  }
  replace_directory(target, "--out", [&](const fs::path& staging) {
    tokenizer.save((staging / kTokenizerFile).string());
    // Weights are always stored on the CPU so any machine can load them.
    auto cpu_model = std::dynamic_pointer_cast<SentimentClassifierImpl>(model->clone(torch::kCPU));
    torch::save(SentimentClassifier(cpu_model), (staging / kWeightsFile).string());
    if (linear.model) torch::save(linear.model, (staging / kLinearFile).string());
    for (const char* file : files) {
      config["checksums"][file] = file_checksum((staging / file).string());
    }
    std::ofstream out(staging / kConfigFile);
    out << config.dump(2) << "\n";
    if (!out.flush()) throw Error("--out: cannot write " + (staging / kConfigFile).string());
  });
}

ModelBundle load_bundle(const std::string& dir) {
  const fs::path root(dir);
  if (!fs::exists(root)) throw Error("--model: " + dir + " does not exist");
  if (!fs::is_directory(root)) throw Error("--model: " + dir + " is not a directory");
  const fs::path config_path = root / kConfigFile;
  if (!fs::is_regular_file(config_path)) {
    throw Error("--model: " + dir + " is not a senti model directory (no " + kConfigFile + ")");
  }
  nlohmann::json config;
  {
    std::ifstream in(config_path);
    if (!in) throw Error(config_path.string() + ": cannot open for reading");
    try {
      config = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& parse_error) {
      throw Error(config_path.string() + ": not valid JSON (" + parse_error.what() + ")");
    }
  }
  // find() and is_string() first: value() would throw nlohmann's own error for a non-string.
  const auto format = config.is_object() ? config.find("format") : config.end();
  if (format == config.end() || !format->is_string() ||
      format->get<std::string>() != kBundleFormat) {
    throw Error(config_path.string() + ": not a senti model config (\"format\" is not \"" +
                kBundleFormat + "\")");
  }
  if (!config.contains("format_version") || !config["format_version"].is_number_integer()) {
    throw Error(config_path.string() + ": missing integer \"format_version\"");
  }
  const int64_t version = config["format_version"].get<int64_t>();
  if (version < kOldestBundleFormatVersion || version > kBundleFormatVersion) {
    throw Error(config_path.string() + ": model format version " + std::to_string(version) +
                " is not supported by this senti (it reads versions " +
                std::to_string(kOldestBundleFormatVersion) + " to " +
                std::to_string(kBundleFormatVersion) + "); " +
                (version > kBundleFormatVersion ? "upgrade senti" : "retrain the model"));
  }

  ModelOptions options;
  std::vector<std::string> label_names;
  int64_t max_tokens = 0;
  try {
    read_json_field(config, "model", options);
    read_json_field(config, "labels", label_names);
    read_json_field(config.at("tokenizer"), "max_tokens", max_tokens);
  } catch (const nlohmann::json::exception& shape_error) {
    throw Error(config_path.string() + ": malformed model config (" + shape_error.what() + ")");
  } catch (const Error& shape_error) {
    throw Error(config_path.string() + ": malformed model config (" + shape_error.what() + ")");
  }
  LabelSet labels;
  try {
    labels = LabelSet::from_ordered(label_names);
  } catch (const Error& label_error) {
    throw Error(config_path.string() + ": " + label_error.what());
  }
  if (labels.size() != options.num_classes) {
    throw Error(config_path.string() + ": lists " + std::to_string(labels.size()) +
                " labels but the model has " + std::to_string(options.num_classes) + " classes");
  }
  if (max_tokens < 1 || max_tokens > 1000000) {
    throw Error(config_path.string() + ": tokenizer.max_tokens " + std::to_string(max_tokens) +
                " is out of range [1, 1000000]");
  }
  try {
    options.validate();
  } catch (const Error& option_error) {
    throw Error(config_path.string() + ": invalid model settings (" + option_error.what() + ")");
  }

  const fs::path tokenizer_path = root / kTokenizerFile;
  if (!fs::is_regular_file(tokenizer_path)) {
    throw Error("--model: " + dir + " lacks " + kTokenizerFile);
  }
  // Damaged files are caught by their checksums before any parser reads them (models written
  // before checksums were recorded have none and skip this).
  const auto checksums = config.find("checksums");
  const auto verify = [&](const fs::path& path) {
    if (checksums == config.end()) return;
    const auto expected =
        checksums->is_object() ? checksums->find(path.filename().string()) : checksums->end();
    if (expected == checksums->end() || !expected->is_string()) {
      throw Error(config_path.string() + ": \"checksums\" lacks a string for " +
                  path.filename().string());
    }
    verify_checksum(path.string(), expected->get<std::string>());
  };
  verify(tokenizer_path);
  Tokenizer tokenizer = Tokenizer::load(tokenizer_path.string());
  if (tokenizer.vocab_size() != options.vocab_size) {
    throw Error(tokenizer_path.string() + ": has " + std::to_string(tokenizer.vocab_size()) +
                " pieces but config.json says " + std::to_string(options.vocab_size));
  }

  const fs::path weights_path = root / kWeightsFile;
  if (!fs::is_regular_file(weights_path)) throw Error("--model: " + dir + " lacks " + kWeightsFile);
  verify(weights_path);
  SentimentClassifier model{nullptr};
  try {
    model = SentimentClassifier(options, /*initialise=*/false);  // the weights come next
  } catch (const std::exception& option_error) {
    throw Error(config_path.string() + ": invalid model settings (" +
                first_line(option_error.what()) + ")");
  }
  // torch::load replaces tensors wholesale, whatever their shape; check shapes ourselves.
  std::vector<std::vector<int64_t>> expected;
  for (const auto& parameter : model->parameters()) expected.push_back(parameter.sizes().vec());
  try {
    torch::load(model, weights_path.string());
  } catch (const std::exception& load_error) {
    // LibTorch throws c10::Error for most damage, std::runtime_error from its TorchScript type
    // parser for some: either way the file is broken.
    throw Error(weights_path.string() +
                ": cannot read weights (truncated or not a senti weights file): " +
                first_line(load_error.what()).substr(0, 200));
  }
  const auto parameters = model->parameters();
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (parameters[i].sizes().vec() != expected[i]) {
      throw Error(weights_path.string() +
                  ": weights do not match config.json (a tensor has shape " +
                  c10::str(parameters[i].sizes()) + ", expected " +
                  c10::str(c10::IntArrayRef(expected[i])) + ")");
    }
  }
  model->eval();
  LinearPart linear;
  if (config.contains("linear")) linear = load_linear(root, config, options.num_classes, verify);
  return ModelBundle{dir,   options,    std::move(labels), std::move(tokenizer),
                     model, max_tokens, std::move(config), std::move(linear)};
}

}  // namespace senti
