#include <catch2/catch.hpp>

#include <cmath>

#include "senti/json_io.h"
#include "senti/trainer.h"

TEST_CASE("json io: option structs survive a round trip", "[json_io]") {
  senti::TrainOptions options;
  options.data.path = "reviews.tsv";
  options.data.strict = true;
  options.valid_split = 0.25;
  options.tokenizer.type = "bpe";
  options.tokenizer.max_bytes = 12345;
  options.model.encoder = "conv";
  options.model.attention_heads = 3;
  options.training.seed = 18446744073709551615ULL;  // the largest uint64_t
  options.training.learning_rate = 1e-4;
  options.resume = "not written";
  const nlohmann::json json = options;
  CHECK_FALSE(json.contains("resume"));
  const auto back = nlohmann::json::parse(json.dump()).get<senti::TrainOptions>();
  CHECK(back.data.path == "reviews.tsv");
  CHECK(back.data.strict);
  CHECK(back.valid_split == 0.25);
  CHECK(back.tokenizer.type == "bpe");
  CHECK(back.tokenizer.max_bytes == 12345);
  CHECK(back.model.encoder == "conv");
  CHECK(back.model.attention_heads == 3);
  CHECK(back.training.seed == 18446744073709551615ULL);
  CHECK(back.training.learning_rate == 1e-4);
  CHECK(back.resume.empty());
}

TEST_CASE("json io: values of the wrong kind or range are refused, naming the key", "[json_io]") {
  nlohmann::json model = senti::ModelOptions{};
  for (const auto& bad : {nlohmann::json(1e300), nlohmann::json(2.5), nlohmann::json("64"),
                          nlohmann::json(true), nlohmann::json(nullptr)}) {
    auto json = model;
    json["embedding_dim"] = bad;
    CHECK_THROWS_WITH(json.get<senti::ModelOptions>(),
                      Catch::Contains("\"embedding_dim\" must be an integer"));
  }
  int64_t small = 0;
  CHECK_THROWS_WITH(
      senti::read_json_field(nlohmann::json{{"n", 9223372036854775808ULL}}, "n", small),
      Catch::Contains("\"n\" must be a smaller integer"));
  uint64_t unsigned_value = 0;
  CHECK_THROWS_WITH(senti::read_json_field(nlohmann::json{{"seed", -1}}, "seed", unsigned_value),
                    Catch::Contains("\"seed\" must be a non-negative integer"));
  bool flag = false;
  CHECK_THROWS_WITH(senti::read_json_field(nlohmann::json{{"strict", 1}}, "strict", flag),
                    Catch::Contains("\"strict\" must be true or false"));
  std::string text;
  CHECK_THROWS_WITH(senti::read_json_field(nlohmann::json{{"encoder", 3}}, "encoder", text),
                    Catch::Contains("\"encoder\" must be a string"));
  double number = 0.0;
  CHECK_THROWS_WITH(senti::read_json_field(nlohmann::json{{"dropout", "0.3"}}, "dropout", number),
                    Catch::Contains("\"dropout\" must be a number"));
  CHECK_THROWS_AS(senti::read_json_field(nlohmann::json::object(), "dropout", number),
                  nlohmann::json::out_of_range);
  // Integers are fine where a float is expected.
  senti::read_json_field(nlohmann::json{{"dropout", 0}}, "dropout", number);
  CHECK(number == 0.0);
}

TEST_CASE("json io: a NaN in an epoch record comes back as NaN", "[json_io]") {
  senti::EpochRecord record;
  record.epoch = 4;
  record.train_loss = std::nan("");
  record.valid_accuracy = 0.8;
  const auto back = nlohmann::json::parse(nlohmann::json(record).dump()).get<senti::EpochRecord>();
  CHECK(back.epoch == 4);
  CHECK(std::isnan(back.train_loss));
  CHECK(back.valid_accuracy == 0.8);
}
