#include "senti/checksum.h"

#include <fmt/format.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdint>
#include <fstream>
#include <memory>

#include "senti/error.h"

namespace senti {
namespace {

constexpr std::string_view kXxh3 = "xxh3_64:";
constexpr std::string_view kFnv1a = "fnv1a64:";

// Feeds the file's bytes, in blocks, to `consume(std::string_view)`.
template <typename Consume>
void read_blocks(const std::string& path, Consume&& consume) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open file for reading");
  const auto buffer = std::make_unique<char[]>(size_t{1} << 20);
  while (in) {
    in.read(buffer.get(), size_t{1} << 20);
    consume(std::string_view(buffer.get(), static_cast<size_t>(in.gcount())));
  }
  if (in.bad()) throw Error(path + ": read error");
}

std::string fnv1a_checksum(const std::string& path) {
  uint64_t hash = kFnv1aStart;
  read_blocks(path, [&](std::string_view bytes) { hash = fnv1a64(hash, bytes); });
  return fmt::format("{}{:016x}", kFnv1a, hash);
}

}  // namespace

std::string file_checksum(const std::string& path) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  read_blocks(path, [&](std::string_view bytes) {
    XXH3_64bits_update(&state, bytes.data(), bytes.size());
  });
  return fmt::format("{}{:016x}", kXxh3, XXH3_64bits_digest(&state));
}

void verify_checksum(const std::string& path, const std::string& expected) {
  const auto is_kind = [&](std::string_view prefix) { return expected.rfind(prefix, 0) == 0; };
  std::string actual;
  if (is_kind(kXxh3)) {
    actual = file_checksum(path);
  } else if (is_kind(kFnv1a)) {
    actual = fnv1a_checksum(path);
  } else {
    throw Error(path + ": its recorded checksum '" + expected +
                "' is of a kind this senti does not know (xxh3_64 or fnv1a64)");
  }
  if (actual != expected) {
    throw Error(path + ": damaged or replaced (checksum " + actual + ", expected " + expected +
                "); retrain or restore the model");
  }
}

}  // namespace senti
