#include "senti/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "senti/html.h"

namespace senti::svg {
namespace {

// Margins inside the drawing, in pixels: room for tick labels, the title and the legend.
constexpr double kLeft = 52, kRight = 16, kTop = 28, kBottom = 58;

struct Range {
  double low = 0.0, high = 1.0;
};

Range padded_range(const std::vector<Series>& series) {
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  for (const auto& line : series) {
    for (double value : line.y) {
      if (!std::isfinite(value)) continue;
      low = std::min(low, value);
      high = std::max(high, value);
    }
  }
  if (!std::isfinite(low)) return {};
  if (high - low < 1e-9) {
    low -= 0.5;
    high += 0.5;
  }
  const double pad = (high - low) * 0.05;
  return {low - pad, high + pad};
}

// Between 4 and 10 round tick values within [low, high].
std::vector<double> ticks(const Range& range) {
  const double span = range.high - range.low;
  double step = std::pow(10.0, std::floor(std::log10(span)));
  while (span / step > 10) step *= 2;
  while (span / step < 4) step /= 2;
  std::vector<double> values;
  for (double value = std::ceil(range.low / step) * step; value <= range.high + 1e-12;
       value += step) {
    values.push_back(std::abs(value) < step * 1e-6 ? 0.0 : value);
  }
  return values;
}

int decimals_for(const std::vector<double>& values) {
  if (values.size() < 2) return 2;
  const double step = values[1] - values[0];
  return std::clamp(static_cast<int>(std::ceil(-std::log10(step))), 0, 6);
}

}  // namespace

std::string line_chart(const LineChart& chart) {
  const double width = chart.width, height = chart.height;
  const double plot_w = width - kLeft - kRight, plot_h = height - kTop - kBottom;
  const double x_low = chart.x.empty() ? 0.0 : chart.x.front();
  const double x_high = chart.x.empty() ? 1.0 : chart.x.back();
  const double x_span = x_high - x_low > 0 ? x_high - x_low : 1.0;
  const Range y = padded_range(chart.series);
  const auto px = [&](double value) {
    return chart.x.size() == 1 ? kLeft + plot_w / 2 : kLeft + (value - x_low) / x_span * plot_w;
  };
  const auto py = [&](double value) { return kTop + (y.high - value) / (y.high - y.low) * plot_h; };

  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" role=\"img\" aria-label=\"{2}\" font-family=\"sans-serif\" "
      "font-size=\"11\">\n<title>{2}</title>\n"
      "<text x=\"{3}\" y=\"16\" font-size=\"13\" font-weight=\"600\">{2}</text>\n"
      "<rect x=\"{3}\" y=\"{4}\" width=\"{5:.1f}\" height=\"{6:.1f}\" fill=\"none\" "
      "stroke=\"#d1d5db\"/>\n",
      chart.width, chart.height, html::escape(chart.title), kLeft, kTop, plot_w, plot_h);

  const auto y_ticks = ticks(y);
  const int y_decimals = decimals_for(y_ticks);
  for (double value : y_ticks) {
    out += fmt::format(
        "<line x1=\"{0}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#f3f4f6\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\" fill=\"#4b5563\">{5:.{6}f}</text>\n",
        kLeft, kLeft + plot_w, py(value), kLeft - 6, py(value) + 4, value, y_decimals);
  }
  // Label every x value while they fit, else about ten of them.
  const size_t every = std::max<size_t>(1, (chart.x.size() + 9) / 10);
  for (size_t i = 0; i < chart.x.size(); i += every) {
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#4b5563\">{}</text>\n",
        px(chart.x[i]), kTop + plot_h + 15, chart.x[i]);
  }
  out += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#4b5563\">{}</text>\n",
      kLeft + plot_w / 2, kTop + plot_h + 30, html::escape(chart.x_label));

  if (chart.marker_x > 0.0) {
    // The label sits right of the line, or left of it when the line is near the right edge.
    const double at = px(chart.marker_x);
    const bool left = at > kLeft + plot_w * 0.75;
    out += fmt::format(
        "<line class=\"marker\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2:.1f}\" "
        "stroke=\"#6b7280\" stroke-dasharray=\"4 3\"/><text x=\"{3:.1f}\" y=\"{4}\" "
        "text-anchor=\"{5}\" fill=\"#4b5563\">{6}</text>\n",
        at, kTop, kTop + plot_h, left ? at - 4 : at + 4, kTop + 12, left ? "end" : "start",
        html::escape(chart.marker_label));
  }

  double legend_x = kLeft;
  for (const auto& line : chart.series) {
    const std::string name = html::escape(line.name), color = html::escape(line.color);
    std::string points;
    std::string circles;
    for (size_t i = 0; i < line.y.size() && i < chart.x.size(); ++i) {
      if (!std::isfinite(line.y[i])) continue;
      const double cx = px(chart.x[i]), cy = py(line.y[i]);
      points += fmt::format("{}{:.2f},{:.2f}", points.empty() ? "" : " ", cx, cy);
      circles += fmt::format(
          "<circle class=\"point\" data-series=\"{0}\" data-x=\"{1}\" data-y=\"{2}\" "
          "cx=\"{3:.2f}\" cy=\"{4:.2f}\" r=\"3\" fill=\"{5}\"><title>{0}, {6} {1}: {2:.4f}"
          "</title></circle>\n",
          name, chart.x[i], line.y[i], cx, cy, color, html::escape(chart.x_label));
    }
    out +=
        fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n{}",
                    color, points, circles);
    out += fmt::format(
        "<rect x=\"{0:.1f}\" y=\"{1:.1f}\" width=\"10\" height=\"10\" fill=\"{2}\"/>"
        "<text x=\"{3:.1f}\" y=\"{4:.1f}\">{5}</text>\n",
        legend_x, height - 16, color, legend_x + 14, height - 7, name);
    legend_x += 24 + 6.5 * static_cast<double>(line.name.size());
  }
  out += "</svg>\n";
  return out;
}

}  // namespace senti::svg
