#pragma once
// The softmax of a few class scores, in place, for the code paths that work on plain arrays
// (the folded plain model, the TF-IDF model); tensors use torch::softmax.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace senti {

/// Turns `count` (>= 1) scores at `values` into probabilities; returns the index of the largest.
template <typename Real>
int64_t softmax_in_place(Real* values, size_t count) {
  const Real* highest = std::max_element(values, values + count);
  const Real top = *highest;
  Real total = 0;
  for (size_t i = 0; i < count; ++i) total += (values[i] = std::exp(values[i] - top));
  for (size_t i = 0; i < count; ++i) values[i] /= total;
  return highest - values;
}

}  // namespace senti
