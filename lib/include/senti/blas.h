#pragma once
// Making OpenBLAS use the matrix-product kernels the CPU can run.
//
// Debian's LibTorch multiplies matrices with whatever libblas.so.3 is installed; with OpenBLAS
// (what scripts/setup.sh installs) the kernels are chosen from the CPU's model number when the
// library loads. OpenBLAS 0.3.21 (Debian bookworm) does not know newer CPUs such as Sapphire
// Rapids and falls back to its Prescott (SSE3) kernels there: 27-32 GFLOPS on one core where its
// SkylakeX (AVX-512) kernels give 120-150 on the same matrices (docs/BENCHMARKS.md).

#include <string>
#include <string_view>

namespace senti {

/// What the CPU running this process can execute, as far as the kernel choice cares.
struct CpuFeatures {
  bool avx2_fma = false;  ///< AVX2 and FMA3 (OpenBLAS's Haswell kernels)
  bool avx512 = false;    ///< AVX-512 F, CD, BW, DQ and VL (OpenBLAS's SkylakeX kernels)

  static CpuFeatures of_this_cpu();
};

/// The OpenBLAS core type to switch to when OpenBLAS chose `detected` on a CPU with `cpu`:
/// empty unless OpenBLAS fell back to Prescott where the CPU runs better kernels.
std::string better_openblas_core(std::string_view detected, const CpuFeatures& cpu);

/// The name of the kernels the loaded OpenBLAS uses ("SkylakeX", "Haswell", "Prescott", ...);
/// empty when the BLAS in the process is not OpenBLAS with run-time kernel choice.
std::string openblas_core();

/// Switches OpenBLAS to better kernels when it fell back to Prescott (better_openblas_core) and
/// the user did not choose a core with OPENBLAS_CORETYPE. Returns the core switched to, or empty
/// when nothing changed. Call it before any matrix product runs and while no other thread uses
/// BLAS; calls after the first do nothing.
std::string select_blas_kernels();

}  // namespace senti
