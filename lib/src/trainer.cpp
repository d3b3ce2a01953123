#include "senti/trainer.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>
#include <sstream>
#include <tuple>

#include "senti/data_parallel.h"
#include "senti/dropout.h"
#include "senti/error.h"
#include "senti/folded_gru.h"
#include "senti/lazy_adamw.h"
#include "senti/metrics.h"
#include "senti/parallel.h"
#include "senti/tokenizer.h"

namespace senti {
namespace {

using Clock = std::chrono::steady_clock;

// Fewest examples of a batch worth a thread of their own in training (DataParallel).
constexpr int64_t kMinShardExamples = 16;

// Batches of similar length waste little compute on padding; sorting only within large random
// chunks keeps the batches' contents random from epoch to epoch.
std::vector<std::vector<size_t>> make_batches(const std::vector<EncodedExample>& data,
                                              int64_t batch_size, std::mt19937_64& rng) {
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  const size_t chunk = static_cast<size_t>(batch_size) * 50;
  for (size_t begin = 0; begin < order.size(); begin += chunk) {
    const auto end =
        order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), begin + chunk));
    std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(begin), end,
                     [&](size_t a, size_t b) { return data[a].ids.size() < data[b].ids.size(); });
  }
  std::vector<std::vector<size_t>> batches;
  for (size_t begin = 0; begin < order.size(); begin += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(order.size(), begin + static_cast<size_t>(batch_size));
    batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(begin),
                         order.begin() + static_cast<std::ptrdiff_t>(end));
  }
  std::shuffle(batches.begin(), batches.end(), rng);
  return batches;
}

struct Batch {
  torch::Tensor ids;
  torch::Tensor labels;
  int64_t tokens = 0;
};

Batch collate(const std::vector<EncodedExample>& data, const std::vector<size_t>& indexes,
              const torch::Device& device) {
  std::vector<const std::vector<int64_t>*> sequences;
  std::vector<int64_t> labels;
  Batch batch;
  for (size_t i : indexes) {
    sequences.push_back(&data[i].ids);
    labels.push_back(data[i].label);
    batch.tokens += static_cast<int64_t>(data[i].ids.size());
  }
  batch.ids = pad_batch(sequences).to(device);
  batch.labels = torch::tensor(labels, torch::kInt64).to(device);
  return batch;
}

torch::Tensor class_weights(const std::vector<EncodedExample>& data, int64_t num_classes,
                            const std::string& mode) {
  if (mode != "balanced") return {};
  std::vector<double> counts(static_cast<size_t>(num_classes), 0.0);
  for (const auto& example : data) counts[static_cast<size_t>(example.label)] += 1.0;
  std::vector<float> weights;
  for (double count : counts) {
    weights.push_back(count == 0.0
                          ? 0.0f
                          : static_cast<float>(static_cast<double>(data.size()) /
                                               (static_cast<double>(num_classes) * count)));
  }
  return torch::tensor(weights);
}

struct Evaluation {
  double loss = 0.0;
  double accuracy = 0.0;
  double macro_f1 = 0.0;
};

// Loss, accuracy and macro-F1 of `model` on `data`, in batches of texts of similar length. A GRU
// model on the CPU runs folded (as senti-predict does), its batches split between `threads`
// threads; through the module it would run on the one LibTorch thread DataParallel leaves.
Evaluation evaluate(SentimentClassifier& model, const std::vector<EncodedExample>& data,
                    int64_t num_classes, const torch::Device& device, size_t threads) {
  torch::NoGradGuard no_grad;
  model->eval();
  std::vector<size_t> order(data.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return data[a].ids.size() < data[b].ids.size(); });
  constexpr size_t kBatch = 256;
  const size_t batches = (order.size() + kBatch - 1) / kBatch;
  const auto batch_rows = [&](size_t batch) {
    return std::vector<size_t>(
        order.begin() + static_cast<std::ptrdiff_t>(batch * kBatch),
        order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), (batch + 1) * kBatch)));
  };
  // [rows in `order`, classes]
  auto logits = torch::empty({static_cast<int64_t>(order.size()), num_classes}, torch::kFloat32);
  if (device.is_cpu() && FoldedGruModel::applies(model->options)) {
    const FoldedGruModel folded(*model);
    parallel_ranges(batches, threads, 1, [&](size_t, size_t first, size_t last) {
      const SerialOpenMp serial;
      for (size_t batch = first; batch < last; ++batch) {
        std::vector<const std::vector<int64_t>*> sequences;
        for (const size_t row : batch_rows(batch)) sequences.push_back(&data[row].ids);
        folded.forward(sequences, logits.data_ptr<float>() + batch * kBatch * num_classes, nullptr);
      }
    });
  } else {
    for (size_t batch = 0; batch < batches; ++batch) {
      const auto rows = batch_rows(batch);
      const auto begin = static_cast<int64_t>(batch * kBatch);
      logits.slice(/*dim=*/0, begin, begin + static_cast<int64_t>(rows.size()))
          .copy_(model(collate(data, rows, device).ids).logits.to(torch::kCPU));
    }
  }
  std::vector<int64_t> gold;
  for (const size_t row : order) gold.push_back(data[row].label);
  const auto loss = torch::nn::functional::cross_entropy(
      logits, torch::tensor(gold, torch::kInt64),
      torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
  const auto argmax = logits.argmax(/*dim=*/1).contiguous();
  const std::vector<int64_t> predicted(argmax.data_ptr<int64_t>(),
                                       argmax.data_ptr<int64_t>() + argmax.numel());
  std::vector<std::string> names;
  for (int64_t c = 0; c < num_classes; ++c) names.push_back(std::to_string(c));
  const auto report = classification_report(gold, predicted, names, num_classes);
  Evaluation result;
  result.loss = data.empty() ? 0.0 : loss.item<double>() / static_cast<double>(data.size());
  result.accuracy = report.accuracy;
  result.macro_f1 = report.macro_f1;
  return result;
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(SentimentClassifier& model,
                                                        const TrainingOptions& options) {
  if (options.optimizer == "adam") {
    return std::make_unique<torch::optim::Adam>(
        model->parameters(),
        torch::optim::AdamOptions(options.learning_rate).weight_decay(options.weight_decay));
  }
  // AdamW with a sparse embedding gradient: only the rows a batch uses are updated.
  model->embedding->options.sparse(true);
  return std::make_unique<LazyAdamW>(
      model->parameters(),
      torch::optim::AdamWOptions(options.learning_rate).weight_decay(options.weight_decay));
}

// Linear warm-up to the peak rate, then linear decay to a tenth of it by the last planned step.
double scheduled_rate(const TrainingOptions& options, int64_t step, int64_t total_steps) {
  const auto warmup = static_cast<int64_t>(std::ceil(options.warmup * total_steps));
  if (step < warmup) return options.learning_rate * static_cast<double>(step + 1) / warmup;
  const double progress = static_cast<double>(step - warmup) /
                          static_cast<double>(std::max<int64_t>(1, total_steps - warmup));
  return options.learning_rate * (1.0 - 0.9 * std::min(1.0, progress));
}

// Higher is better. Loss is the default: it is smoother than accuracy on small validation sets
// and stops before the model grows overconfident.
double selection_score(const EpochRecord& record, const std::string& select_by) {
  if (select_by == "accuracy") return record.valid_accuracy;
  if (select_by == "macro-f1") return record.valid_macro_f1;
  return -record.valid_loss;
}

// A copy of every parameter and buffer, to restore the best epoch at the end.
std::vector<torch::Tensor> snapshot(SentimentClassifier& model) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> copies;
  for (const auto& tensor : model->parameters()) copies.push_back(tensor.detach().clone());
  for (const auto& tensor : model->buffers()) copies.push_back(tensor.detach().clone());
  return copies;
}

torch::Tensor torch_rng() {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void set_torch_rng(const torch::Tensor& state) {
  if (!state.defined()) return;
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

void restore(SentimentClassifier& model, const std::vector<torch::Tensor>& copies) {
  torch::NoGradGuard no_grad;
  size_t i = 0;
  for (auto& tensor : model->parameters()) tensor.copy_(copies[i++]);
  for (auto& tensor : model->buffers()) tensor.copy_(copies[i++]);
}

// One training step's forward and backward with the batch cut into DataParallel's shards, each
// on its own thread and model replica: returns the batch's logits and its loss. Each shard's
// loss is summed and divided by the whole batch's normaliser (its size, or its examples' class
// weights), so the summed gradients are those of the batch's mean loss. Each shard draws its
// dropout masks from a stream seeded here, in order, so runs reproduce.
std::pair<torch::Tensor, double> sharded_step(
    DataParallel& parallel, const Batch& batch, const torch::Tensor& weights,
    const torch::nn::functional::CrossEntropyFuncOptions& loss_options) {
  const int64_t rows = batch.ids.size(0);
  const auto shards = static_cast<int64_t>(parallel.shards());
  const double normaliser = weights.defined()
                                ? weights.index_select(0, batch.labels).sum().item<double>()
                                : static_cast<double>(rows);
  const auto drawn = at::randint(std::numeric_limits<int64_t>::max(), {shards}, at::kLong);
  const std::vector<int64_t> seeds(drawn.data_ptr<int64_t>(), drawn.data_ptr<int64_t>() + shards);
  auto sum_options = loss_options;
  sum_options.reduction(torch::kSum);
  std::vector<torch::Tensor> logits(static_cast<size_t>(shards));
  std::vector<double> losses(static_cast<size_t>(shards), 0.0);
  parallel.run([&](size_t shard, SentimentClassifier& module) {
    const int64_t begin = rows * static_cast<int64_t>(shard) / shards;
    const int64_t end = rows * static_cast<int64_t>(shard + 1) / shards;
    if (begin == end) return;
    const DropoutStream stream(static_cast<uint64_t>(seeds[shard]));
    auto ids = batch.ids.slice(/*dim=*/0, begin, end);
    // Batches are sorted by length: a shard of short texts needs fewer padding columns.
    const int64_t longest = std::max<int64_t>(1, ids.ne(0).sum(/*dim=*/1).max().item<int64_t>());
    ids = ids.slice(/*dim=*/1, 0, longest);
    auto shard_logits = module(ids).logits;
    const auto loss = torch::nn::functional::cross_entropy(
                          shard_logits, batch.labels.slice(/*dim=*/0, begin, end), sum_options) /
                      normaliser;
    losses[shard] = loss.item<double>();
    if (std::isfinite(losses[shard])) loss.backward();
    logits[shard] = shard_logits.detach();
  });
  std::vector<torch::Tensor> parts;
  double loss = 0.0;
  for (size_t shard = 0; shard < logits.size(); ++shard) {
    if (logits[shard].defined()) parts.push_back(logits[shard]);
    loss += losses[shard];
  }
  return {torch::cat(parts), loss};
}

}  // namespace

torch::Tensor pad_batch(const std::vector<const std::vector<int64_t>*>& sequences) {
  size_t longest = 1;
  for (const auto* sequence : sequences) longest = std::max(longest, sequence->size());
  auto ids = torch::zeros({static_cast<int64_t>(sequences.size()), static_cast<int64_t>(longest)},
                          torch::kInt64);
  auto* data = ids.data_ptr<int64_t>();
  for (size_t row = 0; row < sequences.size(); ++row) {
    std::copy(sequences[row]->begin(), sequences[row]->end(), data + row * longest);
  }
  return ids;
}

TrainingResult fit(SentimentClassifier& model, const std::vector<EncodedExample>& train,
                   const std::vector<EncodedExample>& valid, const TrainingOptions& options,
                   int64_t num_classes, Progress& progress, const TrainingHooks& hooks,
                   const ResumeFrom* resume) {
  if (train.empty()) throw Error("no training examples");
  const torch::Device device(options.device == "cuda" ? torch::kCUDA : torch::kCPU);
  model->to(device);
  auto optimizer = make_optimizer(model, options);
  std::mt19937_64 rng(options.seed);
  TrainerState state;
  if (resume != nullptr) {
    state = resume->state;
    try {
      torch::load(*optimizer, resume->optimizer_file);
    } catch (const std::exception&) {
      throw Error("--resume: " + resume->optimizer_file +
                  " is unreadable, truncated or does not fit the model");
    }
    std::istringstream(state.shuffle_rng) >> rng;
    set_torch_rng(state.torch_rng);
  }
  // On several CPU threads, a GRU model's batches are split between model replicas
  // (DataParallel): its many small operators per time step waste the cores when each is split
  // between them (an SST-2 epoch 26.3 s -> 22.0 s on 2 cores). The plain model's few large ones
  // do not (405k -> 368k tokens/s when split by examples), so it keeps LibTorch's threads. Built
  // after the optimiser and the resumed weights, which the replicas copy.
  std::unique_ptr<DataParallel> parallel;
  const auto shards =
      std::min<int64_t>(at::get_num_threads(), options.batch_size / kMinShardExamples);
  if (device.is_cpu() && model->options.encoder == "gru" && shards >= 2) {
    parallel = std::make_unique<DataParallel>(model, static_cast<size_t>(shards));
  }
  auto weights = class_weights(train, num_classes, options.class_weights);
  if (weights.defined()) weights = weights.to(device);
  const auto loss_options =
      torch::nn::functional::CrossEntropyFuncOptions().weight(weights).label_smoothing(
          options.label_smoothing);

  const int64_t steps_per_epoch =
      (static_cast<int64_t>(train.size()) + options.batch_size - 1) / options.batch_size;
  const int64_t total_steps = steps_per_epoch * options.epochs;
  const auto run_start = Clock::now();
  const double seconds_before = state.seconds;
  const auto checkpoint = [&] {
    state.seconds =
        seconds_before + std::chrono::duration<double>(Clock::now() - run_start).count();
    std::ostringstream shuffler;
    shuffler << rng;
    state.shuffle_rng = shuffler.str();
    state.torch_rng = torch_rng();
    if (hooks.on_checkpoint) hooks.on_checkpoint(state, model, *optimizer);
  };
  if (resume == nullptr) checkpoint();  // epoch 0: an interrupt in the first epoch can resume

  TrainingResult result;
  const bool has_valid = !valid.empty();
  const auto out_of_patience = [&] {
    return has_valid && options.patience > 0 && state.epochs_without_gain >= options.patience;
  };
  // A run resumed after patience ran out has nothing left to do.
  result.stopped_early = out_of_patience() && state.epoch < options.epochs;
  const int64_t first_epoch = state.epoch + 1;
  std::future<std::vector<EncodedExample>> next_encoding;
  for (int64_t epoch = first_epoch; epoch <= options.epochs && !result.stopped_early; ++epoch) {
    const auto epoch_start = Clock::now();
    model->train();
    if (parallel) parallel->follow_mode();
    // `train` serves the first epoch run; with a resampler each later one gets a fresh encoding,
    // made on another thread while the epoch before it trains (on SST-2 an epoch that resampled
    // first took about 2 s longer). An encoding depends only on its epoch, so runs reproduce.
    const bool fresh = hooks.resample && epoch > first_epoch;
    std::vector<EncodedExample> resampled;
    if (fresh) resampled = next_encoding.valid() ? next_encoding.get() : hooks.resample(epoch);
    // A stop between epochs ends the run here; a resampler may have cut its work short for it.
    if (hooks.stop_requested && hooks.stop_requested()) {
      result.interrupted = true;
      break;
    }
    if (hooks.resample && epoch < options.epochs) {
      next_encoding = std::async(std::launch::async, hooks.resample, epoch + 1);
    }
    const auto& epoch_data = fresh ? resampled : train;
    const auto batches = make_batches(epoch_data, options.batch_size, rng);
    progress.start_epoch(epoch, options.epochs, static_cast<int64_t>(batches.size()));
    double loss_sum = 0.0;
    int64_t correct = 0, seen = 0, tokens = 0, step_in_epoch = 0;
    for (const auto& indexes : batches) {
      Batch batch = collate(epoch_data, indexes, device);
      if (options.token_dropout > 0.0) {
        // Hiding random tokens makes the model spread its attention instead of relying on a few.
        const auto drop = torch::rand(batch.ids.sizes(), torch::TensorOptions().device(device))
                              .lt(options.token_dropout)
                              .logical_and(batch.ids.ne(Tokenizer::kPadId));
        batch.ids = batch.ids.masked_fill(drop, Tokenizer::kUnkId);
      }
      const double rate = scheduled_rate(options, state.global_step++, total_steps);
      for (auto& group : optimizer->param_groups()) group.options().set_lr(rate);

      optimizer->zero_grad();
      torch::Tensor logits;
      double loss_value = 0.0;
      if (parallel) {
        std::tie(logits, loss_value) = sharded_step(*parallel, batch, weights, loss_options);
      } else {
        logits = model(batch.ids).logits;
        const auto loss = torch::nn::functional::cross_entropy(logits, batch.labels, loss_options);
        loss_value = loss.item<double>();
        if (std::isfinite(loss_value)) loss.backward();
      }
      if (!std::isfinite(loss_value)) {
        result.diverged = fmt::format("the training loss became {} at epoch {} step {} (--lr {})",
                                      loss_value, epoch, step_in_epoch + 1, options.learning_rate);
        break;
      }
      if (options.clip_norm > 0.0) {
        clip_gradients(model->parameters(), options.clip_norm);
      }
      optimizer->step();
      if (parallel) parallel->sync();

      const auto batch_size = static_cast<int64_t>(indexes.size());
      loss_sum += loss_value * static_cast<double>(batch_size);
      correct += logits.argmax(/*dim=*/1).eq(batch.labels).sum().item<int64_t>();
      seen += batch_size;
      tokens += batch.tokens;
      progress.step(++step_in_epoch, loss_sum / seen, static_cast<double>(correct) / seen, tokens);
      if (hooks.stop_requested && hooks.stop_requested()) {
        result.interrupted = true;
        break;
      }
    }
    if (result.interrupted || !result.diverged.empty()) {
      progress.end_epoch(fmt::format("epoch {:>2}/{}  stopped after step {} of {}", epoch,
                                     options.epochs, step_in_epoch, batches.size()));
      break;
    }

    EpochRecord record;
    record.epoch = epoch;
    record.train_loss = loss_sum / static_cast<double>(seen);
    record.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
    record.learning_rate = optimizer->param_groups().front().options().get_lr();
    const double train_seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    record.tokens_per_second = static_cast<double>(tokens) / std::max(1e-9, train_seconds);
    if (has_valid) {
      const auto evaluation = evaluate(
          model, valid, num_classes, device,
          parallel ? parallel->shards() : static_cast<size_t>(std::max(1, at::get_num_threads())));
      record.valid_loss = evaluation.loss;
      record.valid_accuracy = evaluation.accuracy;
      record.valid_macro_f1 = evaluation.macro_f1;
    }
    record.seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    state.history.push_back(record);
    state.epoch = epoch;

    // Without validation data the last epoch is the best one.
    const double score = selection_score(record, options.select_by);
    const bool better = !has_valid || state.best_epoch == 0 || score > state.best_score;
    if (better) {
      state.best_epoch = epoch;
      state.best_valid_accuracy = record.valid_accuracy;
      state.best_score = score;
      state.best_weights = snapshot(model);
      state.epochs_without_gain = 0;
    } else {
      ++state.epochs_without_gain;
    }
    progress.end_epoch(
        has_valid
            ? fmt::format("epoch {:>2}/{}  loss {:.4f}  acc {:.4f}  valid loss {:.4f}  valid acc "
                          "{:.4f}  valid F1 {:.4f}  {:.0f}k tok/s  {:.1f}s{}",
                          epoch, options.epochs, record.train_loss, record.train_accuracy,
                          record.valid_loss, record.valid_accuracy, record.valid_macro_f1,
                          record.tokens_per_second / 1000.0, record.seconds, better ? "  *" : "")
            : fmt::format("epoch {:>2}/{}  loss {:.4f}  acc {:.4f}  {:.0f}k tok/s  {:.1f}s", epoch,
                          options.epochs, record.train_loss, record.train_accuracy,
                          record.tokens_per_second / 1000.0, record.seconds));
    checkpoint();
    result.stopped_early = out_of_patience() && epoch < options.epochs;
  }

  result.history = state.history;
  result.best_epoch = state.best_epoch;
  result.best_valid_accuracy = state.best_valid_accuracy;
  result.seconds = seconds_before + std::chrono::duration<double>(Clock::now() - run_start).count();
  if (result.interrupted) return result;
  if (!result.diverged.empty() && state.best_epoch == 0) {
    throw Error("training diverged: " + result.diverged +
                " before any epoch completed; try a lower --lr");
  }
  restore(model, state.best_weights);
  model->embedding->options.sparse(false);
  model->eval();
  return result;
}

}  // namespace senti
