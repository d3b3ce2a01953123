#pragma once
// Fuzz targets: each takes arbitrary bytes and must either succeed or throw senti::Error; any
// other exception, a crash or a sanitizer report is a bug. The libFuzzer mains (*_fuzzer.cpp)
// and the regression test that replays corpus/ (fuzz_regression_test.cpp) share them.

#include <cstddef>
#include <cstdint>
#include <string>

namespace senti::fuzz {

/// Byte 0 picks the delimiter, the rest is a CSV file: parsed, checked to survive csv_escape and
/// a second parse unchanged, then loaded as a labeled dataset (column detection included).
void csv_one_input(const uint8_t* data, size_t size);

/// Byte 0 picks a file of the model directory `fixture` (0: config.json, 1: weights.pt,
/// 2: tokenizer.model, 3: weights.pt cut short at a position taken from the input, 4: linear.pt,
/// 5: linear.pt cut short); the rest replaces it in a scratch copy, which is then loaded and, if
/// it loads, run on a sentence.
void model_one_input(const uint8_t* data, size_t size, const std::string& fixture);

}  // namespace senti::fuzz
