#pragma once
// ASCII case folding, the same in every locale: only A-Z change, so UTF-8 bytes pass untouched.
// Column names, file extensions, library names and the TF-IDF model's n-grams all fold this way.

#include <string>
#include <string_view>

namespace senti {

inline char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lower(std::string_view text) {
  std::string lowered(text);
  for (auto& c : lowered) c = ascii_lower(c);
  return lowered;
}

/// Whether `a` and `b` are equal once A-Z are folded to a-z.
inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace senti
