#pragma once
// Turning SIGINT and SIGTERM into a request to stop at the next safe point.

namespace senti {

/// While alive, the first SIGINT or SIGTERM only records itself (a second one acts as usual and
/// ends the process at once). The previous handlers come back on destruction.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  /// The signal received since construction, or 0.
  static int received();
};

}  // namespace senti
