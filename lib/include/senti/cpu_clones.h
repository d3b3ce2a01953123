#pragma once
// SENTI_CPU_CLONES: build a vectorized function three times, for x86-64-v4 (AVX-512), x86-64-v3
// (AVX2, FMA) and the baseline (SSE2), and let the loader pick the one the CPU runs (GCC on
// x86-64; "arch=haswell" would be chosen only on Haswell itself, as GCC's resolver asks for the
// processor model, not its features). The AVX-512 and AVX2 clones do the same float operations in
// the same order, multiply-adds fused, so they give the same results (the baseline rounds each
// multiply and add apart). Elsewhere, and under the sanitizers, it expands to nothing.

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define SENTI_CPU_CLONES \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define SENTI_CPU_CLONES
#endif
