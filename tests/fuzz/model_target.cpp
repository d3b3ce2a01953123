#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "senti/bundle.h"
#include "senti/error.h"
#include "senti/predictor.h"
#include "targets.h"

namespace senti::fuzz {
namespace fs = std::filesystem;

namespace {

constexpr std::array<const char*, 4> kBundleFiles = {kConfigFile, kWeightsFile, kTokenizerFile,
                                                     kLinearFile};

[[noreturn]] void harness_failure(const fs::path& path, const char* what) {
  std::fprintf(stderr, "model fuzzer: cannot %s %s\n", what, path.c_str());
  std::abort();
}

// The fixture's files, read once. The scratch copy is rewritten from memory with streams, which
// retry interrupted reads and writes: libFuzzer's SIGALRM timer (no SA_RESTART) made
// std::filesystem::copy fail with EINTR now and then.
struct Fixture {
  std::string directory;
  std::array<std::optional<std::string>, kBundleFiles.size()> contents;  // nullopt: absent
};

const Fixture& fixture_files(const std::string& directory) {
  static Fixture fixture;
  if (fixture.directory != directory) {
    for (size_t i = 0; i < kBundleFiles.size(); ++i) {
      const fs::path path = fs::path(directory) / kBundleFiles[i];
      fixture.contents[i].reset();
      if (!fs::exists(path)) continue;  // linear.pt is absent from --linear none models
      std::ifstream in(path, std::ios::binary);
      if (!in) harness_failure(path, "read");
      fixture.contents[i].emplace(std::istreambuf_iterator<char>(in),
                                  std::istreambuf_iterator<char>());
    }
    fixture.directory = directory;
  }
  return fixture;
}

// The scratch model directory, removed when the process exits normally.
struct Scratch {
  fs::path path = fs::temp_directory_path() / ("senti-fuzz-model-" + std::to_string(::getpid()));
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) harness_failure(path, "write");
}

}  // namespace

void model_one_input(const uint8_t* data, size_t size, const std::string& fixture) {
  if (size == 0) return;
  static const Scratch holder;
  const fs::path& scratch = holder.path;
  std::error_code error;
  fs::create_directories(scratch, error);
  if (error) harness_failure(scratch, "create");

  // Byte 0 chooses the file and how it is damaged; the file order is that of kBundleFiles.
  const int mode = data[0] % 6;
  const size_t target = mode < 3 ? static_cast<size_t>(mode) : mode == 3 ? 1 : 3;
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Fixture& original = fixture_files(fixture);
  for (size_t i = 0; i < kBundleFiles.size(); ++i) {
    const fs::path path = scratch / kBundleFiles[i];
    if (!original.contents[i] && i != target) {
      fs::remove(path, error);
      continue;
    }
    std::string contents = original.contents[i].value_or(std::string());
    if (i == target) {
      if (mode == 3 || mode == 5) {
        // Cut weights.pt or linear.pt at a position the input chooses.
        size_t cut = 0;
        for (const char c : bytes) cut = cut * 131 + static_cast<unsigned char>(c);
        contents.resize(contents.empty() ? 0 : cut % contents.size());
      } else {
        contents = bytes;
      }
    }
    write_file(path, contents);
  }
  try {
    const Predictor predictor(load_bundle(scratch.string()));
    predictor.predict({"a fine film", ""}, /*with_attention=*/true);
  } catch (const Error&) {
  }
}

}  // namespace senti::fuzz
