#include "senti/overlap.h"

#include <algorithm>
#include <functional>
#include <string_view>

namespace senti {
namespace {

// Lower-cased ASCII, whitespace runs as one space, one space before and after: " a b c ".
void append_normalised(std::string_view text, std::string& out) {
  out.push_back(' ');
  bool space = true;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      if (!space) out.push_back(' ');
      space = true;
      continue;
    }
    out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    space = false;
  }
  if (!space) out.push_back(' ');
}

}  // namespace

double share_inside(const std::vector<std::string>& corpus, const std::vector<std::string>& rows,
                    size_t sample) {
  if (rows.empty() || sample == 0) return 0.0;
  // One haystack, texts separated by a newline (no normalised text holds one).
  std::string haystack;
  for (const auto& text : corpus) {
    append_normalised(text, haystack);
    haystack.push_back('\n');
  }
  const size_t count = std::min(sample, rows.size());
  size_t inside = 0;
  std::string needle;
  for (size_t k = 0; k < count; ++k) {
    needle.clear();
    append_normalised(rows[k * rows.size() / count], needle);
    if (needle.size() <= 1) continue;  // blank text says nothing
    const std::boyer_moore_horspool_searcher searcher(needle.begin(), needle.end());
    if (std::search(haystack.begin(), haystack.end(), searcher) != haystack.end()) ++inside;
  }
  return static_cast<double>(inside) / static_cast<double>(count);
}

}  // namespace senti
