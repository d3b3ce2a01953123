#include <catch2/catch.hpp>

#include "senti/overlap.h"

TEST_CASE("overlap: rows inside training texts, as whole words", "[overlap]") {
  const std::vector<std::string> corpus = {"The plot is  AWFUL and the cast is worse .",
                                           "A warm , funny film"};
  CHECK(senti::share_inside(corpus, {"the plot is awful"}) == 1.0);         // a phrase of a row
  CHECK(senti::share_inside(corpus, {"a warm , funny film"}) == 1.0);       // a duplicate
  CHECK(senti::share_inside(corpus, {"plot is awf"}) == 0.0);               // not whole words
  CHECK(senti::share_inside(corpus, {"worse . a warm"}) == 0.0);            // not across rows
  CHECK(senti::share_inside(corpus, {"funny film", "a new film"}) == 0.5);  // half of them
  CHECK(senti::share_inside(corpus, {}) == 0.0);
  CHECK(senti::share_inside({}, {"funny"}) == 0.0);
  CHECK(senti::share_inside(corpus, {"   "}) == 0.0);  // blank text says nothing
}

TEST_CASE("overlap: a sample taken evenly from the rows", "[overlap]") {
  const std::vector<std::string> corpus = {"one two three"};
  std::vector<std::string> rows;
  // The sample is every 10th row; every 4th of those is inside the corpus.
  for (int i = 0; i < 1000; ++i) rows.push_back((i / 10) % 4 == 0 ? "two three" : "four");
  CHECK(senti::share_inside(corpus, rows, 100) == Approx(0.25));
  CHECK(senti::share_inside(corpus, rows, 0) == 0.0);
}
