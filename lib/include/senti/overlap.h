#pragma once
// How much of a validation set also sits inside the training texts. Phrase-level data (SST-2's
// training rows are phrases cut from the same sentences) and duplicated rows make validation
// scores optimistic, most of all for a model that memorises n-grams, so senti-train measures it.

#include <cstddef>
#include <string>
#include <vector>

namespace senti {

/// The share of `sample` rows, taken evenly from `rows`, whose text, lower-cased (ASCII) with runs
/// of whitespace as one space, occurs as a run of whole words inside some text of `corpus`
/// (an exact duplicate counts). 0 when `rows` is empty.
double share_inside(const std::vector<std::string>& corpus, const std::vector<std::string>& rows,
                    size_t sample = 200);

}  // namespace senti
