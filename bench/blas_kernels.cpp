// Single-thread matrix-product speed of the BLAS LibTorch uses, for the shapes senti's GRU and
// attention multiply, in GFLOPS. Runs with the kernels senti would use (select_blas_kernels);
// set OPENBLAS_CORETYPE to measure others:
//   for c in Prescott Haswell SkylakeX; do OPENBLAS_CORETYPE=$c build/bin/senti-bench-blas; done
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <tuple>

#include "senti/blas.h"

int main() {
  senti::select_blas_kernels();
  at::set_num_threads(1);
  const std::string core = senti::openblas_core();
  std::printf("%-12s", core.empty() ? "(not OpenBLAS)" : core.c_str());
  for (const auto& [m, k, n] :
       {std::tuple{32, 64, 192}, {64, 128, 192}, {256, 64, 192}, {512, 512, 512}}) {
    const auto a = at::randn({m, k}), b = at::randn({k, n});
    auto c = at::mm(a, b);
    const auto start = std::chrono::steady_clock::now();
    long repeats = 0;
    double seconds = 0.0;
    do {
      at::mm_out(c, a, b);
      ++repeats;
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (seconds < 0.5);
    std::printf("  %dx%d by %dx%d: %6.1f", m, k, k, n, 2.0 * m * k * n * repeats / seconds / 1e9);
  }
  std::printf(" GFLOPS\n");
  return 0;
}
