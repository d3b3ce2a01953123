#include "senti/ascii.h"

#include <catch2/catch.hpp>

TEST_CASE("ascii_lower folds A-Z and keeps every other byte", "[ascii]") {
  CHECK(senti::ascii_lower('A') == 'a');
  CHECK(senti::ascii_lower('Z') == 'z');
  CHECK(senti::ascii_lower('a') == 'a');
  CHECK(senti::ascii_lower('@') == '@');  // just before 'A'
  CHECK(senti::ascii_lower('[') == '[');  // just after 'Z'
  CHECK(senti::ascii_lower("Label,TSV 42") == "label,tsv 42");
  // UTF-8 is left alone: "ÉTÉ Ça" keeps its accented capitals, only the ASCII letters fold.
  CHECK(senti::ascii_lower("\xC3\x89T\xC3\x89 \xC3\x87"
                           "A") ==
        "\xC3\x89t\xC3\x89 \xC3\x87"
        "a");
  CHECK(senti::ascii_lower("").empty());
}

TEST_CASE("equals_ignoring_case compares with A-Z folded", "[ascii]") {
  CHECK(senti::equals_ignoring_case("Sentiment", "sentiment"));
  CHECK(senti::equals_ignoring_case("PRESCOTT", "Prescott"));
  CHECK(senti::equals_ignoring_case("", ""));
  CHECK_FALSE(senti::equals_ignoring_case("label", "labels"));
  CHECK_FALSE(senti::equals_ignoring_case("label", "lab3l"));
  CHECK_FALSE(senti::equals_ignoring_case("\xC3\x89t\xC3\xA9", "\xC3\xA9t\xC3\xA9"));  // É is not é
}
