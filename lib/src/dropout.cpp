#include "senti/dropout.h"

#include <ATen/ops/randint.h>

#include <cmath>
#include <limits>
#include <optional>
#include <ostream>

namespace senti {
namespace {

// xoshiro256** (Blackman and Vigna), seeded through splitmix64.
class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed) {
    for (auto& word : state_) {
      seed += 0x9E3779B97F4A7C15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

// The stream of the DropoutStream alive on this thread, if any.
thread_local std::optional<Xoshiro256> t_stream;

}  // namespace

DropoutStream::DropoutStream(uint64_t seed) {
  TORCH_CHECK(!t_stream, "DropoutStream: scopes do not nest");
  t_stream.emplace(seed);
}

DropoutStream::~DropoutStream() {
  t_stream.reset();
}

DropoutImpl::DropoutImpl(DropoutOptions options_) : options(options_) {
  reset();
}

void DropoutImpl::reset() {
  TORCH_CHECK(options.p() >= 0.0 && options.p() < 1.0, "Dropout: p must be in [0, 1), got ",
              options.p());
}

void DropoutImpl::pretty_print(std::ostream& stream) const {
  stream << "senti::Dropout(p=" << options.p() << ")";
}

torch::Tensor DropoutImpl::forward(const torch::Tensor& input) {
  if (!is_training() || options.p() == 0.0) return input;
  const auto seed =
      t_stream
          ? t_stream->next()
          : static_cast<uint64_t>(
                at::randint(std::numeric_limits<int64_t>::max(), {1}, at::kLong).item<int64_t>());
  Xoshiro256 random(seed);
  // An element is kept when a uniform 32-bit draw is at or above p * 2^32.
  const auto threshold = static_cast<uint64_t>(std::llround(options.p() * 4294967296.0));
  const auto kept = static_cast<float>(1.0 / (1.0 - options.p()));
  auto mask = at::empty(input.sizes(), input.options().dtype(at::kFloat));
  float* data = mask.data_ptr<float>();
  const int64_t size = mask.numel();
  for (int64_t i = 0; i < size; i += 2) {
    const uint64_t bits = random.next();
    data[i] = (bits & 0xFFFFFFFFULL) >= threshold ? kept : 0.0f;
    if (i + 1 < size) data[i + 1] = (bits >> 32) >= threshold ? kept : 0.0f;
  }
  return input * mask.to(input.dtype());
}

}  // namespace senti
