#pragma once
// Explaining the TF-IDF model's part of a prediction word by word (TfidfModelImpl::evidence).

#include <cmath>
#include <string>
#include <vector>

namespace senti {

/// One whitespace-separated chunk of a text ("good", "film,") and what the TF-IDF model's
/// n-grams from it add to a class's score: positive for the class, negative against it.
struct Evidence {
  std::string text;
  float value = 0.0f;
};

/// The largest |value| of `evidence` (0 when empty): what shading scales by.
inline float strongest(const std::vector<Evidence>& evidence) {
  float top = 0.0f;
  for (const auto& word : evidence) top = std::fmax(top, std::fabs(word.value));
  return top;
}

}  // namespace senti
