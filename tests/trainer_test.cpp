#include <catch2/catch.hpp>

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>

#include "fixtures.h"

namespace {

double accuracy(senti::SentimentClassifier& model, const std::vector<senti::EncodedExample>& data) {
  torch::NoGradGuard no_grad;
  model->eval();
  int64_t correct = 0;
  for (const auto& example : data) {
    const auto logits = model(senti::pad_batch({&example.ids})).logits;
    correct += logits.argmax(1).item<int64_t>() == example.label;
  }
  return static_cast<double>(correct) / static_cast<double>(data.size());
}

// Whether two models hold the same parameters, bit for bit.
bool same_weights(senti::SentimentClassifier& first, senti::SentimentClassifier& second) {
  const auto a = first->parameters(), b = second->parameters();
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

// Options for a run on the small fixture: `epochs` epochs of 16-example batches.
senti::TrainingOptions small_run(int64_t epochs) {
  senti::TrainingOptions options;
  options.epochs = epochs;
  options.batch_size = 16;
  return options;
}

}  // namespace

TEST_CASE("trainer: pad_batch pads with zeros to the longest row", "[trainer]") {
  const std::vector<int64_t> a = {3, 4, 5}, b = {7};
  const auto batch = senti::pad_batch({&a, &b});
  CHECK(torch::equal(batch, torch::tensor({{3, 4, 5}, {7, 0, 0}}, torch::kInt64)));
}

TEST_CASE("trainer: learns the sample data well above chance", "[trainer]") {
  at::set_num_threads(1);
  auto small = senti::test::train_small_model(/*epochs=*/8);
  CHECK(accuracy(small.model, small.test) >= 0.9);
}

TEST_CASE("trainer: same seed and one thread give bit-identical weights", "[trainer]") {
  at::set_num_threads(1);
  auto first = senti::test::train_small_model(2, /*seed=*/5);
  auto second = senti::test::train_small_model(2, /*seed=*/5);
  CHECK(same_weights(first.model, second.model));
}

TEST_CASE("trainer: on two threads, batches split between replicas learn and reproduce",
          "[trainer]") {
  at::set_num_threads(2);
  // Batches of 32 make two shards of 16 (DataParallel), one per thread.
  auto first = senti::test::train_small_model(8, /*seed=*/5, /*batch_size=*/32);
  auto second = senti::test::train_small_model(8, /*seed=*/5, /*batch_size=*/32);
  CHECK(at::get_num_threads() == 2);  // restored after training
  at::set_num_threads(1);
  CHECK(same_weights(first.model, second.model));
  CHECK(accuracy(first.model, first.test) >= 0.9);
}

TEST_CASE("trainer: keeps the best validation epoch and stops on patience", "[trainer]") {
  at::set_num_threads(1);
  for (const char* select_by : {"loss", "accuracy"}) {
    auto small = senti::test::train_small_model(1);
    senti::TrainingOptions options;
    options.epochs = 30;
    options.patience = 2;
    options.batch_size = 16;
    options.select_by = select_by;
    senti::Progress quiet(senti::Progress::Mode::kQuiet);
    const auto result = senti::fit(small.model, small.train, small.test, options, 2, quiet);
    REQUIRE_FALSE(result.history.empty());
    INFO("select_by " << select_by);
    // The chosen epoch is the first one with the best score.
    int64_t expected = 1;
    for (const auto& epoch : result.history) {
      const auto& best = result.history[expected - 1];
      const bool better = std::string(select_by) == "loss"
                              ? epoch.valid_loss < best.valid_loss
                              : epoch.valid_accuracy > best.valid_accuracy;
      if (better) expected = epoch.epoch;
    }
    CHECK(result.best_epoch == expected);
    CHECK(result.best_valid_accuracy == result.history[expected - 1].valid_accuracy);
    // The model holds the best epoch's weights.
    CHECK(accuracy(small.model, small.test) == Approx(result.best_valid_accuracy));
    if (result.stopped_early) {
      CHECK(static_cast<int64_t>(result.history.size()) - result.best_epoch == options.patience);
    }
  }
}

TEST_CASE("trainer: later epochs train on the resampler's encoding of their epoch", "[trainer]") {
  at::set_num_threads(1);
  auto small = senti::test::train_small_model(1);
  auto options = small_run(4);
  senti::Progress quiet(senti::Progress::Mode::kQuiet);
  const auto fresh_model = [&] {
    torch::manual_seed(3);
    return senti::SentimentClassifier(small.model->options);
  };
  // The resampler runs on another thread, an epoch ahead; here it hands back the same texts.
  std::mutex mutex;
  std::vector<int64_t> asked;
  senti::TrainingHooks hooks;
  hooks.resample = [&](int64_t epoch) {
    const std::lock_guard<std::mutex> lock(mutex);
    asked.push_back(epoch);
    return small.train;
  };
  auto resampled = fresh_model();
  senti::fit(resampled, small.train, {}, options, 2, quiet, hooks);
  CHECK(asked == std::vector<int64_t>{2, 3, 4});
  // The same data every epoch: the same weights as without a resampler.
  auto plain = fresh_model();
  senti::fit(plain, small.train, {}, options, 2, quiet);
  CHECK(same_weights(resampled, plain));

  // What it returns is what an epoch trains on: an epoch of different texts, different weights.
  hooks.resample = [&](int64_t) {
    auto reversed = small.train;
    for (auto& example : reversed) std::reverse(example.ids.begin(), example.ids.end());
    return reversed;
  };
  auto other = fresh_model();
  senti::fit(other, small.train, {}, options, 2, quiet, hooks);
  CHECK_FALSE(same_weights(other, plain));
}

TEST_CASE("trainer: a stop that cuts a resampling short ends the run before that epoch",
          "[trainer]") {
  at::set_num_threads(1);
  auto small = senti::test::train_small_model(1);
  auto options = small_run(4);
  senti::Progress quiet(senti::Progress::Mode::kQuiet);
  // Epoch 3's resampling (started on another thread while epoch 2 trains) sees the stop only once
  // epoch 2 is over and saved, then hands back nothing, as senti-train's does when interrupted.
  std::mutex mutex;
  std::condition_variable saved;
  int64_t last_saved = -1;
  std::atomic<bool> stop{false};
  senti::TrainingHooks hooks;
  hooks.on_checkpoint = [&](const senti::TrainerState& state, senti::SentimentClassifier&,
                            torch::optim::Optimizer&) {
    const std::lock_guard<std::mutex> lock(mutex);
    last_saved = state.epoch;
    saved.notify_all();
  };
  hooks.resample = [&](int64_t epoch) {
    if (epoch < 3) return small.train;
    std::unique_lock<std::mutex> lock(mutex);
    saved.wait(lock, [&] { return last_saved >= 2; });
    stop = true;
    return std::vector<senti::EncodedExample>{};
  };
  hooks.stop_requested = [&] { return stop.load(); };
  const auto result = senti::fit(small.model, small.train, {}, options, 2, quiet, hooks);
  CHECK(result.interrupted);
  REQUIRE(result.history.size() == 2);  // no epoch ran on the empty encoding
  for (const auto& record : result.history) CHECK(std::isfinite(record.train_loss));
}

TEST_CASE("trainer: a loss that turns NaN stops training and keeps the best epoch", "[trainer]") {
  at::set_num_threads(1);
  auto small = senti::test::train_small_model(1);
  auto options = small_run(6);
  options.patience = 0;
  senti::TrainingHooks hooks;
  std::vector<torch::Tensor> after_epoch_2;
  hooks.on_checkpoint = [&](const senti::TrainerState& state, senti::SentimentClassifier& model,
                            torch::optim::Optimizer&) {
    if (state.epoch != 2) return;
    for (const auto& p : model->parameters()) after_epoch_2.push_back(p.detach().clone());
    // Poison the weights: epoch 3's first loss is NaN.
    torch::NoGradGuard no_grad;
    model->parameters().front().fill_(std::numeric_limits<float>::quiet_NaN());
  };
  senti::Progress quiet(senti::Progress::Mode::kQuiet);
  const auto result = senti::fit(small.model, small.train, small.test, options, 2, quiet, hooks);
  INFO(result.diverged);
  CHECK(result.diverged.find("at epoch 3 step 1") != std::string::npos);
  CHECK(result.history.size() == 2);
  REQUIRE(result.best_epoch >= 1);
  REQUIRE(after_epoch_2.size() == small.model->parameters().size());
  for (const auto& p : small.model->parameters()) CHECK(torch::isfinite(p).all().item<bool>());
  if (result.best_epoch == 2) {
    const auto now = small.model->parameters();
    for (size_t i = 0; i < now.size(); ++i) CHECK(torch::equal(now[i], after_epoch_2[i]));
  }
}

TEST_CASE("trainer: a NaN before any epoch completed is an error", "[trainer]") {
  at::set_num_threads(1);
  auto small = senti::test::train_small_model(1);
  {
    torch::NoGradGuard no_grad;
    small.model->parameters().front().fill_(std::numeric_limits<float>::infinity());
  }
  senti::TrainingOptions options;
  options.epochs = 2;
  senti::Progress quiet(senti::Progress::Mode::kQuiet);
  REQUIRE_THROWS_WITH(senti::fit(small.model, small.train, small.test, options, 2, quiet),
                      Catch::Contains("before any epoch completed; try a lower --lr"));
}

TEST_CASE("trainer: stop_requested ends the run at once, checkpoints cover every epoch",
          "[trainer]") {
  at::set_num_threads(1);
  auto small = senti::test::train_small_model(1);
  auto options = small_run(5);
  senti::TrainingHooks hooks;
  std::vector<int64_t> checkpoints;
  int64_t steps = 0;
  hooks.on_checkpoint = [&](const senti::TrainerState& state, senti::SentimentClassifier&,
                            torch::optim::Optimizer&) { checkpoints.push_back(state.epoch); };
  hooks.stop_requested = [&] { return ++steps == 25; };  // in epoch 2 (18 steps per epoch)
  senti::Progress quiet(senti::Progress::Mode::kQuiet);
  const auto result = senti::fit(small.model, small.train, {}, options, 2, quiet, hooks);
  CHECK(result.interrupted);
  CHECK(result.history.size() == 1);
  CHECK(checkpoints == std::vector<int64_t>{0, 1});
}
