#pragma once
// File checksums recorded beside what senti writes (config.json, checkpoint state), so a damaged
// file is reported as such before LibTorch's or SentencePiece's parsers ever see it (a few
// corrupted weight files crash LibTorch 1.13's TorchScript importer outright).

#include <cstdint>
#include <string>
#include <string_view>

namespace senti {

/// FNV-1a 64-bit: the hash of the empty input, and `hash` extended by `bytes`. One hash serves
/// older file checksums, senti-train's fingerprint of its training data and the TF-IDF model's
/// n-gram buckets (inline: those hash a few bytes at a time, millions of times).
constexpr uint64_t kFnv1aStart = 14695981039346656037ull;
inline uint64_t fnv1a64(uint64_t hash, std::string_view bytes) {
  for (const unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

/// "xxh3_64:" and the 16 hex digits of the XXH3 64-bit hash of the file's bytes; throws
/// senti::Error when the file cannot be read. (XXH3 reads a model's 10 MB in about a millisecond;
/// FNV-1a, which models written before it carry, took 16 ms of every start-up.)
std::string file_checksum(const std::string& path);

/// Throws senti::Error ("PATH is damaged or was replaced ...") unless `path` has `expected`, an
/// "xxh3_64:" checksum or an older "fnv1a64:" one; any other kind is an error naming it.
void verify_checksum(const std::string& path, const std::string& expected);

}  // namespace senti
