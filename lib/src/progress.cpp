#include "senti/progress.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

namespace senti {
namespace {

std::string clock_text(double seconds) {
  const auto total = static_cast<int64_t>(seconds + 0.5);
  return fmt::format("{:02}:{:02}", total / 60, total % 60);
}

}  // namespace

Progress::Progress(Mode mode) : mode_(mode) {
  if (mode_ == Mode::kBar && isatty(STDERR_FILENO) == 0) mode_ = Mode::kLines;
}

void Progress::start_epoch(int64_t epoch, int64_t epochs, int64_t steps) {
  epoch_ = epoch;
  epochs_ = epochs;
  steps_ = steps;
  started_ = last_draw_ = std::chrono::steady_clock::now();
}

void Progress::step(int64_t steps_done, double mean_loss, double accuracy, int64_t tokens) {
  if (mode_ != Mode::kBar) return;
  const auto now = std::chrono::steady_clock::now();
  // Redrawing ten times a second is plenty and keeps the terminal cheap.
  if (steps_done != steps_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - started_).count();
  const double fraction = steps_ == 0 ? 1.0 : static_cast<double>(steps_done) / steps_;
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(fraction * kWidth);
  const std::string bar = std::string(filled, '=') + (filled < kWidth ? ">" : "") +
                          std::string(kWidth - filled - (filled < kWidth ? 1 : 0), ' ');
  const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  const double rate = elapsed > 0 ? tokens / elapsed / 1000.0 : 0.0;
  std::fprintf(stderr, "\r\033[Kepoch %lld/%lld [%s] %3.0f%% loss %.4f acc %.4f %.0fk tok/s ETA %s",
               static_cast<long long>(epoch_), static_cast<long long>(epochs_), bar.c_str(),
               fraction * 100.0, mean_loss, accuracy, rate, clock_text(eta).c_str());
  std::fflush(stderr);
}

void Progress::end_epoch(const std::string& summary) {
  if (mode_ == Mode::kQuiet) return;
  if (mode_ == Mode::kBar) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  spdlog::info("{}", summary);
}

}  // namespace senti
