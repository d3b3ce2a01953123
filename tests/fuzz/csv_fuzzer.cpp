// libFuzzer entry point for the CSV reader and dataset loader (see targets.h).
#include <spdlog/spdlog.h>

#include "targets.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  senti::fuzz::csv_one_input(data, size);
  return 0;
}
