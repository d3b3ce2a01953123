#pragma once
// Line charts as inline SVG, for the training history in the evaluation report.

#include <string>
#include <vector>

namespace senti::svg {

/// One line of a chart: a y value for each of the chart's x values.
struct Series {
  std::string name;   ///< legend text
  std::string color;  ///< CSS colour of the line and its points
  std::vector<double> y;
};

/// A chart of one or more series over shared x values (epochs).
struct LineChart {
  std::string title;
  std::string x_label;
  std::vector<double> x;
  std::vector<Series> series;
  double marker_x = 0.0;     ///< draw a dashed vertical line here (the best epoch); 0: none
  std::string marker_label;  ///< text beside the marker
  int width = 460;           ///< pixels
  int height = 260;          ///< pixels
};

/// The chart as an <svg> element. Every point is a <circle class="point"> carrying its data in
/// data-series, data-x and data-y and its pixel position in cx and cy; y grows upwards over the
/// range of all series (padded by 5%), x spans the x values left to right.
std::string line_chart(const LineChart& chart);

}  // namespace senti::svg
