#pragma once

#include <string>
#include <string_view>

namespace senti {

/// `text` with every byte sequence that is not valid UTF-8 replaced by U+FFFD and NUL bytes
/// removed, so that tokenizers and JSON writers only ever see valid text.
std::string sanitize_utf8(std::string_view text);

/// Whether sanitize_utf8(text) == text: valid UTF-8 without NUL bytes.
bool is_clean_utf8(std::string_view text);

/// Number of code points in valid UTF-8 `text` (for aligning terminal output).
size_t utf8_length(std::string_view text);

/// `text` cut to at most `max_code_points`, never inside a code point.
std::string utf8_truncate(std::string_view text, size_t max_code_points);

}  // namespace senti
