// Single-thread matrix-product speed of the BLAS LibTorch uses, for the shapes senti's GRU and
// attention multiply, in GFLOPS, and on a second line that of senti's own PackedMatrix kernel
// (what the folded GRU multiplies with, where the CPU runs it). Runs with the kernels senti would
// use (select_blas_kernels); set OPENBLAS_CORETYPE to measure others:
//   for c in Prescott Haswell SkylakeX; do OPENBLAS_CORETYPE=$c build/bin/senti-bench-blas; done
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <tuple>

#include "senti/blas.h"
#include "senti/packed_matrix.h"

namespace {

constexpr std::tuple<int, int, int> kShapes[] = {
    {32, 64, 192}, {64, 128, 192}, {256, 64, 192}, {512, 512, 512}};

// Runs `multiply` for half a second and prints the shape's GFLOPS.
template <typename Multiply>
void time_shape(int m, int k, int n, Multiply&& multiply) {
  const auto start = std::chrono::steady_clock::now();
  long repeats = 0;
  double seconds = 0.0;
  do {
    multiply();
    ++repeats;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (seconds < 0.5);
  std::printf("  %dx%d by %dx%d: %6.1f", m, k, k, n, 2.0 * m * k * n * repeats / seconds / 1e9);
}

}  // namespace

int main() {
  senti::select_blas_kernels();
  at::set_num_threads(1);
  const std::string core = senti::openblas_core();
  std::printf("%-12s", core.empty() ? "(not OpenBLAS)" : core.c_str());
  for (const auto& [m, k, n] : kShapes) {
    const auto a = at::randn({m, k}), b = at::randn({k, n});
    auto c = at::mm(a, b);
    time_shape(m, k, n, [&] { at::mm_out(c, a, b); });
  }
  std::printf(" GFLOPS\n");
  if (!senti::PackedMatrix::available()) return 0;
  const senti::PackedMatrix probe(at::ones({1, 1}).data_ptr<float>(), 1, 1);
  std::printf("%-12s", probe.kernel() == senti::PackedMatrix::Kernel::avx512 ? "packed-avx512"
                                                                             : "packed-avx2");
  for (const auto& [m, k, n] : kShapes) {
    const auto a = at::randn({m, k}), b = at::randn({k, n});
    auto c = at::empty({m, n});
    const senti::PackedMatrix packed(b.data_ptr<float>(), k, n);
    time_shape(m, k, n,
               [&] { packed.multiply(a.data_ptr<float>(), m, k, c.data_ptr<float>(), n); });
  }
  std::printf(" GFLOPS\n");
  return 0;
}
