#include "senti/utf8.h"

#include <cstdint>

namespace senti {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is not valid
// (overlong forms, surrogates and code points above U+10FFFF included).
size_t valid_sequence_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  const uint8_t lead = byte(i);
  if (lead < 0x80) return 1;
  size_t length;
  uint32_t code_point;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i + k) & 0x3F);
  }
  if ((length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000) ||
      (code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF) {
    return 0;
  }
  return length;
}

}  // namespace

std::string sanitize_utf8(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  size_t run = 0;  // start of the valid bytes not yet copied
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<uint8_t>(text[i]);
    if (lead != 0 && lead < 0x80) {
      ++i;
      continue;
    }
    const size_t length = lead == 0 ? 0 : valid_sequence_length(text, i);
    if (length > 0) {
      i += length;
      continue;
    }
    clean.append(text.substr(run, i - run));
    if (lead != 0) clean += "\xEF\xBF\xBD";  // NUL bytes are dropped, other bad bytes replaced
    run = ++i;
  }
  clean.append(text.substr(run));
  return clean;
}

bool is_clean_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<uint8_t>(text[i]);
    const size_t length = lead == 0 ? 0 : lead < 0x80 ? 1 : valid_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

size_t utf8_length(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return count;
}

std::string utf8_truncate(std::string_view text, size_t max_code_points) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<uint8_t>(text[i]) & 0xC0) != 0x80) {
      if (count == max_code_points) return std::string(text.substr(0, i));
      ++count;
    }
  }
  return std::string(text);
}

}  // namespace senti
