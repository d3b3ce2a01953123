#pragma once
// Showing tokens with their attention weights: ANSI-shaded for terminals, bracketed weights for
// plain text.

#include <string>
#include <vector>

#include "senti/evidence.h"

namespace senti {

/// A SentencePiece piece as a person reads it: the word-boundary marker U+2581 becomes a space.
std::string display_piece(const std::string& piece);

/// One token as shown to a person: its text without the word-boundary marker, whether a space
/// precedes it (it starts a word that is not the first), and its weight.
struct TokenView {
  std::string text;  ///< empty for a bare word-boundary piece
  bool space_before = false;
  float weight = 0.0f;  ///< 0 when `weights` is shorter than `pieces`
};

/// The pieces of one text as TokenViews, for every renderer (ANSI, plain, HTML).
std::vector<TokenView> token_views(const std::vector<std::string>& pieces,
                                   const std::vector<float>& weights);

/// Tokens joined back into text, each one's background shaded in proportion to its weight
/// relative to the largest weight (ANSI 256-colour escapes).
std::string shade_tokens_ansi(const std::vector<std::string>& pieces,
                              const std::vector<float>& weights);

/// Tokens with their weights in brackets, for pipes and logs: `not[0.41] good[0.32]`.
std::string annotate_tokens_plain(const std::vector<std::string>& pieces,
                                  const std::vector<float>& weights);

/// The TF-IDF model's evidence, word by word: `great[+0.84] film[+0.03] dull[-0.41]`, with two
/// decimals. With `color`, words for the label are green and words against it red, brighter for
/// larger values (ANSI 256-colour escapes), and the numbers are left out.
std::string annotate_evidence(const std::vector<Evidence>& evidence, bool color);

/// Mean over heads of [heads][tokens] weights.
std::vector<float> mean_over_heads(const std::vector<std::vector<float>>& weights);

}  // namespace senti
