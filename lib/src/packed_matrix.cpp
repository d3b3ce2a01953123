#include "senti/packed_matrix.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>

#include "senti/blas.h"
#include "senti/error.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SENTI_PACKED_X86 1
#endif

namespace senti {
namespace {

// Rows of the left operand per block, and vectors of columns per group: four rows by six
// AVX-512 vectors is 24 accumulators of the 32 registers, with room for the six matrix vectors
// and a broadcast; AVX2's 16 registers take four rows by three vectors.
constexpr int kBlockRows = 4;
constexpr int kGroupVectors512 = 6;
constexpr int kGroupVectors256 = 3;

// How a kernel lays out `columns` columns: vectors of `lanes` floats, in groups of up to
// `group_vectors` vectors; group g starts at column first(g) and holds vectors_in(g) vectors.
struct ColumnGroups {
  int64_t lanes, group_vectors, vectors, count;

  ColumnGroups(PackedMatrix::Kernel kernel, int64_t columns)
      : lanes(kernel == PackedMatrix::Kernel::avx512 ? 16 : 8),
        group_vectors(kernel == PackedMatrix::Kernel::avx512 ? kGroupVectors512 : kGroupVectors256),
        vectors((columns + lanes - 1) / lanes),
        count((vectors + group_vectors - 1) / group_vectors) {}

  int64_t first(int64_t g) const { return g * group_vectors * lanes; }
  int64_t vectors_in(int64_t g) const {
    return std::min(group_vectors, vectors - g * group_vectors);
  }
};

const char* name_of(PackedMatrix::Kernel kernel) {
  switch (kernel) {
    case PackedMatrix::Kernel::automatic:
      return "automatic";
    case PackedMatrix::Kernel::avx512:
      return "avx512";
    case PackedMatrix::Kernel::avx2:
      return "avx2";
  }
  return "?";
}

// One block of R left rows times one column group of V vectors: `group` is that group's part of
// the packed matrix, [depth][V * lanes]; its first column is `first_column` of `columns`.
using BlockFunction = void (*)(const float* left, int64_t left_stride, int64_t depth,
                               const float* group, float* out, int64_t out_stride,
                               int64_t first_column, int64_t columns);

#ifdef SENTI_PACKED_X86

template <int R, int V>
__attribute__((target("avx512f"))) void block512(const float* left, int64_t left_stride,
                                                 int64_t depth, const float* group, float* out,
                                                 int64_t out_stride, int64_t first_column,
                                                 int64_t columns) {
  __m512 sums[R][V];
  for (int i = 0; i < R; ++i) {
    for (int j = 0; j < V; ++j) sums[i][j] = _mm512_setzero_ps();
  }
  for (int64_t k = 0; k < depth; ++k) {
    __m512 row[V];
    for (int j = 0; j < V; ++j) row[j] = _mm512_loadu_ps(group + (k * V + j) * 16);
    for (int i = 0; i < R; ++i) {
      const __m512 value = _mm512_set1_ps(left[i * left_stride + k]);
      for (int j = 0; j < V; ++j) sums[i][j] = _mm512_fmadd_ps(value, row[j], sums[i][j]);
    }
  }
  for (int j = 0; j < V; ++j) {
    const int64_t left_over = columns - (first_column + j * 16);
    const __mmask16 mask = left_over >= 16 ? static_cast<__mmask16>(0xFFFF)
                                           : static_cast<__mmask16>((1u << left_over) - 1);
    for (int i = 0; i < R; ++i) {
      _mm512_mask_storeu_ps(out + i * out_stride + first_column + j * 16, mask, sums[i][j]);
    }
  }
}

template <int R, int V>
__attribute__((target("avx2,fma"))) void block256(const float* left, int64_t left_stride,
                                                  int64_t depth, const float* group, float* out,
                                                  int64_t out_stride, int64_t first_column,
                                                  int64_t columns) {
  __m256 sums[R][V];
  for (int i = 0; i < R; ++i) {
    for (int j = 0; j < V; ++j) sums[i][j] = _mm256_setzero_ps();
  }
  for (int64_t k = 0; k < depth; ++k) {
    __m256 row[V];
    for (int j = 0; j < V; ++j) row[j] = _mm256_loadu_ps(group + (k * V + j) * 8);
    for (int i = 0; i < R; ++i) {
      const __m256 value = _mm256_broadcast_ss(left + i * left_stride + k);
      for (int j = 0; j < V; ++j) sums[i][j] = _mm256_fmadd_ps(value, row[j], sums[i][j]);
    }
  }
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  for (int j = 0; j < V; ++j) {
    const int64_t left_over = columns - (first_column + j * 8);
    const auto count = static_cast<int>(std::min<int64_t>(left_over, 8));
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lane);
    for (int i = 0; i < R; ++i) {
      _mm256_maskstore_ps(out + i * out_stride + first_column + j * 8, mask, sums[i][j]);
    }
  }
}

// table[R - 1][V - 1] = block<R, V>.
template <template <int, int> class Block, int R, int... V>
constexpr std::array<BlockFunction, sizeof...(V)> row_of_blocks(std::integer_sequence<int, V...>) {
  return {Block<R, V + 1>::function...};
}

template <int R, int V>
struct Block512 {
  static constexpr BlockFunction function = &block512<R, V>;
};
template <int R, int V>
struct Block256 {
  static constexpr BlockFunction function = &block256<R, V>;
};

template <template <int, int> class Block, int Vectors, int... R>
constexpr std::array<std::array<BlockFunction, Vectors>, sizeof...(R)> table_of_blocks(
    std::integer_sequence<int, R...>) {
  return {row_of_blocks<Block, R + 1>(std::make_integer_sequence<int, Vectors>())...};
}

constexpr auto kBlocks512 =
    table_of_blocks<Block512, kGroupVectors512>(std::make_integer_sequence<int, kBlockRows>());
constexpr auto kBlocks256 =
    table_of_blocks<Block256, kGroupVectors256>(std::make_integer_sequence<int, kBlockRows>());

BlockFunction block_function(PackedMatrix::Kernel kernel, int64_t rows, int64_t vectors) {
  const auto r = static_cast<size_t>(rows - 1);
  const auto v = static_cast<size_t>(vectors - 1);
  return kernel == PackedMatrix::Kernel::avx512 ? kBlocks512[r][v] : kBlocks256[r][v];
}

#else

BlockFunction block_function(PackedMatrix::Kernel, int64_t, int64_t) {
  return nullptr;
}

#endif

}  // namespace

bool PackedMatrix::available(Kernel kernel) {
#ifdef SENTI_PACKED_X86
  const CpuFeatures cpu = CpuFeatures::of_this_cpu();
  switch (kernel) {
    case Kernel::automatic:
      return cpu.avx2_fma;
    case Kernel::avx512:
      return cpu.avx512;
    case Kernel::avx2:
      return cpu.avx2_fma;
  }
#endif
  (void)kernel;
  return false;
}

PackedMatrix::PackedMatrix(const float* data, int64_t rows, int64_t columns, Kernel kernel)
    : rows_(rows), columns_(columns) {
  if (rows < 1 || columns < 1) {
    throw Error("a packed matrix needs at least one row and one column, not " +
                std::to_string(rows) + " x " + std::to_string(columns));
  }
  if (kernel == Kernel::automatic) {
    kernel = available(Kernel::avx512) ? Kernel::avx512 : Kernel::avx2;
  }
  if (!available(kernel)) {
    throw Error(std::string("this CPU cannot run the packed matrix product's ") + name_of(kernel) +
                " kernel");
  }
  kernel_ = kernel;
  const ColumnGroups groups(kernel, columns);
  // Each group's vectors, row after row; columns past the last are 0.
  packed_.assign(static_cast<size_t>(rows * groups.vectors * groups.lanes), 0.0f);
  for (int64_t g = 0; g < groups.count; ++g) {
    const int64_t first = groups.first(g);
    const int64_t width = groups.vectors_in(g) * groups.lanes;
    float* group = packed_.data() + rows * first;
    for (int64_t k = 0; k < rows; ++k) {
      for (int64_t c = 0; c < width && first + c < columns; ++c) {
        group[k * width + c] = data[k * columns + first + c];
      }
    }
  }
}

void PackedMatrix::multiply(const float* left, int64_t count, int64_t left_stride, float* out,
                            int64_t out_stride) const {
  const ColumnGroups groups(kernel_, columns_);
  for (int64_t row = 0; row < count; row += kBlockRows) {
    const int64_t block_rows = std::min<int64_t>(kBlockRows, count - row);
    for (int64_t g = 0; g < groups.count; ++g) {
      const int64_t first = groups.first(g);
      block_function(kernel_, block_rows, groups.vectors_in(g))(
          left + row * left_stride, left_stride, rows_, packed_.data() + rows_ * first,
          out + row * out_stride, out_stride, first, columns_);
    }
  }
}

void multiply_reference(const float* matrix, int64_t rows, int64_t columns, const float* left,
                        int64_t count, int64_t left_stride, float* out, int64_t out_stride) {
  for (int64_t i = 0; i < count; ++i) {
    for (int64_t j = 0; j < columns; ++j) {
      float sum = 0.0f;
      for (int64_t k = 0; k < rows; ++k) {
        sum = std::fma(left[i * left_stride + k], matrix[k * columns + j], sum);
      }
      out[i * out_stride + j] = sum;
    }
  }
}

}  // namespace senti
