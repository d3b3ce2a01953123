#pragma once
// senti's option and record structs as JSON (config.json, checkpoint state.json), read strictly.
//
// nlohmann's own conversions cast whatever number they find: a float where an integer belongs
// (say 1e300) would be converted with undefined behaviour, and a negative number would wrap into
// an unsigned field. read_json_field() refuses a value of the wrong kind or range instead, with
// senti::Error naming the key, and every from_json() here reads its fields through it.

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>

#include "senti/error.h"
#include "senti/options.h"

namespace senti {

struct EpochRecord;

/// Sets `field` from json[key] (which must exist): booleans from booleans, integers from integers
/// within the field's range, floating-point fields from numbers (or null, written for NaN),
/// strings from strings, anything else through its own from_json. Throws senti::Error naming the
/// key, or nlohmann's out_of_range when the key is missing.
template <typename T>
void read_json_field(const nlohmann::json& json, const char* key, T& field) {
  const auto& value = json.at(key);
  const auto refuse = [&](const char* expected) {
    throw Error(std::string("\"") + key + "\" must be " + expected + ", not " + value.dump());
  };
  if constexpr (std::is_same_v<T, bool>) {
    if (!value.is_boolean()) refuse("true or false");
    field = value.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    if (!value.is_number_integer()) refuse("an integer");
    if (value.is_number_unsigned()) {
      const auto number = value.get<uint64_t>();
      if (number > static_cast<uint64_t>(std::numeric_limits<T>::max()))
        refuse("a smaller integer");
      field = static_cast<T>(number);
    } else {
      const auto number = value.get<int64_t>();
      if constexpr (std::is_unsigned_v<T>) {
        if (number < 0) refuse("a non-negative integer");
      } else if (number < static_cast<int64_t>(std::numeric_limits<T>::min()) ||
                 number > static_cast<int64_t>(std::numeric_limits<T>::max())) {
        refuse("a smaller integer");
      }
      field = static_cast<T>(number);
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    if (value.is_null()) {  // how nlohmann writes NaN (a diverged loss)
      field = std::numeric_limits<T>::quiet_NaN();
      return;
    }
    if (!value.is_number()) refuse("a number");
    field = value.get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!value.is_string()) refuse("a string");
    field = value.get<std::string>();
  } else {
    value.get_to(field);
  }
}

void to_json(nlohmann::json& json, const DataOptions& value);
void from_json(const nlohmann::json& json, DataOptions& value);
void to_json(nlohmann::json& json, const TokenizerOptions& value);
void from_json(const nlohmann::json& json, TokenizerOptions& value);
void to_json(nlohmann::json& json, const ModelOptions& value);
void from_json(const nlohmann::json& json, ModelOptions& value);
void to_json(nlohmann::json& json, const TrainingOptions& value);
void from_json(const nlohmann::json& json, TrainingOptions& value);
void to_json(nlohmann::json& json, const LinearOptions& value);
void from_json(const nlohmann::json& json, LinearOptions& value);
/// All of TrainOptions but `resume` (how a run was started is not part of what it is).
void to_json(nlohmann::json& json, const TrainOptions& value);
void from_json(const nlohmann::json& json, TrainOptions& value);
void to_json(nlohmann::json& json, const EpochRecord& value);
void from_json(const nlohmann::json& json, EpochRecord& value);

}  // namespace senti
