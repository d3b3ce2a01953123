#include "spm_library.h"

#include <dlfcn.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "senti/error.h"

#ifndef SENTI_SPM_BRIDGE_BUILD_PATH
#define SENTI_SPM_BRIDGE_BUILD_PATH ""
#endif
#ifndef SENTI_SPM_BRIDGE_INSTALL_PATH
#define SENTI_SPM_BRIDGE_INSTALL_PATH ""
#endif

namespace senti::detail {
namespace {

constexpr const char* kBridgeName = "libsenti_spm.so";

std::filesystem::path executable_dir() {
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : exe.parent_path();
}

// Where the bridge may be, most specific first: an explicit override, beside the executable
// (build tree), the install layout, then the paths CMake recorded.
std::vector<std::string> candidate_paths() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("SENTI_SPM_BRIDGE"); env != nullptr && *env != '\0') {
    paths.emplace_back(env);
  }
  const auto dir = executable_dir();
  if (!dir.empty()) {
    paths.push_back((dir / kBridgeName).string());
    paths.push_back((dir / ".." / "lib" / "senti" / kBridgeName).string());
  }
  for (const char* path : {SENTI_SPM_BRIDGE_BUILD_PATH, SENTI_SPM_BRIDGE_INSTALL_PATH}) {
    if (*path != '\0') paths.emplace_back(path);
  }
  return paths;
}

template <typename Function>
void resolve(void* handle, const char* name, Function& out) {
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    throw Error(std::string("SentencePiece bridge lacks symbol ") + name);
  }
  out = reinterpret_cast<Function>(symbol);
}

SpmLibrary load_library() {
  std::string tried;
  void* handle = nullptr;
  for (const auto& path : candidate_paths()) {
    if (!std::filesystem::exists(path)) {
      tried += "\n  " + path + ": not found";
      continue;
    }
    // A fresh namespace keeps SentencePiece's bundled protobuf away from LibTorch's.
    handle = dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle != nullptr) break;
    tried += "\n  " + path + ": " + dlerror();
  }
  if (handle == nullptr) {
    throw Error("cannot load the SentencePiece bridge " + std::string(kBridgeName) +
                " (set SENTI_SPM_BRIDGE to its path); tried:" + tried);
  }
  SpmLibrary library{};
  resolve(handle, "senti_spm_abi_version", library.abi_version);
  if (library.abi_version() != 2) {
    throw Error("SentencePiece bridge has ABI version " + std::to_string(library.abi_version()) +
                ", expected 2");
  }
  resolve(handle, "senti_spm_train", library.train);
  resolve(handle, "senti_spm_load", library.load);
  resolve(handle, "senti_spm_free", library.free);
  resolve(handle, "senti_spm_piece_size", library.piece_size);
  resolve(handle, "senti_spm_id_to_piece", library.id_to_piece);
  resolve(handle, "senti_spm_encode", library.encode);
  resolve(handle, "senti_spm_encode_spans", library.encode_spans);
  resolve(handle, "senti_spm_set_seed", library.set_seed);
  return library;
}

}  // namespace

const SpmLibrary& SpmLibrary::get() {
  // Loaded once per process: link-map namespaces are a scarce resource (glibc allows 16).
  static const SpmLibrary library = load_library();
  return library;
}

}  // namespace senti::detail
