#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace senti {

/// Per-epoch training progress: a redrawn bar (loss, accuracy, tokens/s, ETA) when stderr is a
/// terminal, one log line per epoch otherwise, nothing when quiet.
class Progress {
 public:
  enum class Mode { kBar, kLines, kQuiet };
  /// `Mode::kBar` falls back to lines when stderr is not a terminal.
  explicit Progress(Mode mode);

  void start_epoch(int64_t epoch, int64_t epochs, int64_t steps);
  /// Called after each step with running totals for the epoch.
  void step(int64_t steps_done, double mean_loss, double accuracy, int64_t tokens);
  /// Ends the epoch's bar and prints its summary line.
  void end_epoch(const std::string& summary);

 private:
  Mode mode_;
  int64_t epoch_ = 0, epochs_ = 0, steps_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace senti
