#include "senti/checksum.h"

#include <fmt/format.h>

#include <cstdint>
#include <fstream>

#include "senti/error.h"

namespace senti {

std::string file_checksum(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open file for reading");
  uint64_t hash = 14695981039346656037ull;
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof(buffer));
    const std::streamsize count = in.gcount();
    for (std::streamsize i = 0; i < count; ++i) {
      hash = (hash ^ static_cast<unsigned char>(buffer[i])) * 1099511628211ull;
    }
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
