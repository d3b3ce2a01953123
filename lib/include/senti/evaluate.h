#pragma once

#include <iosfwd>

#include "senti/options.h"

namespace senti {

/// senti-eval: predicts every row of the data, prints the metrics tables to `out` and writes the
/// optional JSON and error files. Throws senti::Error on bad input.
void run_eval(const EvalOptions& options, std::ostream& out);

}  // namespace senti
