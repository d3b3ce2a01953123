// libFuzzer entry point for the model loader (see targets.h). The model directory to mutate is
// $SENTI_FUZZ_MODEL (any model senti-train wrote; scripts/fuzz.sh trains a small one).
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "targets.h"

namespace {
std::string g_fixture;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  const char* fixture = std::getenv("SENTI_FUZZ_MODEL");
  if (fixture == nullptr || *fixture == '\0') {
    std::fprintf(stderr, "model_fuzzer: set SENTI_FUZZ_MODEL to a model directory\n");
    std::exit(2);
  }
  g_fixture = fixture;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  senti::fuzz::model_one_input(data, size, g_fixture);
  return 0;
}
