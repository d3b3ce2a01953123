#include "senti/checksum.h"

#include <fmt/format.h>

#include <cstdint>
#include <fstream>

#include "senti/error.h"

namespace senti {

uint64_t fnv1a64(uint64_t hash, std::string_view bytes) {
  for (const unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

std::string file_checksum(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open file for reading");
  uint64_t hash = kFnv1aStart;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof(buffer));
    hash = fnv1a64(hash, std::string_view(buffer, static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) throw Error(path + ": read error");
  return fmt::format("fnv1a64:{:016x}", hash);
}

void verify_checksum(const std::string& path, const std::string& expected) {
  const std::string actual = file_checksum(path);
  if (actual != expected) {
    throw Error(path + ": damaged or replaced (checksum " + actual + ", expected " + expected +
                "); retrain or restore the model");
  }
}

}  // namespace senti
