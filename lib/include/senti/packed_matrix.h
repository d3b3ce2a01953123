#pragma once
// A fixed matrix laid out for products with many short blocks of rows: what the folded GRU
// computes at every time step (its texts' hidden states times W_hh, [texts, hidden] x
// [hidden, 3 * hidden]), thousands of times per batch.
//
// Through OpenBLAS each such product packs both operands again, and OpenBLAS's kernels for the
// CPU may be narrower than it runs (OPENBLAS_CORETYPE=Haswell on an AVX-512 machine). Here the
// matrix is packed once, into column groups of up to six vectors laid out row after row, so that
// each step of the inner loop reads one contiguous run of the matrix (16-column blocks a page
// apart made every load of a step fall in the same cache set: a quarter of the speed), and the
// left rows are read in place, four at a time, with no copy. On the Zen 5 machine of
// docs/BENCHMARKS.md (`senti-bench-blas`) the AVX-512 kernel multiplied the GRU's shapes at about
// twice the speed of OpenBLAS's Haswell kernels and at 0.9-1.2x its AVX-512 (Cooperlake) ones;
// in the speed runs there the default model went from 81,396 to 158,623 sentences per second.
//
// Every element of a product is the chain of fused multiply-adds over k = 0, 1, ... from zero,
// the same in each kernel, so the AVX-512 and AVX2 kernels give the same floats, and so does
// multiply_reference().

#include <cstdint>
#include <vector>

namespace senti {

class PackedMatrix {
 public:
  enum class Kernel {
    automatic,  ///< the widest the CPU runs
    avx512,     ///< AVX-512F, 16 floats a vector
    avx2,       ///< AVX2 with FMA, 8 floats a vector
  };

  /// Whether this CPU runs `kernel` (automatic: any of them). When it does not, keep using a
  /// general matrix product.
  static bool available(Kernel kernel = Kernel::automatic);

  PackedMatrix() = default;

  /// Packs the row-major [rows, columns] matrix at `data` (both at least 1). Throws senti::Error
  /// when the CPU cannot run `kernel`.
  PackedMatrix(const float* data, int64_t rows, int64_t columns, Kernel kernel = Kernel::automatic);

  /// out[i][j] = sum over k of left[i][k] * M[k][j] for `count` rows: row i of `left` starts at
  /// left + i * left_stride and holds rows() floats; row i of `out` starts at
  /// out + i * out_stride and receives columns() floats (nothing else is written).
  void multiply(const float* left, int64_t count, int64_t left_stride, float* out,
                int64_t out_stride) const;

  int64_t rows() const { return rows_; }
  int64_t columns() const { return columns_; }
  Kernel kernel() const { return kernel_; }

 private:
  Kernel kernel_ = Kernel::avx2;
  int64_t rows_ = 0, columns_ = 0;
  std::vector<float> packed_;
};

/// What PackedMatrix::multiply computes, one scalar fused multiply-add at a time (for tests).
void multiply_reference(const float* matrix, int64_t rows, int64_t columns, const float* left,
                        int64_t count, int64_t left_stride, float* out, int64_t out_stride);

}  // namespace senti
