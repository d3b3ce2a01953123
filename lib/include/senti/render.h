#pragma once
// Showing tokens with their attention weights: ANSI-shaded for terminals, bracketed weights for
// plain text.

#include <string>
#include <vector>

namespace senti {

/// A SentencePiece piece as a person reads it: the word-boundary marker U+2581 becomes a space.
std::string display_piece(const std::string& piece);

/// Tokens joined back into text, each one's background shaded in proportion to its weight
/// relative to the largest weight (ANSI 256-colour escapes).
std::string shade_tokens_ansi(const std::vector<std::string>& pieces,
                              const std::vector<float>& weights);

/// Tokens with their weights in brackets, for pipes and logs: `not[0.41] good[0.32]`.
std::string annotate_tokens_plain(const std::vector<std::string>& pieces,
                                  const std::vector<float>& weights);

/// Mean over heads of [heads][tokens] weights.
std::vector<float> mean_over_heads(const std::vector<std::vector<float>>& weights);

}  // namespace senti
