#pragma once
// Building blocks of senti's self-contained HTML pages (evaluation report, predict --format html):
// escaping, attention-shaded tokens and the page frame with its inline stylesheet. Nothing here
// refers to anything outside the page: no scripts, fonts or images.

#include <string>
#include <string_view>
#include <vector>

#include "senti/evidence.h"

namespace senti::html {

/// `text` safe inside an element or a quoted attribute: & < > " ' become entities.
std::string escape(std::string_view text);

/// Tokens joined back into text, each a <span> whose background opacity is its weight divided by
/// the largest weight (so the strongest token is fully shaded); the exact weight is in its title.
std::string attention_spans(const std::vector<std::string>& pieces,
                            const std::vector<float>& weights);

/// The TF-IDF model's evidence, word by word: each a <span> shaded green (for the label) or red
/// (against it), its opacity the value's size over the largest; the signed value is its title.
std::string evidence_spans(const std::vector<Evidence>& evidence);

/// `<!DOCTYPE html>` up to and including `<body>`, with the shared inline stylesheet.
std::string page_begin(const std::string& title);

/// Closes what page_begin opened.
std::string page_end();

/// A paragraph warning that attention weights show where the model looked, not why it decided
/// (Jain and Wallace 2019); `heads` says whether the shading is one head or a mean.
std::string attention_caution(int64_t heads);

/// A number with `decimals` places, for tables and charts ("0.8234").
std::string number(double value, int decimals = 4);

}  // namespace senti::html
