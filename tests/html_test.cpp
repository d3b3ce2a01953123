#include <catch2/catch.hpp>

#include <regex>

#include "senti/html.h"

namespace {

// The background opacities of the token spans, in order.
std::vector<double> opacities(const std::string& html) {
  static const std::regex alpha(R"(rgba\(234,88,12,([0-9.]+)\))");
  std::vector<double> values;
  for (std::sregex_iterator it(html.begin(), html.end(), alpha), end; it != end; ++it) {
    values.push_back(std::stod((*it)[1].str()));
  }
  return values;
}

}  // namespace

TEST_CASE("html: escape turns markup into text", "[html]") {
  CHECK(senti::html::escape("<script>alert('x') & \"y\"</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  CHECK(senti::html::escape("plain text, caf\xC3\xA9") == "plain text, caf\xC3\xA9");
}

TEST_CASE("html: token shading is proportional to the weights", "[html]") {
  const std::vector<std::string> pieces = {"\xE2\x96\x81not", "\xE2\x96\x81good", "!"};
  const auto html = senti::html::attention_spans(pieces, {0.2f, 0.6f, 0.15f});
  const auto alpha = opacities(html);
  REQUIRE(alpha.size() == 3);
  CHECK(alpha[1] == Approx(1.0));
  CHECK(alpha[0] == Approx(0.2 / 0.6).margin(0.001));
  CHECK(alpha[2] == Approx(0.15 / 0.6).margin(0.001));
  CHECK(html.find("title=\"0.6000\">good</span>") != std::string::npos);
  // Word starts become spaces between spans; a piece inside a word joins its neighbour.
  CHECK(html.find("</span> <span") != std::string::npos);
  CHECK(html.find("good</span><span") != std::string::npos);
}

TEST_CASE("html: tokens holding markup are escaped", "[html]") {
  const auto html = senti::html::attention_spans({"\xE2\x96\x81<script>", "&"}, {0.5f, 0.5f});
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;") != std::string::npos);
  CHECK(html.find(">&amp;</span>") != std::string::npos);
}

TEST_CASE("html: all-zero weights shade nothing", "[html]") {
  const auto alpha = opacities(senti::html::attention_spans({"a", "b"}, {0.0f, 0.0f}));
  CHECK(alpha == std::vector<double>{0.0, 0.0});
}

TEST_CASE("html: the page is complete and self-contained", "[html]") {
  const auto page = senti::html::page_begin("a <title>") + "<p>x</p>" + senti::html::page_end();
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("<title>a &lt;title&gt;</title>") != std::string::npos);
  CHECK(page.find("</html>") != std::string::npos);
  for (const char* external : {"<script", "<link", "src=", "@import", "url("}) {
    INFO(external);
    CHECK(page.find(external) == std::string::npos);
  }
}

TEST_CASE("html: the caution names its source and the head mode", "[html]") {
  CHECK(senti::html::attention_caution(1).find("single attention head") != std::string::npos);
  const auto caution = senti::html::attention_caution(4);
  CHECK(caution.find("mean of the model's 4 attention heads") != std::string::npos);
  CHECK(caution.find("Jain and Wallace 2019") != std::string::npos);
}
