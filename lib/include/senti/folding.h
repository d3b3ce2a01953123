#pragma once
// What the folded models (folded_bag.h, folded_gru.h) share: a module's weights copied into plain
// float arrays, and the check that a text's piece ids can index their per-piece tables.

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace senti {

/// The elements of `tensor` as floats, in row-major order.
std::vector<float> to_floats(const torch::Tensor& tensor);

/// Throws senti::Error unless `ids` holds at least one id and every id is in [1, vocab) (0 is
/// padding).
void check_piece_ids(const std::vector<int64_t>& ids, int64_t vocab);

}  // namespace senti
