#pragma once
// SENTI_CPU_CLONES: build a vectorized function twice, for x86-64-v3 (AVX2, FMA) and for the
// baseline (SSE2), and let the loader pick the one the CPU runs (GCC on x86-64; "arch=haswell"
// would be chosen only on Haswell itself, as GCC's resolver asks for the processor model, not its
// features). Elsewhere, and under the sanitizers, it expands to nothing.

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define SENTI_CPU_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SENTI_CPU_CLONES
#endif
