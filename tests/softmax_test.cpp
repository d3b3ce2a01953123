#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "senti/softmax.h"

TEST_CASE("softmax: probabilities that sum to one, and the largest score's index", "[softmax]") {
  std::vector<float> values = {1.0f, 3.0f, 2.0f};
  CHECK(senti::softmax_in_place(values.data(), values.size()) == 1);
  const float total = std::exp(1.0f) + std::exp(3.0f) + std::exp(2.0f);
  CHECK(values[0] == Approx(std::exp(1.0f) / total));
  CHECK(values[1] == Approx(std::exp(3.0f) / total));
  CHECK(values[2] == Approx(std::exp(2.0f) / total));

  std::vector<double> one = {-7.5};
  CHECK(senti::softmax_in_place(one.data(), one.size()) == 0);
  CHECK(one[0] == 1.0);
}

TEST_CASE("softmax: scores far beyond exp's range stay finite", "[softmax]") {
  std::vector<float> values = {1000.0f, -1000.0f, 999.0f};
  CHECK(senti::softmax_in_place(values.data(), values.size()) == 0);
  CHECK(values[0] == Approx(1.0f / (1.0f + std::exp(-1.0f))));
  CHECK(values[1] == 0.0f);
  CHECK(values[2] == Approx(std::exp(-1.0f) / (1.0f + std::exp(-1.0f))));
  // Equal scores: the first one counts as the largest.
  std::vector<float> ties = {2.0f, 2.0f};
  CHECK(senti::softmax_in_place(ties.data(), ties.size()) == 0);
  CHECK(ties[0] == 0.5f);
}
