#include <catch2/catch.hpp>

#include "senti/render.h"

TEST_CASE("render: pieces read as words", "[render]") {
  CHECK(senti::display_piece("\xE2\x96\x81good") == " good");
  CHECK(senti::display_piece("ness") == "ness");
}

TEST_CASE("render: plain annotation puts weights in brackets", "[render]") {
  const std::vector<std::string> pieces = {"\xE2\x96\x81not", "\xE2\x96\x81good", "!"};
  CHECK(senti::annotate_tokens_plain(pieces, {0.5f, 0.25f, 0.25f}) ==
        "not[0.50] good[0.25]![0.25]");
}

TEST_CASE("render: a bare word-boundary piece keeps its marker", "[render]") {
  CHECK(senti::annotate_tokens_plain({"\xE2\x96\x81", "kept"}, {0.25f, 0.75f}) ==
        "\xE2\x96\x81[0.25]kept[0.75]");
}

TEST_CASE("render: ANSI shading is strongest on the heaviest token", "[render]") {
  const auto text = senti::shade_tokens_ansi({"\xE2\x96\x81"
                                              "a",
                                              "\xE2\x96\x81"
                                              "b"},
                                             {0.0f, 1.0f});
  CHECK(text.find("\033[48;5;236m\033[38;5;255ma") != std::string::npos);
  CHECK(text.find("\033[48;5;220m\033[38;5;16mb") != std::string::npos);
}

TEST_CASE("render: evidence is signed, green for and red against on a terminal", "[render]") {
  const std::vector<senti::Evidence> evidence = {{"great", 0.84f}, {"plot,", -0.413f}, {"a", 0.0f}};
  CHECK(senti::annotate_evidence(evidence, false) == "great[+0.84] plot,[-0.41] a[+0.00]");
  const auto shaded = senti::annotate_evidence(evidence, true);
  CHECK(shaded.find("\033[38;5;46mgreat\033[0m") != std::string::npos);   // strongest green
  CHECK(shaded.find("\033[38;5;210mplot,\033[0m") != std::string::npos);  // half as strong
  CHECK(shaded.find("\033[38;5;250ma\033[0m") != std::string::npos);      // grey: nothing
  CHECK(senti::annotate_evidence({}, false).empty());
}

TEST_CASE("render: mean over heads", "[render]") {
  CHECK(senti::mean_over_heads({{1.0f, 0.0f}, {0.0f, 1.0f}}) == std::vector<float>{0.5f, 0.5f});
}
