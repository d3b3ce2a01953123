// Replays every input under tests/fuzz/corpus/ (seeds and inputs that once crashed a fuzzer)
// through the fuzz targets, so the ordinary test run guards against regressions.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fixtures.h"
#include "fuzz/targets.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::pair<std::string, std::string>> corpus(const std::string& name) {
  std::vector<std::pair<std::string, std::string>> inputs;
  const fs::path dir = fs::path(SENTI_SOURCE_DIR) / "tests" / "fuzz" / "corpus" / name;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    inputs.emplace_back(entry.path().filename().string(),
                        std::string((std::istreambuf_iterator<char>(in)), {}));
  }
  return inputs;
}

}  // namespace

TEST_CASE("fuzz corpus: CSV inputs parse or fail cleanly", "[fuzz]") {
  const auto inputs = corpus("csv");
  REQUIRE(inputs.size() >= 5);
  for (const auto& [name, bytes] : inputs) {
    INFO(name);
    CHECK_NOTHROW(
        senti::fuzz::csv_one_input(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  }
}

TEST_CASE("fuzz corpus: model inputs load or fail cleanly", "[fuzz]") {
  auto small = senti::test::train_small_model(1);
  senti::test::TempDir dir;
  // With a TF-IDF part, as senti-train writes by default (the fuzzer's fixture has one too).
  std::vector<std::string> texts = senti::test::sample_texts();
  std::vector<int64_t> labels(texts.size());
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int64_t>(i % 2);
  senti::LinearOptions linear_options;
  linear_options.buckets = 4096;
  const senti::LinearPart linear{senti::fit_tfidf_model(texts, labels, 2, linear_options, 1), 0.5};
  senti::save_bundle(dir.file("model"), small.model, small.tokenizer, small.labels, 64,
                     {{"training", nlohmann::json::object()}, {"history", nlohmann::json::array()}},
                     linear);
  const auto inputs = corpus("model");
  REQUIRE(inputs.size() >= 4);
  for (const auto& [name, bytes] : inputs) {
    INFO(name);
    CHECK_NOTHROW(senti::fuzz::model_one_input(reinterpret_cast<const uint8_t*>(bytes.data()),
                                               bytes.size(), dir.file("model")));
  }
}
