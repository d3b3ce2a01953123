#include "senti/html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "senti/render.h"

namespace senti::html {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string attention_spans(const std::vector<std::string>& pieces,
                            const std::vector<float>& weights) {
  const float top = weights.empty() ? 0.0f : *std::max_element(weights.begin(), weights.end());
  std::string out;
  for (const auto& token : token_views(pieces, weights)) {
    if (token.space_before) out.push_back(' ');
    const float share = top > 0.0f ? std::clamp(token.weight / top, 0.0f, 1.0f) : 0.0f;
    // A bare word-boundary piece still has a weight: a shaded space keeps the text readable.
    out += fmt::format(
        "<span class=\"tok\" style=\"background:rgba(234,88,12,{:.3f})\" "
        "title=\"{:.4f}\">{}</span>",
        share, token.weight, token.text.empty() ? std::string(" ") : escape(token.text));
  }
  return out;
}

std::string evidence_spans(const std::vector<Evidence>& evidence) {
  const float top = strongest(evidence);
  std::string out;
  for (const auto& word : evidence) {
    if (!out.empty()) out.push_back(' ');
    const float share = top > 0.0f ? std::abs(word.value) / top : 0.0f;
    out += fmt::format(
        "<span class=\"ev\" style=\"background:rgba({},{:.3f})\" title=\"{:+.4f}\">{}</span>",
        word.value < 0.0f ? "220,38,38" : "22,163,74", share, word.value, escape(word.text));
  }
  return out;
}

std::string page_begin(const std::string& title) {
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="senti {version}">
<title>{title}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
  max-width: 72rem; padding: 0 1rem; color: #1f2937; background: #fff; line-height: 1.45; }}
h1 {{ font-size: 1.6rem; margin-bottom: .2rem; }}
h2 {{ font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #e5e7eb; padding-bottom: .2rem; }}
table {{ border-collapse: collapse; margin: .5rem 0; }}
th, td {{ padding: .3rem .6rem; border: 1px solid #e5e7eb; text-align: left; vertical-align: top; }}
th {{ background: #f9fafb; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.headline {{ display: flex; flex-wrap: wrap; gap: 1rem; }}
.metric {{ border: 1px solid #e5e7eb; border-radius: .5rem; padding: .6rem 1rem; min-width: 9rem; }}
.metric .value {{ font-size: 1.7rem; font-weight: 600; }}
.metric .name {{ color: #6b7280; font-size: .85rem; }}
.confusion td {{ text-align: center; min-width: 5rem; }}
.confusion small {{ color: inherit; opacity: .8; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 1.5rem; }}
.tok, .ev {{ border-radius: .2rem; padding: 0 .08rem; }}
.text {{ max-width: 40rem; }}
.muted {{ color: #6b7280; }}
.caution {{ background: #fffbeb; border-left: 4px solid #f59e0b; padding: .5rem .8rem; }}
.wrong {{ color: #b91c1c; font-weight: 600; }}
.right {{ color: #15803d; font-weight: 600; }}
pre {{ background: #f9fafb; padding: .6rem; overflow-x: auto; }}
</style>
</head>
<body>
)",
                     fmt::arg("version", SENTI_VERSION), fmt::arg("title", escape(title)));
}

std::string page_end() {
  return "</body>\n</html>\n";
}

std::string attention_caution(int64_t heads) {
  const std::string shading =
      heads > 1 ? fmt::format("Shading is the mean of the model's {} attention heads. ", heads)
                : std::string("Shading is the model's single attention head. ");
  return "<p class=\"caution\">" + shading +
         "Darker tokens received more attention weight (hover a token for its weight). Attention "
         "shows where the model looked when pooling the sentence, not proof of why it decided: "
         "different weights can give the same prediction (Jain and Wallace 2019, "
         "&ldquo;Attention is not Explanation&rdquo;).</p>\n";
}

std::string number(double value, int decimals) {
  return fmt::format("{:.{}f}", value, decimals);
}

}  // namespace senti::html
