#include <catch2/catch.hpp>

#include "senti/utf8.h"

TEST_CASE("utf8: valid text passes unchanged", "[utf8]") {
  const std::string text = "caf\xC3\xA9 \xF0\x9F\x98\x80 ok";
  CHECK(senti::sanitize_utf8(text) == text);
  CHECK(senti::is_clean_utf8(text));
  CHECK(senti::is_clean_utf8(""));
  CHECK(senti::utf8_length(text) == 9);
}

TEST_CASE("utf8: invalid bytes become U+FFFD and NULs are dropped", "[utf8]") {
  CHECK(senti::sanitize_utf8(std::string("a\xFFz")) == "a\xEF\xBF\xBDz");
  CHECK(senti::sanitize_utf8(std::string("a\0b", 3)) == "ab");
  CHECK(senti::sanitize_utf8("\xC3") == "\xEF\xBF\xBD");                  // truncated sequence
  CHECK(senti::sanitize_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  CHECK(senti::sanitize_utf8("\xED\xA0\x80") ==
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");                                  // a surrogate
  CHECK(senti::sanitize_utf8(std::string("\0\0ok\xFF", 5)) == "ok\xEF\xBF\xBD");  // at both ends
  for (const auto& dirty : {std::string("a\xFFz"), std::string("a\0b", 3), std::string("\xC3"),
                            std::string("ok\xED\xA0\x80")}) {
    CHECK_FALSE(senti::is_clean_utf8(dirty));
    CHECK(senti::is_clean_utf8(senti::sanitize_utf8(dirty)));
  }
}

TEST_CASE("utf8: truncation never splits a code point", "[utf8]") {
  CHECK(senti::utf8_truncate("h\xC3\xA9llo", 2) == "h\xC3\xA9");
  CHECK(senti::utf8_truncate("abc", 10) == "abc");
}
