#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <string>

#include "senti/checksum.h"
#include "senti/error.h"
#include "test_util.h"

TEST_CASE("checksum: files get XXH3 checksums, and older FNV-1a ones still verify", "[checksum]") {
  senti::test::TempDir dir;
  // XXH3's published 64-bit hash of empty input (seed 0).
  CHECK(senti::file_checksum(dir.write("empty", "")) == "xxh3_64:2d06800538d394c2");

  // A file larger than one read block (1 MB), so the hash runs over several blocks.
  std::string content;
  for (int i = 0; content.size() < (size_t{3} << 20); ++i) content += std::to_string(i) + ",";
  const auto path = dir.write("model.pt", content);
  const std::string checksum = senti::file_checksum(path);
  REQUIRE(checksum.size() == 8 + 16);
  CHECK(checksum.rfind("xxh3_64:", 0) == 0);
  CHECK_NOTHROW(senti::verify_checksum(path, checksum));
  const std::string fnv =
      fmt::format("fnv1a64:{:016x}", senti::fnv1a64(senti::kFnv1aStart, content));
  CHECK_NOTHROW(senti::verify_checksum(path, fnv));

  // One byte changed: both kinds notice.
  content[content.size() / 2] ^= 1;
  dir.write("model.pt", content);
  CHECK_THROWS_WITH(senti::verify_checksum(path, checksum),
                    Catch::Contains("model.pt: damaged or replaced (checksum xxh3_64:"));
  CHECK_THROWS_WITH(senti::verify_checksum(path, fnv),
                    Catch::Contains("model.pt: damaged or replaced (checksum fnv1a64:"));
  CHECK_THROWS_WITH(senti::verify_checksum(path, "md5:0123"),
                    Catch::Contains("its recorded checksum 'md5:0123' is of a kind this senti "
                                    "does not know"));
  CHECK_THROWS_WITH(senti::file_checksum(dir.file("missing")),
                    Catch::Contains("missing: cannot open file for reading"));
}
