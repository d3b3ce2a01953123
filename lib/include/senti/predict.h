#pragma once

#include <iosfwd>

#include "senti/options.h"

namespace senti {

/// senti-predict: answers each line of --input, or of standard input (prompting when it is a
/// terminal), on `out`. Returns when the input ends or `out` is closed. Throws senti::Error on
/// bad input.
void run_predict(const PredictOptions& options, std::ostream& out);

}  // namespace senti
