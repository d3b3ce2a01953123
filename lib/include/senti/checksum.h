#pragma once
// File checksums recorded beside what senti writes (config.json, checkpoint state), so a damaged
// file is reported as such before LibTorch's or SentencePiece's parsers ever see it (a few
// corrupted weight files crash LibTorch 1.13's TorchScript importer outright).

#include <string>

namespace senti {

/// "fnv1a64:" and the 16 hex digits of the FNV-1a 64-bit hash of the file's bytes; throws
/// senti::Error when the file cannot be read.
std::string file_checksum(const std::string& path);

/// Throws senti::Error ("PATH is damaged or was replaced ...") unless `path` has `expected`.
void verify_checksum(const std::string& path, const std::string& expected);

}  // namespace senti
