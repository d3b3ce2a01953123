#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace senti {

/// The label names a model predicts, in a stable order: numerically when every label is a number
/// (`1` < `2` < `10`), otherwise by byte order. The index of a name is its class id.
class LabelSet {
 public:
  LabelSet() = default;
  /// Builds the set from the labels seen in data (duplicates are fine).
  static LabelSet from_labels(const std::vector<std::string>& labels);
  /// Builds the set from names already in order (as stored with a model); throws senti::Error on
  /// duplicates or empty names.
  static LabelSet from_ordered(std::vector<std::string> names);

  /// Class id of `name`, or nothing when the model never saw it.
  std::optional<int64_t> index(const std::string& name) const;
  const std::string& name(int64_t index) const { return names_.at(static_cast<size_t>(index)); }
  const std::vector<std::string>& names() const { return names_; }
  int64_t size() const { return static_cast<int64_t>(names_.size()); }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, int64_t> index_;
};

}  // namespace senti
