#pragma once

#include <stdexcept>
#include <string>

namespace senti {

/// The one exception type the library throws for anything a user can fix: a bad file, column,
/// flag value or model directory. Its message names the file, line, flag or value.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// A run stopped by SIGINT or SIGTERM (after saving what it could); the message says what was
/// kept. A main exits with 128 + signal() for it.
class Interrupted : public Error {
 public:
  Interrupted(const std::string& message, int signal) : Error(message), signal_(signal) {}
  int signal() const { return signal_; }

 private:
  int signal_;
};

/// The exit status for an exception escaping a main: 128 + signal for Interrupted, else 1.
inline int exit_status(const std::exception& error) {
  const auto* interrupted = dynamic_cast<const Interrupted*>(&error);
  return interrupted != nullptr ? 128 + interrupted->signal() : 1;
}

}  // namespace senti
