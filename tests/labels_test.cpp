#include <catch2/catch.hpp>

#include "senti/error.h"
#include "senti/labels.h"

using senti::LabelSet;

TEST_CASE("labels: numbers sort numerically", "[labels]") {
  const auto set = LabelSet::from_labels({"10", "2", "1", "2", "5"});
  CHECK(set.names() == std::vector<std::string>{"1", "2", "5", "10"});
  CHECK(set.index("10") == 3);
}

TEST_CASE("labels: strings sort by bytes and unknown names have no index", "[labels]") {
  const auto set = LabelSet::from_labels({"positive", "neutral", "negative", "positive"});
  CHECK(set.names() == std::vector<std::string>{"negative", "neutral", "positive"});
  CHECK(set.size() == 3);
  CHECK(set.index("positive") == 2);
  CHECK_FALSE(set.index("mixed").has_value());
}

TEST_CASE("labels: stored order is kept and duplicates are refused", "[labels]") {
  const auto set = LabelSet::from_ordered({"pos", "neg"});
  CHECK(set.name(0) == "pos");
  REQUIRE_THROWS_WITH(LabelSet::from_ordered({"a", "a"}), "label 'a' appears twice");
  REQUIRE_THROWS_WITH(LabelSet::from_ordered({"a", ""}), "label names must not be empty");
}
