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

}  // namespace senti
