#pragma once

#include "senti/options.h"

namespace senti {

/// senti-train: reads the data, trains the tokenizer and the classifier, writes the model
/// directory and logs a summary. Throws senti::Error on bad input.
void run_train(const TrainOptions& options);

}  // namespace senti
