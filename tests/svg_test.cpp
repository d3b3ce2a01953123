#include <catch2/catch.hpp>

#include <regex>

#include "senti/svg.h"

namespace {

struct Point {
  std::string series;
  double x, y, cx, cy;
};

std::vector<Point> points(const std::string& svg) {
  static const std::regex circle(
      R"re(<circle class="point" data-series="([^"]*)" data-x="([^"]*)" data-y="([^"]*)" cx="([^"]*)" cy="([^"]*)")re");
  std::vector<Point> found;
  for (std::sregex_iterator it(svg.begin(), svg.end(), circle), end; it != end; ++it) {
    found.push_back({(*it)[1].str(), std::stod((*it)[2].str()), std::stod((*it)[3].str()),
                     std::stod((*it)[4].str()), std::stod((*it)[5].str())});
  }
  return found;
}

}  // namespace

TEST_CASE("svg: every history point is drawn where its value says", "[svg]") {
  senti::svg::LineChart chart;
  chart.title = "Loss per epoch";
  chart.x_label = "epoch";
  chart.x = {1, 2, 3, 4};
  chart.series.push_back({"train loss", "#2563eb", {0.69, 0.45, 0.33, 0.30}});
  chart.series.push_back({"validation loss", "#ea580c", {0.60, 0.48, 0.47, 0.52}});
  const auto svg = senti::svg::line_chart(chart);
  const auto found = points(svg);
  REQUIRE(found.size() == 8);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(found[i].series == "train loss");
    CHECK(found[i].x == chart.x[i]);
    CHECK(found[i].y == Approx(chart.series[0].y[i]));
    CHECK(found[i + 4].y == Approx(chart.series[1].y[i]));
  }
  // x grows to the right in equal steps; a larger value sits higher (smaller cy), linearly.
  CHECK(found[1].cx - found[0].cx == Approx(found[3].cx - found[2].cx));
  CHECK(found[0].cx < found[3].cx);
  const double pixels_per_unit = (found[1].cy - found[0].cy) / (found[1].y - found[0].y);
  CHECK(pixels_per_unit < 0);
  for (const auto& p : found) {
    CHECK(p.cy - found[0].cy == Approx(pixels_per_unit * (p.y - found[0].y)).margin(0.02));
    CHECK(p.cx >= 0);
    CHECK(p.cx <= chart.width);
    CHECK(p.cy >= 0);
    CHECK(p.cy <= chart.height);
  }
  CHECK(svg.find("<polyline") != std::string::npos);
  CHECK(svg.find(">validation loss</text>") != std::string::npos);
}

TEST_CASE("svg: a single epoch and a flat line still draw", "[svg]") {
  senti::svg::LineChart chart;
  chart.x = {1};
  chart.series.push_back({"accuracy", "#000", {0.5}});
  const auto found = points(senti::svg::line_chart(chart));
  REQUIRE(found.size() == 1);
  CHECK(std::isfinite(found[0].cx));
  CHECK(std::isfinite(found[0].cy));
}

TEST_CASE("svg: text in titles and legends is escaped", "[svg]") {
  senti::svg::LineChart chart;
  chart.title = "<b>&";
  chart.x = {1, 2};
  chart.series.push_back({"a\"b", "#000", {1, 2}});
  chart.marker_x = 2;
  chart.marker_label = "<kept>";
  const auto svg = senti::svg::line_chart(chart);
  CHECK(svg.find("<b>") == std::string::npos);
  CHECK(svg.find("&lt;b&gt;&amp;") != std::string::npos);
  CHECK(svg.find("a&quot;b") != std::string::npos);
  CHECK(svg.find("&lt;kept&gt;") != std::string::npos);
  CHECK(svg.find("class=\"marker\"") != std::string::npos);
}
