#include "senti/blas.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#include "senti/ascii.h"

namespace senti {
namespace {

// OpenBLAS's own entry points, found in the process rather than linked: senti links LibTorch,
// and the BLAS behind it is whichever libblas.so.3 the system provides.
struct OpenBlas {
  char* (*corename)() = nullptr;
  void (*dynamic_init)() = nullptr;  // picks the kernels: OPENBLAS_CORETYPE or the CPU model
  void (*dynamic_quit)() = nullptr;  // forgets the choice so that dynamic_init makes it again
};

const OpenBlas& openblas() {
  static const OpenBlas found = [] {
    OpenBlas entry;
    entry.corename = reinterpret_cast<char* (*)()>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    entry.dynamic_init = reinterpret_cast<void (*)()>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init"));
    entry.dynamic_quit = reinterpret_cast<void (*)()>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit"));
    return entry;
  }();
  return found;
}

}  // namespace

CpuFeatures CpuFeatures::of_this_cpu() {
  CpuFeatures cpu;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  cpu.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  cpu.avx512 = cpu.avx2_fma && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#endif
  return cpu;
}

std::string better_openblas_core(std::string_view detected, const CpuFeatures& cpu) {
  if (!equals_ignoring_case(detected, "prescott")) return "";
  if (cpu.avx512) return "SkylakeX";
  if (cpu.avx2_fma) return "Haswell";
  return "";
}

std::string openblas_core() {
  const auto& entry = openblas();
  if (entry.corename == nullptr || entry.dynamic_init == nullptr) return "";
  const char* name = entry.corename();
  return name == nullptr ? "" : name;
}

std::string select_blas_kernels() {
  static std::once_flag once;
  std::string switched;
  std::call_once(once, [&] {
    const auto& entry = openblas();
    if (entry.dynamic_init == nullptr || entry.dynamic_quit == nullptr) return;
    if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;  // the user's choice stands
    const std::string core = better_openblas_core(openblas_core(), CpuFeatures::of_this_cpu());
    if (core.empty()) return;
    // OpenBLAS reads its core type from the environment only; it is set for the switch and
    // removed again, so that programs this one starts choose for themselves.
    setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
    entry.dynamic_quit();
    entry.dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
    if (equals_ignoring_case(openblas_core(), core)) switched = core;
  });
  return switched;
}

}  // namespace senti
