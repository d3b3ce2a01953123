#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "senti/bundle.h"
#include "senti/error.h"
#include "senti/predictor.h"
#include "targets.h"

namespace senti::fuzz {
namespace fs = std::filesystem;

void model_one_input(const uint8_t* data, size_t size, const std::string& fixture) {
  if (size == 0) return;
  static const fs::path scratch =
      fs::temp_directory_path() / ("senti-fuzz-model-" + std::to_string(::getpid()));
  try {
    fs::remove_all(scratch);
    fs::copy(fixture, scratch);
  } catch (const fs::filesystem_error& error) {
    std::fprintf(stderr, "model fuzzer: cannot prepare %s: %s\n", scratch.c_str(), error.what());
    std::abort();
  }
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int mode = data[0] % 6;
  if (mode == 3 || mode == 5) {
    // Cut weights.pt or linear.pt at a position the input chooses.
    const fs::path path = scratch / (mode == 3 ? kWeightsFile : kLinearFile);
    std::ifstream in(path, std::ios::binary);
    std::string weights((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t cut = 0;
    for (const char c : bytes) cut = cut * 131 + static_cast<unsigned char>(c);
    weights.resize(weights.empty() ? 0 : cut % weights.size());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << weights;
  } else {
    const char* file = mode == 0   ? kConfigFile
                       : mode == 1 ? kWeightsFile
                       : mode == 2 ? kTokenizerFile
                                   : kLinearFile;
    std::ofstream(scratch / file, std::ios::binary | std::ios::trunc) << bytes;
  }
  try {
    const Predictor predictor(load_bundle(scratch.string()));
    predictor.predict({"a fine film", ""}, /*with_attention=*/true);
  } catch (const Error&) {
  }
}

}  // namespace senti::fuzz
