#include "senti/packed_matrix.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "senti/error.h"

namespace {

using senti::PackedMatrix;

// Values that make rounding show: a product that merely adds in another order, or rounds each
// multiply apart, differs from the fused chain in some element.
std::vector<float> random_values(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(count);
  for (auto& value : values) value = normal(rng);
  return values;
}

constexpr float kUntouched = -12345.0f;

// Multiplies `count` rows of a random [depth, columns] matrix, with padded strides, by `kernel`
// and by multiply_reference(); every float must be the same and the padding left alone.
void check_against_reference(PackedMatrix::Kernel kernel, int64_t depth, int64_t columns,
                             int64_t count) {
  const int64_t left_stride = depth + 3, out_stride = columns + 5;
  const auto matrix = random_values(static_cast<size_t>(depth * columns), 7);
  const auto left =
      random_values(static_cast<size_t>(std::max<int64_t>(count, 1) * left_stride), 8);
  std::vector<float> out(static_cast<size_t>(std::max<int64_t>(count, 1) * out_stride), kUntouched);
  std::vector<float> expected = out;
  const PackedMatrix packed(matrix.data(), depth, columns, kernel);
  CHECK(packed.rows() == depth);
  CHECK(packed.columns() == columns);
  CHECK(packed.kernel() == kernel);
  packed.multiply(left.data(), count, left_stride, out.data(), out_stride);
  senti::multiply_reference(matrix.data(), depth, columns, left.data(), count, left_stride,
                            expected.data(), out_stride);
  INFO("depth " << depth << ", columns " << columns << ", rows " << count);
  CHECK(std::memcmp(out.data(), expected.data(), out.size() * sizeof(float)) == 0);
  for (int64_t i = 0; i < count; ++i) {
    for (int64_t j = columns; j < out_stride; ++j) {
      REQUIRE(out[static_cast<size_t>(i * out_stride + j)] == kUntouched);
    }
  }
}

std::vector<PackedMatrix::Kernel> kernels_here() {
  std::vector<PackedMatrix::Kernel> kernels;
  for (auto kernel : {PackedMatrix::Kernel::avx512, PackedMatrix::Kernel::avx2}) {
    if (PackedMatrix::available(kernel)) kernels.push_back(kernel);
  }
  return kernels;
}

}  // namespace

TEST_CASE("packed matrix: the same floats as one fused multiply-add chain per element",
          "[packed_matrix]") {
  const auto kernels = kernels_here();
  if (kernels.empty()) {
    WARN("this CPU runs neither the AVX-512 nor the AVX2 kernel; nothing to check");
    CHECK_FALSE(PackedMatrix::available());
    return;
  }
  for (const auto kernel : kernels) {
    // The folded GRU's recurrent product and attention projection at the default --dim 96
    // (48 x 144, 96 x 64) and at 128 (64 x 192, 128 x 64), and shapes that leave part of a
    // vector, of a column group and of a block of rows.
    const std::vector<std::pair<int64_t, int64_t>> shapes = {
        {48, 144}, {96, 64}, {64, 192}, {128, 64}, {1, 1},  {3, 7},
        {5, 8},    {2, 9},   {17, 100}, {9, 97},   {4, 300}};
    for (const auto& [depth, columns] : shapes) {
      for (const int64_t count : {0, 1, 2, 3, 4, 5, 7, 8, 9}) {
        check_against_reference(kernel, depth, columns, count);
      }
    }
  }
}

TEST_CASE("packed matrix: the automatic choice is the widest kernel the CPU runs",
          "[packed_matrix]") {
  if (!PackedMatrix::available()) {
    CHECK_THROWS_AS(PackedMatrix(std::vector<float>(4, 1.0f).data(), 2, 2), senti::Error);
    return;
  }
  const std::vector<float> matrix(6, 1.0f);
  const PackedMatrix packed(matrix.data(), 2, 3);
  CHECK(packed.kernel() == (PackedMatrix::available(PackedMatrix::Kernel::avx512)
                                ? PackedMatrix::Kernel::avx512
                                : PackedMatrix::Kernel::avx2));
  const std::vector<float> left = {1.0f, 2.0f, -1.0f, 0.5f};
  std::vector<float> out(6, 0.0f);
  packed.multiply(left.data(), 2, 2, out.data(), 3);
  CHECK(out == std::vector<float>{3.0f, 3.0f, 3.0f, -0.5f, -0.5f, -0.5f});
}

TEST_CASE("packed matrix: refuses an empty matrix and a kernel the CPU lacks", "[packed_matrix]") {
  const std::vector<float> matrix(4, 1.0f);
  CHECK_THROWS_WITH(PackedMatrix(matrix.data(), 0, 4),
                    Catch::Contains("at least one row and one column, not 0 x 4"));
  CHECK_THROWS_WITH(PackedMatrix(matrix.data(), 4, 0),
                    Catch::Contains("at least one row and one column, not 4 x 0"));
  for (auto kernel : {PackedMatrix::Kernel::avx512, PackedMatrix::Kernel::avx2}) {
    if (!PackedMatrix::available(kernel)) {
      CHECK_THROWS_WITH(PackedMatrix(matrix.data(), 2, 2, kernel),
                        Catch::Contains("this CPU cannot run"));
    }
  }
}
