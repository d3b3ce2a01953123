#include "senti/render.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace senti {
namespace {

constexpr const char* kWordMarker = "\xE2\x96\x81";  // U+2581, SentencePiece's word start

// The step of a colour ramp of `steps` shades for `value` out of `top` (the strongest).
int ramp_step(float value, float top, int steps) {
  const float share = top > 0.0f ? value / top : 0.0f;
  return std::clamp(static_cast<int>(share * static_cast<float>(steps - 1) + 0.5f), 0, steps - 1);
}

}  // namespace

std::string display_piece(const std::string& piece) {
  std::string text;
  for (size_t i = 0; i < piece.size();) {
    if (piece.compare(i, 3, kWordMarker) == 0) {
      text.push_back(' ');
      i += 3;
    } else {
      text.push_back(piece[i++]);
    }
  }
  return text;
}

std::vector<TokenView> token_views(const std::vector<std::string>& pieces,
                                   const std::vector<float>& weights) {
  std::vector<TokenView> views;
  views.reserve(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    TokenView view;
    view.text = display_piece(pieces[i]);
    if (!view.text.empty() && view.text.front() == ' ') {
      view.space_before = !views.empty();
      view.text.erase(0, 1);
    }
    view.weight = i < weights.size() ? weights[i] : 0.0f;
    views.push_back(std::move(view));
  }
  return views;
}

std::string shade_tokens_ansi(const std::vector<std::string>& pieces,
                              const std::vector<float>& weights) {
  // Shades of the xterm 256-colour ramp from a faint to a strong warm background.
  static const int kRamp[] = {236, 52, 88, 124, 160, 196, 202, 208, 214, 220};
  constexpr int kSteps = sizeof(kRamp) / sizeof(kRamp[0]);
  const float top = weights.empty() ? 0.0f : *std::max_element(weights.begin(), weights.end());
  std::string out;
  for (const auto& token : token_views(pieces, weights)) {
    if (token.space_before) out.push_back(' ');
    const int step = ramp_step(token.weight, top, kSteps);
    const int foreground = step >= kSteps - 3 ? 16 : 255;  // dark text on the brightest shades
    out += fmt::format("\033[48;5;{}m\033[38;5;{}m{}\033[0m", kRamp[step], foreground, token.text);
  }
  return out;
}

std::string annotate_tokens_plain(const std::vector<std::string>& pieces,
                                  const std::vector<float>& weights) {
  std::string out;
  for (const auto& token : token_views(pieces, weights)) {
    if (token.space_before) out.push_back(' ');
    // A bare word-boundary piece still carries a weight; show the marker so it is not lost.
    out += fmt::format("{}[{:.2f}]", token.text.empty() ? kWordMarker : token.text, token.weight);
  }
  return out;
}

std::string annotate_evidence(const std::vector<Evidence>& evidence, bool color) {
  // xterm 256-colour greens and reds, from faint to strong.
  static const int kFor[] = {250, 151, 114, 77, 40, 46};
  static const int kAgainst[] = {250, 217, 210, 203, 196, 160};
  constexpr int kSteps = sizeof(kFor) / sizeof(kFor[0]);
  const float top = strongest(evidence);
  std::string out;
  for (const auto& word : evidence) {
    if (!out.empty()) out.push_back(' ');
    if (!color) {
      out += fmt::format("{}[{:+.2f}]", word.text, word.value);
      continue;
    }
    const int step = ramp_step(std::abs(word.value), top, kSteps);
    out += fmt::format("\033[38;5;{}m{}\033[0m", word.value < 0.0f ? kAgainst[step] : kFor[step],
                       word.text);
  }
  return out;
}

std::vector<float> mean_over_heads(const std::vector<std::vector<float>>& weights) {
  if (weights.empty()) return {};
  std::vector<float> mean(weights.front().size(), 0.0f);
  for (const auto& head : weights) {
    for (size_t i = 0; i < mean.size() && i < head.size(); ++i) mean[i] += head[i];
  }
  for (float& value : mean) value /= static_cast<float>(weights.size());
  return mean;
}

}  // namespace senti
