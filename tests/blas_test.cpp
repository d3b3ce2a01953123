#include <catch2/catch.hpp>

#include <ATen/ATen.h>

#include <cstdlib>

#include "senti/blas.h"

using senti::better_openblas_core;
using senti::CpuFeatures;

TEST_CASE("blas: Prescott is replaced by the best kernels the CPU runs", "[blas]") {
  const CpuFeatures none{}, avx2{/*avx2_fma=*/true, /*avx512=*/false}, avx512{true, true};
  CHECK(better_openblas_core("Prescott", avx512) == "SkylakeX");
  CHECK(better_openblas_core("PRESCOTT", avx512) == "SkylakeX");
  CHECK(better_openblas_core("prescott", avx2) == "Haswell");
  CHECK(better_openblas_core("Prescott", none).empty());  // an SSE3-only CPU keeps it
}

TEST_CASE("blas: a core OpenBLAS recognised is kept", "[blas]") {
  const CpuFeatures avx512{true, true};
  for (const char* detected : {"Haswell", "SkylakeX", "Zen", "Cooperlake", "", "Prescott2"}) {
    CHECK(better_openblas_core(detected, avx512).empty());
  }
}

TEST_CASE("blas: after the switch, no better core is left and products are right", "[blas]") {
  const std::string before = senti::openblas_core();
  const std::string switched = senti::select_blas_kernels();
  const std::string after = senti::openblas_core();
  if (before.empty()) {
    // Not OpenBLAS with run-time kernel choice (reference BLAS, MKL): nothing to switch.
    CHECK(switched.empty());
  } else {
    INFO("OpenBLAS chose " << before << ", now uses " << after);
    if (!switched.empty()) CHECK(after == switched);
    if (std::getenv("OPENBLAS_CORETYPE") == nullptr) {
      CHECK(better_openblas_core(after, CpuFeatures::of_this_cpu()).empty());
    }
  }
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) CHECK(switched.empty());  // the user's choice
  CHECK(senti::select_blas_kernels().empty());  // only the first call acts

  // The kernels now in use multiply correctly (shapes the GRU uses, and one with a ragged edge).
  at::manual_seed(3);
  for (const auto& [m, k, n] : {std::tuple{32, 64, 192}, {7, 129, 33}}) {
    const auto a = at::randn({m, k}, at::kDouble).to(at::kFloat);
    const auto b = at::randn({k, n}, at::kDouble).to(at::kFloat);
    // Reference without BLAS: broadcast products summed in double precision.
    const auto expected = (a.to(at::kDouble).unsqueeze(2) * b.to(at::kDouble).unsqueeze(0)).sum(1);
    CHECK(at::allclose(at::mm(a, b).to(at::kDouble), expected, /*rtol=*/1e-4, /*atol=*/1e-4));
  }
}
