#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "fixtures.h"
#include "senti/error.h"
#include "senti/predictor.h"

namespace fs = std::filesystem;

namespace {

nlohmann::json minimal_config() {
  return {{"training", {{"seed", 1}}}, {"history", nlohmann::json::array()}};
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("bundle: save and load give identical predictions", "[bundle]") {
  auto small = senti::test::train_small_model(2);
  senti::test::TempDir dir;
  const auto path = dir.file("model");
  senti::save_bundle(path, small.model, small.tokenizer, small.labels, 64, minimal_config());
  for (const char* file : {"config.json", "tokenizer.model", "weights.pt"}) {
    CHECK(fs::is_regular_file(fs::path(path) / file));
  }
  const auto bundle = senti::load_bundle(path);
  CHECK(bundle.labels.names() == small.labels.names());
  CHECK(bundle.max_tokens == 64);
  CHECK(bundle.config["format_version"] == senti::kBundleFormatVersion);

  small.model->eval();
  auto loaded = bundle.model;  // a holder copy: forward() is not const
  loaded->eval();
  const senti::Predictor predictor(senti::load_bundle(path));
  const std::vector<std::string> texts = {"The coffee was terrible", "The staff is brilliant", "x"};
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto ids = small.tokenizer.encode_for_model(texts[i], 64);
    CHECK(bundle.tokenizer.encode_for_model(texts[i], 64) == ids);
    torch::NoGradGuard no_grad;
    const auto expected = torch::softmax(small.model(senti::pad_batch({&ids})).logits, 1);
    // The loaded module computes bit for bit what the saved one did.
    CHECK(torch::equal(torch::softmax(loaded(senti::pad_batch({&ids})).logits, 1), expected));
    // The predictor may take a faster path (the folded GRU), equal up to float rounding.
    const auto predictions = predictor.predict({texts[i]}, /*with_attention=*/true);
    for (int64_t c = 0; c < 2; ++c) {
      CHECK(predictions[0].probabilities[c] ==
            Approx(expected[0][c].item<float>()).margin(1e-6).epsilon(1e-5));
    }
    CHECK(predictions[0].tokens.size() == ids.size());
    CHECK(predictions[0].attention.at(0).size() == ids.size());
  }
}

TEST_CASE("bundle: saving replaces a model but never an unrelated directory", "[bundle]") {
  auto small = senti::test::train_small_model(1);
  senti::test::TempDir dir;
  const auto path = dir.file("model");
  senti::save_bundle(path, small.model, small.tokenizer, small.labels, 64, minimal_config());
  auto config = minimal_config();
  config["marker"] = "second";
  senti::save_bundle(path, small.model, small.tokenizer, small.labels, 64, config);
  CHECK(senti::load_bundle(path).config["marker"] == "second");
  // Nothing is left behind beside the model.
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);

  const auto other = dir.file("photos");
  fs::create_directory(other);
  write_file(fs::path(other) / "cat.jpg", "meow");
  REQUIRE_THROWS_WITH(
      senti::save_bundle(other, small.model, small.tokenizer, small.labels, 64, minimal_config()),
      Catch::Contains("is a non-empty directory that is not a senti model"));
  const auto file = dir.write("plain.txt", "x");
  REQUIRE_THROWS_WITH(senti::check_output_dir(file), Catch::Contains("is not a directory"));
}

TEST_CASE("bundle: broken model directories give clear errors", "[bundle]") {
  auto small = senti::test::train_small_model(1);
  senti::test::TempDir dir;
  const fs::path good = dir.file("good");
  senti::save_bundle(good.string(), small.model, small.tokenizer, small.labels, 64,
                     minimal_config());
  const auto copy = [&](const std::string& name) {
    const fs::path target = dir.file(name);
    fs::copy(good, target);
    return target;
  };

  REQUIRE_THROWS_WITH(senti::load_bundle(dir.file("absent")), Catch::Contains("does not exist"));
  REQUIRE_THROWS_WITH(senti::load_bundle(dir.path().string()),
                      Catch::Contains("is not a senti model directory (no config.json)"));

  auto missing_weights = copy("no-weights");
  fs::remove(missing_weights / "weights.pt");
  REQUIRE_THROWS_WITH(senti::load_bundle(missing_weights.string()),
                      Catch::Contains("lacks weights.pt"));

  auto missing_tokenizer = copy("no-tokenizer");
  fs::remove(missing_tokenizer / "tokenizer.model");
  REQUIRE_THROWS_WITH(senti::load_bundle(missing_tokenizer.string()),
                      Catch::Contains("lacks tokenizer.model"));

  auto truncated = copy("truncated");
  const auto weights = read_file(truncated / "weights.pt");
  write_file(truncated / "weights.pt", weights.substr(0, weights.size() / 2));
  REQUIRE_THROWS_WITH(senti::load_bundle(truncated.string()),
                      Catch::Contains("weights.pt: damaged or replaced (checksum"));

  auto flipped = copy("flipped");
  auto bytes = weights;
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
  write_file(flipped / "weights.pt", bytes);
  REQUIRE_THROWS_WITH(senti::load_bundle(flipped.string()),
                      Catch::Contains("weights.pt: damaged or replaced"));

  auto swapped = copy("swapped-tokenizer");
  write_file(swapped / "tokenizer.model", read_file(good / "tokenizer.model") + "x");
  REQUIRE_THROWS_WITH(senti::load_bundle(swapped.string()),
                      Catch::Contains("tokenizer.model: damaged or replaced"));

  // Without recorded checksums the parsers themselves must still refuse a truncated file.
  auto unchecked = copy("unchecked");
  auto unchecked_config = nlohmann::json::parse(read_file(good / "config.json"));
  unchecked_config.erase("checksums");
  write_file(unchecked / "config.json", unchecked_config.dump());
  write_file(unchecked / "weights.pt", weights.substr(0, weights.size() / 2));
  REQUIRE_THROWS_WITH(senti::load_bundle(unchecked.string()),
                      Catch::Contains("cannot read weights"));

  auto float_dim = copy("float-dim");
  auto float_config = nlohmann::json::parse(read_file(good / "config.json"));
  float_config["model"]["embedding_dim"] = 1e300;
  write_file(float_dim / "config.json", float_config.dump());
  REQUIRE_THROWS_WITH(senti::load_bundle(float_dim.string()),
                      Catch::Contains("\"embedding_dim\" must be an integer"));

  auto garbage = copy("garbage");
  write_file(garbage / "config.json", "{not json");
  REQUIRE_THROWS_WITH(senti::load_bundle(garbage.string()), Catch::Contains("not valid JSON"));

  auto wrong_shape = copy("wrong-shape");
  write_file(wrong_shape / "config.json", R"({"format": "senti-model", "format_version": 1})");
  REQUIRE_THROWS_WITH(senti::load_bundle(wrong_shape.string()),
                      Catch::Contains("malformed model config"));

  auto config = nlohmann::json::parse(read_file(good / "config.json"));
  auto newer = copy("newer");
  config["format_version"] = 99;
  write_file(newer / "config.json", config.dump());
  REQUIRE_THROWS_WITH(senti::load_bundle(newer.string()),
                      Catch::Contains("model format version 99 is not supported"));

  config = nlohmann::json::parse(read_file(good / "config.json"));
  auto more_labels = copy("more-labels");
  config["labels"] = {"a", "b", "c"};
  config["model"]["num_classes"] = 3;
  write_file(more_labels / "config.json", config.dump());
  REQUIRE_THROWS_WITH(senti::load_bundle(more_labels.string()),
                      Catch::Contains("weights do not match config.json"));

  config = nlohmann::json::parse(read_file(good / "config.json"));
  auto label_count = copy("label-count");
  config["labels"] = {"a", "b", "c"};
  write_file(label_count / "config.json", config.dump());
  REQUIRE_THROWS_WITH(senti::load_bundle(label_count.string()),
                      Catch::Contains("lists 3 labels but the model has 2 classes"));
}
