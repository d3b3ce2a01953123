#include "senti/labels.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "senti/error.h"

namespace senti {
namespace {

bool parse_number(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

}  // namespace

LabelSet LabelSet::from_labels(const std::vector<std::string>& labels) {
  const std::set<std::string> unique(labels.begin(), labels.end());
  std::vector<std::string> names(unique.begin(), unique.end());
  const bool numeric = std::all_of(names.begin(), names.end(), [](const std::string& name) {
    double value = 0;
    return parse_number(name, value);
  });
  if (numeric) {
    std::stable_sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
      double x = 0, y = 0;
      parse_number(a, x);
      parse_number(b, y);
      return x < y;
    });
  }
  return from_ordered(std::move(names));
}

LabelSet LabelSet::from_ordered(std::vector<std::string> names) {
  LabelSet set;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) throw Error("label names must not be empty");
    if (!set.index_.emplace(names[i], static_cast<int64_t>(i)).second) {
      throw Error("label '" + names[i] + "' appears twice");
    }
  }
  set.names_ = std::move(names);
  return set;
}

std::optional<int64_t> LabelSet::index(const std::string& name) const {
  const auto found = index_.find(name);
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

}  // namespace senti
