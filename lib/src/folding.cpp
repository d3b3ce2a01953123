#include "senti/folding.h"

#include <string>

#include "senti/error.h"

namespace senti {

std::vector<float> to_floats(const torch::Tensor& tensor) {
  const auto flat = tensor.to(torch::kFloat32).contiguous();
  return std::vector<float>(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
}

void check_piece_ids(const std::vector<int64_t>& ids, int64_t vocab) {
  if (ids.empty()) throw Error("cannot classify a text with no pieces");
  for (const int64_t id : ids) {
    if (id < 1 || id >= vocab) {
      throw Error("piece id " + std::to_string(id) + " is outside the model's vocabulary of " +
                  std::to_string(vocab));
    }
  }
}

}  // namespace senti
