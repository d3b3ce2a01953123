#include "senti/train.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/cuda.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>

#include "senti/blas.h"
#include "senti/bundle.h"
#include "senti/checkpoint.h"
#include "senti/checksum.h"
#include "senti/dataset.h"
#include "senti/error.h"
#include "senti/interrupt.h"
#include "senti/json_io.h"
#include "senti/labels.h"
#include "senti/log.h"
#include "senti/overlap.h"
#include "senti/tfidf_model.h"
#include "senti/tokenizer.h"
#include "senti/trainer.h"

namespace senti {
namespace {

// Texts with class ids `label_ids` as model input.
std::vector<EncodedExample> encode_texts(const std::vector<std::string>& texts,
                                         const std::vector<int64_t>& label_ids,
                                         const Tokenizer& tokenizer, int64_t max_tokens) {
  std::vector<EncodedExample> encoded;
  encoded.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    encoded.push_back({tokenizer.encode_for_model(texts[i], max_tokens, nullptr), label_ids[i]});
  }
  return encoded;
}

// Examples as model input; rows whose label `labels` does not hold are left out.
std::vector<EncodedExample> encode_examples(const std::vector<Example>& examples,
                                            const Tokenizer& tokenizer, const LabelSet& labels,
                                            int64_t max_tokens) {
  std::vector<EncodedExample> encoded;
  encoded.reserve(examples.size());
  for (const auto& example : examples) {
    const auto label = labels.index(example.label);
    if (!label) continue;
    encoded.push_back({tokenizer.encode_for_model(example.text, max_tokens, nullptr), *label});
  }
  return encoded;
}

// The neural classifier's class probabilities for `rows`, [rows, classes], on the CPU.
torch::Tensor neural_probabilities(SentimentClassifier& model,
                                   const std::vector<EncodedExample>& rows) {
  torch::NoGradGuard no_grad;
  model->eval();
  const auto device = model->parameters().front().device();
  std::vector<torch::Tensor> parts;
  constexpr size_t kBatch = 256;
  for (size_t begin = 0; begin < rows.size(); begin += kBatch) {
    std::vector<const std::vector<int64_t>*> batch;
    for (size_t k = begin; k < std::min(rows.size(), begin + kBatch); ++k) {
      batch.push_back(&rows[k].ids);
    }
    parts.push_back(
        torch::softmax(model->forward(pad_batch(batch).to(device)).logits, /*dim=*/1).cpu());
  }
  return parts.empty() ? torch::zeros({0, model->options.num_classes}) : torch::cat(parts);
}

// Validation rows found inside training texts, at or above this share of a sample, make the
// validation loss favour whichever model memorises more (SST-2: its rows are phrases of the same
// sentences, and validation picks a share of 0.8 for the TF-IDF model where dev.csv wants 0.5).
constexpr double kOverlapLimit = 0.5;

// Fits the TF-IDF model and chooses its share in the mix on the validation rows (those with a
// known label, as in `valid_set`): the share with the lowest log loss, or an even mix when there
// are no validation rows or they mostly repeat training text. Rows held out of --data (not a
// --valid file) have then done their work, and the TF-IDF model, which has no epochs to choose,
// is fitted again on the training and held-out rows together: on the UCI sets' folds, where it
// carries the mix, the extra tenth of rows added 0.5-1.1 points (docs/BENCHMARKS.md).
LinearPart fit_linear(const TrainOptions& options, const std::vector<std::string>& texts,
                      const std::vector<int64_t>& label_ids, const LabelSet& labels,
                      const std::vector<Example>& valid_rows,
                      const std::vector<EncodedExample>& valid_set, SentimentClassifier& model) {
  LinearPart linear;
  if (options.linear.model == "none") return linear;
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> valid_texts;
  std::vector<int64_t> gold;
  for (const auto& example : valid_rows) {
    const auto label = labels.index(example.label);
    if (!label) continue;
    valid_texts.push_back(example.text);
    gold.push_back(*label);
  }
  const auto fit = [&](const std::vector<std::string_view>& fit_texts,
                       const std::vector<int64_t>& fit_labels) {
    return fit_tfidf_model(fit_texts, fit_labels, labels.size(), options.linear,
                           options.training.seed, [] { return InterruptGuard::received() != 0; });
  };
  std::vector<std::string_view> fit_texts(texts.begin(), texts.end());

  std::string how = "chosen by validation loss";
  linear.share = 0.5;
  if (gold.empty()) {
    how = "no validation rows to choose it on";
  } else if (const double overlap = share_inside(texts, valid_texts); overlap >= kOverlapLimit) {
    how = "an even mix: validation repeats training text";
    spdlog::warn(
        "{:.0f}% of a sample of validation rows occur inside training rows (phrase-level data or "
        "duplicates): validation scores are optimistic, and the tfidf model's share is not chosen "
        "on them",
        100.0 * overlap);
  } else {
    linear.model = fit(fit_texts, label_ids);
    if (!linear.model) return linear;  // interrupted
    std::vector<float> probabilities(gold.size() * static_cast<size_t>(labels.size()));
    for (size_t i = 0; i < valid_texts.size(); ++i) {
      linear.model->probabilities(valid_texts[i],
                                  &probabilities[i * static_cast<size_t>(labels.size())]);
    }
    const auto linear_valid =
        torch::from_blob(probabilities.data(), {static_cast<int64_t>(gold.size()), labels.size()});
    linear.share = best_linear_share(neural_probabilities(model, valid_set), linear_valid, gold);
  }
  // (A model that validation gave no share of the mix is not worth a second fit.)
  const bool refit = options.valid_path.empty() && !gold.empty() && linear.share > 0.0;
  if (refit || !linear.model) {
    std::vector<int64_t> fit_labels = label_ids;
    if (refit) {
      fit_texts.insert(fit_texts.end(), valid_texts.begin(), valid_texts.end());
      fit_labels.insert(fit_labels.end(), gold.begin(), gold.end());
    }
    linear.model = fit(fit_texts, fit_labels);
    if (!linear.model) return linear;  // interrupted
  }
  linear.rows = static_cast<int64_t>(fit_texts.size());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info(
      "tfidf model: {} n-gram features from {} rows{}, {:.1f}s; its share of the mix: {:.2f} ({})",
      linear.model->features(), fit_texts.size(),
      refit ? fmt::format(" (the {} held out included)", gold.size()) : "", seconds, linear.share,
      how);
  return linear;
}

std::string label_counts(const std::vector<Example>& examples) {
  std::map<std::string, int64_t> counts;
  for (const auto& example : examples) ++counts[example.label];
  std::string text;
  for (const auto& [label, count] : counts) {
    text += fmt::format("{}{}: {}", text.empty() ? "" : ", ", label, count);
  }
  return text;
}

nlohmann::json training_section(const TrainOptions& options, const Dataset& data, size_t train_rows,
                                size_t valid_rows, int64_t threads) {
  const auto& t = options.training;
  return {{"data", data.path},
          {"text_column", data.text_column},
          {"label_column", data.label_column},
          {"train_rows", train_rows},
          {"valid_rows", valid_rows},
          {"valid", options.valid_path.empty()
                        ? nlohmann::json(fmt::format("split {} of --data", options.valid_split))
                        : nlohmann::json(options.valid_path)},
          {"skipped_rows", data.skipped},
          {"epochs", t.epochs},
          {"batch_size", t.batch_size},
          {"lr", t.learning_rate},
          {"weight_decay", t.weight_decay},
          {"optimizer", t.optimizer},
          {"clip_norm", t.clip_norm},
          {"warmup", t.warmup},
          {"label_smoothing", t.label_smoothing},
          {"token_dropout", t.token_dropout},
          {"subword_alpha", t.subword_alpha},
          {"class_weights", t.class_weights},
          {"patience", t.patience},
          {"select_by", t.select_by},
          {"seed", t.seed},
          {"threads", threads},
          {"device", t.device},
          {"tokenizer_type", options.tokenizer.type},
          {"vocab_size_requested", options.tokenizer.vocab_size},
          {"lowercase", options.tokenizer.lowercase},
          {"character_coverage", options.tokenizer.character_coverage},
          {"tokenizer_sentences", options.tokenizer.max_sentences},
          {"tokenizer_bytes", options.tokenizer.max_bytes},
          {"linear", options.linear}};
}

// FNV-1a over every row's text and label, to tell on resume whether the data is the same.
uint64_t fingerprint(const std::vector<Example>& train, const std::vector<Example>& valid) {
  uint64_t hash = kFnv1aStart;
  const auto add = [&](const std::string& text) {
    hash = fnv1a64(hash, text);
    hash = fnv1a64(hash, "\xff");  // a separator no UTF-8 text holds
  };
  for (const auto* rows : {&train, &valid}) {
    for (const auto& example : *rows) {
      add(example.text);
      add(example.label);
    }
    add("");
  }
  return hash;
}

std::string signal_name(int signal) {
  return signal == SIGINT    ? "SIGINT"
         : signal == SIGTERM ? "SIGTERM"
                             : fmt::format("signal {}", signal);
}

// Ends the run when an interrupt came before the first epoch, when nothing is saved yet.
void stop_if_interrupted_before_training() {
  if (const int signal = InterruptGuard::received(); signal != 0) {
    throw Interrupted(fmt::format("interrupted by {} before training started; nothing was saved",
                                  signal_name(signal)),
                      signal);
  }
}

void load_checkpoint_weights(SentimentClassifier& model, const Checkpoint& checkpoint) {
  try {
    torch::load(model, checkpoint.model_file);
  } catch (const std::exception&) {
    throw Error("--resume: " + checkpoint.model_file +
                " is unreadable, truncated or does not fit the checkpoint's options");
  }
  const auto expected = model->parameters().size() + model->buffers().size();
  if (checkpoint.state.best_epoch > 0 && checkpoint.state.best_weights.size() != expected) {
    throw Error("--resume: " + checkpoint_dir(checkpoint.run.options.out) +
                " holds best-epoch weights that do not fit the model");
  }
}

// The options a run trains with: `given`, or for --resume the interrupted run's (only threads
// and verbosity may change), with the checkpoint to continue from. Validated, and the output
// directory checked.
std::pair<TrainOptions, std::optional<Checkpoint>> resolve_run(const TrainOptions& given) {
  TrainOptions options = given;
  std::optional<Checkpoint> checkpoint;
  if (!given.resume.empty()) {
    checkpoint = load_checkpoint(given.resume);
    options = checkpoint->run.options;
    options.out = given.resume;
    options.training.threads = given.training.threads;
    options.quiet = given.quiet;
  }
  options.validate();
  check_output_dir(options.out);
  return {options, std::move(checkpoint)};
}

// The labels of `data`; throws when there are too few or too many to be a label column.
LabelSet labels_of(const Dataset& data) {
  std::vector<std::string> all_labels;
  for (const auto& example : data.examples) all_labels.push_back(example.label);
  LabelSet labels = LabelSet::from_labels(all_labels);
  if (labels.size() < 2) {
    throw Error(
        fmt::format("{}: column '{}' holds only one label ('{}'); a classifier needs at "
                    "least two (is --label-column right?)",
                    data.path, data.label_column, labels.name(0)));
  }
  if (labels.size() > 1000) {
    throw Error(
        fmt::format("{}: column '{}' holds {} distinct labels; is it really the label "
                    "column? (--label-column)",
                    data.path, data.label_column, labels.size()));
  }
  return labels;
}

// Training and validation rows: --valid's file (same columns as --data), a stratified split of
// --data, or no validation rows. The rows are moved out of `data`, which keeps what the file held
// besides them: a training set's texts are held once.
std::pair<std::vector<Example>, std::vector<Example>> split_rows(const TrainOptions& options,
                                                                 Dataset& data) {
  if (!options.valid_path.empty()) {
    DataOptions valid_options = options.data;
    valid_options.path = options.valid_path;
    valid_options.text_column = data.text_column;
    valid_options.label_column = data.label_column;
    return {std::move(data.examples), load_dataset(valid_options).examples};
  }
  if (options.valid_split > 0.0) {
    return stratified_split(std::move(data.examples), options.valid_split, options.training.seed);
  }
  return {std::move(data.examples), {}};
}

// With subword regularisation every epoch trains on its own sampled segmentation, seeded by the
// run's seed and the epoch so that a resumed run samples what the uninterrupted one would. Empty
// without it. `tokenizer`, `texts` and `label_ids` must outlive the resampler. After an interrupt
// it returns nothing.
Resampler subword_resampler(const TrainingOptions& training, const Tokenizer& tokenizer,
                            const std::vector<std::string>& texts,
                            const std::vector<int64_t>& label_ids) {
  if (training.subword_alpha <= 0.0) return {};
  const auto alpha = static_cast<float>(training.subword_alpha);
  const auto max_tokens = training.max_tokens;
  const auto run_seed = training.seed;
  return [&tokenizer, &texts, &label_ids, alpha, max_tokens, run_seed](int64_t epoch) {
    const auto seed = static_cast<uint32_t>(run_seed * 1000003u + static_cast<uint64_t>(epoch));
    // An interrupt ends the sampling at once (the run is ending), with an empty result.
    auto ids = tokenizer.sample_encode_for_model(texts, max_tokens, alpha, seed,
                                                 [] { return InterruptGuard::received() != 0; });
    std::vector<EncodedExample> encoded(ids.size());
    for (size_t i = 0; i < ids.size(); ++i) encoded[i] = {std::move(ids[i]), label_ids[i]};
    return encoded;
  };
}

// Sets up the process for training: OpenBLAS's kernels, the thread count (returned), the device
// check and the seed.
int64_t prepare_process(const TrainingOptions& training) {
  if (const auto core = select_blas_kernels(); !core.empty()) {
    spdlog::info(
        "OpenBLAS does not know this CPU and chose its generic Prescott kernels; using its {} "
        "kernels instead (OPENBLAS_CORETYPE overrides)",
        core);
  }
  const int64_t threads = use_threads(training.threads);
  if (training.device == "cuda" && !torch::cuda::is_available()) {
    throw Error(
        "--device cuda: this LibTorch build has no CUDA support or sees no GPU; use "
        "--device cpu");
  }
  torch::manual_seed(training.seed);
  return threads;
}

// What a checkpoint records of the run, with absolute paths so that --resume works from any
// directory. When resuming, throws if the data is not what the checkpoint's run trained on.
CheckpointRun describe_run(const TrainOptions& options, const LabelSet& labels,
                           const std::pair<std::vector<Example>, std::vector<Example>>& rows,
                           const std::optional<Checkpoint>& checkpoint) {
  CheckpointRun run{options, labels.names(), fingerprint(rows.first, rows.second)};
  run.options.data.path = std::filesystem::absolute(options.data.path).string();
  if (!options.valid_path.empty()) {
    run.options.valid_path = std::filesystem::absolute(options.valid_path).string();
  }
  if (checkpoint && (run.labels != checkpoint->run.labels ||
                     run.data_fingerprint != checkpoint->run.data_fingerprint)) {
    throw Error("--resume: the data (" + options.data.path +
                ") is not what the interrupted run trained on; it changed since the checkpoint "
                "was written, so start a new run");
  }
  return run;
}

// Ends a run that an interrupt stopped during training, saying how to continue it.
[[noreturn]] void throw_interrupted(const TrainOptions& options, int64_t saved_epoch) {
  const int signal = InterruptGuard::received();
  throw Interrupted(
      fmt::format("interrupted by {}; the checkpoint of epoch {} of {} is in {}; continue "
                  "with: senti-train --resume {}",
                  signal_name(signal), saved_epoch, options.training.epochs,
                  checkpoint_dir(options.out), options.out),
      signal);
}

// The run's last log line.
void log_finished(const TrainingResult& result, bool validated, double seconds,
                  const std::string& out) {
  if (!validated) {
    spdlog::info("trained {} epochs in {:.1f}s; model written to {}", result.history.size(),
                 seconds, out);
    return;
  }
  spdlog::info(
      "best epoch {} of {}{}: validation accuracy {:.4f}; {:.1f}s in all; model written to {}",
      result.best_epoch, result.history.size(), result.stopped_early ? " (stopped early)" : "",
      result.best_valid_accuracy, seconds, out);
}

// config.json's "result" section.
nlohmann::json result_section(const TrainingResult& result, bool resumed) {
  nlohmann::json section = {{"best_epoch", result.best_epoch},
                            {"best_valid_accuracy", result.best_valid_accuracy},
                            {"epochs_run", result.history.size()},
                            {"stopped_early", result.stopped_early},
                            {"resumed", resumed},
                            {"seconds", result.seconds}};
  if (!result.diverged.empty()) section["diverged"] = result.diverged;
  return section;
}

}  // namespace

void run_train(const TrainOptions& given) {
  const InterruptGuard interrupts;
  auto resolved = resolve_run(given);
  const TrainOptions& options = resolved.first;
  const std::optional<Checkpoint>& checkpoint = resolved.second;
  const int64_t threads = prepare_process(options.training);
  const auto started = std::chrono::steady_clock::now();

  Dataset data = load_dataset(options.data);
  const LabelSet labels = labels_of(data);
  auto rows = split_rows(options, data);
  const CheckpointRun run = describe_run(options, labels, rows, checkpoint);
  const std::vector<Example>& valid_rows = rows.second;
  spdlog::info("{} training rows ({}), {} validation rows, {} labels", rows.first.size(),
               label_counts(rows.first), valid_rows.size(), labels.size());

  // From here the training rows are their texts and class ids (moved: texts are held once).
  std::vector<std::string> texts;
  std::vector<int64_t> label_ids;
  texts.reserve(rows.first.size());
  label_ids.reserve(rows.first.size());
  for (auto& example : rows.first) {
    texts.push_back(std::move(example.text));
    label_ids.push_back(*labels.index(example.label));
  }
  rows.first = {};
  const Tokenizer tokenizer =
      checkpoint ? Tokenizer::load(checkpoint->tokenizer_file)
                 : Tokenizer::train(texts, options.tokenizer,
                                    static_cast<uint32_t>(options.training.seed), threads);
  spdlog::info("tokenizer: {} {} pieces", options.tokenizer.type, tokenizer.vocab_size());
  stop_if_interrupted_before_training();

  const auto max_tokens = options.training.max_tokens;
  TrainingHooks hooks;
  hooks.resample = subword_resampler(options.training, tokenizer, texts, label_ids);
  const int64_t first_epoch = checkpoint ? checkpoint->state.epoch + 1 : 1;
  const auto train_set = hooks.resample ? hooks.resample(first_epoch)
                                        : encode_texts(texts, label_ids, tokenizer, max_tokens);
  stop_if_interrupted_before_training();
  const auto valid_set = encode_examples(valid_rows, tokenizer, labels, max_tokens);
  if (valid_set.size() < valid_rows.size()) {
    spdlog::warn("{}: {} validation row(s) have labels not in the training data; ignored",
                 options.valid_path, valid_rows.size() - valid_set.size());
  }

  ModelOptions model_options = options.model;
  model_options.vocab_size = tokenizer.vocab_size();
  model_options.num_classes = labels.size();
  SentimentClassifier model(model_options);
  std::optional<ResumeFrom> resume;
  if (checkpoint) {
    resume = ResumeFrom{checkpoint->state, checkpoint->optimizer_file};
    load_checkpoint_weights(model, *checkpoint);
    spdlog::info("resuming from the checkpoint of epoch {} of {} in {}", checkpoint->state.epoch,
                 options.training.epochs, checkpoint_dir(options.out));
  }

  int64_t saved_epoch = -1;
  hooks.on_checkpoint = [&](const TrainerState& state, SentimentClassifier& current,
                            torch::optim::Optimizer& optimizer) {
    save_checkpoint(options.out, run, tokenizer, state, current, optimizer);
    saved_epoch = state.epoch;
  };
  hooks.stop_requested = [] { return InterruptGuard::received() != 0; };
  Progress progress(options.quiet ? Progress::Mode::kQuiet : Progress::Mode::kBar);
  const TrainingResult result = fit(model, train_set, valid_set, options.training, labels.size(),
                                    progress, hooks, resume ? &*resume : nullptr);
  if (result.interrupted) throw_interrupted(options, saved_epoch);

  const LinearPart linear = result.diverged.empty() ? fit_linear(options, texts, label_ids, labels,
                                                                 valid_rows, valid_set, model)
                                                    : LinearPart{};
  // An interrupt while the TF-IDF model was fitted: the last epoch's checkpoint resumes it.
  if (InterruptGuard::received() != 0) throw_interrupted(options, saved_epoch);

  nlohmann::json config;
  config["senti_version"] = SENTI_VERSION;
  config["training"] = training_section(options, data, train_set.size(), valid_set.size(), threads);
  config["history"] = result.history;
  config["result"] = result_section(result, checkpoint.has_value());
  save_bundle(options.out, model, tokenizer, labels, max_tokens, config, linear);
  if (!result.diverged.empty()) {
    throw Error(fmt::format(
        "training diverged: {}; kept the best model so far (epoch {}) in {}; try a lower --lr",
        result.diverged, result.best_epoch, options.out));
  }

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log_finished(result, !valid_set.empty(), seconds, options.out);
}

}  // namespace senti
