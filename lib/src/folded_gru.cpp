#include "senti/folded_gru.h"

#include <ATen/core/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "senti/cpu_clones.h"
#include "senti/error.h"
#include "senti/fast_tanh.h"
#include "senti/folding.h"
#include "senti/gru_gates.h"
#include "senti/softmax.h"

namespace senti {
namespace {

// One GRU step for one text (senti/gru_gates.h): `inputs` i = W_ih x + b_ih, `recurrent`
// W_hh h, `bias` b_hh. The arrays do not overlap (__restrict), which lets the loop be vectorized.
// Inlined into gru_cells, and so built for each of its targets.
inline __attribute__((always_inline)) void gru_cell(const float* __restrict inputs,
                                                    const float* __restrict recurrent,
                                                    const float* __restrict bias, int64_t hidden,
                                                    float* __restrict state,
                                                    float* __restrict output) {
  const float* i_r = inputs;
  const float* i_z = inputs + hidden;
  const float* i_n = inputs + 2 * hidden;
  const float* h_r = recurrent;
  const float* h_z = recurrent + hidden;
  const float* h_n = recurrent + 2 * hidden;
  const float* b_r = bias;
  const float* b_z = bias + hidden;
  const float* b_n = bias + 2 * hidden;
  for (int64_t j = 0; j < hidden; ++j) {
    const float next = gru_unit_step(i_r[j], i_z[j], i_n[j], h_r[j], h_z[j], h_n[j], b_r[j], b_z[j],
                                     b_n[j], state[j])
                           .next;
    state[j] = next;
    output[j] = next;
  }
}

// One GRU step for `rows` texts at once: text k's inputs at inputs[k], its W_hh h at
// recurrent + k * 3 * hidden, its state at state + k * hidden, its output to outputs[k]. One call
// per step, not one per text: the steps of different texts are independent, and in one loop the
// CPU overlaps one text's chain of gate arithmetic with the next one's.
SENTI_CPU_CLONES
void gru_cells(const float* const* inputs, const float* recurrent, const float* bias,
               int64_t hidden, int64_t rows, float* state, float* const* outputs) {
  for (int64_t k = 0; k < rows; ++k) {
    gru_cell(inputs[k], recurrent + k * 3 * hidden, bias, hidden, state + k * hidden, outputs[k]);
  }
}

// tanh(x W^T + b) in place on rows of width `width`, then each head's score v_h . row.
SENTI_CPU_CLONES
void score_rows(float* __restrict projected, int64_t rows, int64_t width,
                const float* __restrict bias, const float* __restrict scorer, int64_t heads,
                float* __restrict scores) {
  for (int64_t row = 0; row < rows; ++row) {
    float* values = projected + row * width;
    for (int64_t k = 0; k < width; ++k) values[k] = fast_tanh(values[k] + bias[k]);
    for (int64_t head = 0; head < heads; ++head) {
      const float* v = scorer + head * width;
      float score = 0.0f;
      for (int64_t k = 0; k < width; ++k) score += v[k] * values[k];
      scores[row * heads + head] = score;
    }
  }
}

// Asks the CPU to bring `count` floats from `data` into cache.
void prefetch(const float* data, int64_t count) {
  constexpr int64_t kLine = 64 / sizeof(float);
  for (int64_t i = 0; i < count; i += kLine) __builtin_prefetch(data + i, 0, 2);
}

// Per-thread scratch space, kept between calls so that a batch allocates nothing.
struct Workspace {
  std::vector<float> outputs;        // [tokens][2 * hidden]
  std::vector<float> state;          // [texts][hidden]
  std::vector<float> recurrent;      // [texts][3 * hidden]
  std::vector<float> projected;      // [tokens][attention_dim]
  std::vector<float> scores;         // [tokens][heads]
  std::vector<float> pooled;         // [heads * 2 * hidden]
  std::vector<float> weights;        // [tokens of one text]
  std::vector<const float*> inputs;  // per text running at a step: its row of the input table
  std::vector<float*> targets;       // per text running at a step: where its output goes
  std::vector<const int64_t*> ids;   // per text, in the order of the rows: its piece ids
  std::vector<size_t> sizes;         // ... how many
  std::vector<float*> outputs_of;    // ... where its first token's output goes
};

Workspace& workspace() {
  thread_local Workspace space;
  return space;
}

// A [rows, columns] LibTorch view of `data` (not owned).
torch::Tensor view(float* data, int64_t rows, int64_t columns) {
  return torch::from_blob(data, {rows, columns}, torch::kFloat32);
}

}  // namespace

FoldedGruModel::FoldedGruModel(const SentimentClassifierImpl& model) {
  if (!applies(model.options)) {
    throw Error("a model with encoder '" + model.options.encoder + "' and " +
                std::to_string(model.options.ngram_buckets) +
                " n-gram buckets cannot run as a folded GRU (only --encoder gru without "
                "--ngram-buckets can)");
  }
  torch::NoGradGuard no_grad;
  const auto& embeddings = model.embedding->weight;  // [vocab, dim]
  vocab_ = embeddings.size(0);
  heads_ = model.options.attention_heads;
  classes_ = model.options.num_classes;
  const auto parameters = model.gru->gru->named_parameters();
  const auto fold = [&](const std::string& suffix) {
    const auto w_ih = parameters["weight_ih_l0" + suffix].to(torch::kFloat32);
    const auto& w_hh = parameters["weight_hh_l0" + suffix];
    Direction direction;
    // e W_ih^T + b_ih for every piece at once (what nn::functional::linear computes), written
    // straight into the table: no table-sized temporary, and the table's pages are huge pages
    // where the kernel offers them (both cut start-up, docs/BENCHMARKS.md).
    const int64_t gates = w_ih.size(0);
    direction.inputs = HugePageFloats(static_cast<size_t>(vocab_ * gates));
    auto table = view(direction.inputs.data(), vocab_, gates);
    torch::addmm_out(table, parameters["bias_ih_l0" + suffix].to(torch::kFloat32),
                     embeddings.to(torch::kFloat32), w_ih.t());
    direction.recurrent = w_hh.to(torch::kFloat32).t().contiguous();
    if (PackedMatrix::available()) {
      direction.packed = PackedMatrix(direction.recurrent.data_ptr<float>(),
                                      direction.recurrent.size(0), direction.recurrent.size(1));
    }
    direction.bias = to_floats(parameters["bias_hh_l0" + suffix]);
    return direction;
  };
  forward_ = fold("");
  backward_ = fold("_reverse");
  hidden_ = forward_.recurrent.size(0);

  auto& pooling = *model.pooling;
  projection_ = pooling.projection->weight.to(torch::kFloat32).t().contiguous();
  attention_dim_ = projection_.size(1);
  if (PackedMatrix::available()) {
    packed_projection_ =
        PackedMatrix(projection_.data_ptr<float>(), projection_.size(0), attention_dim_);
  }
  projection_bias_ = to_floats(pooling.projection->bias);
  scorer_ = to_floats(pooling.scorer->weight);
  output_ = to_floats(model.output->weight);
  output_bias_ = to_floats(model.output->bias);
}

void FoldedGruModel::run_direction(const Direction& direction, bool reverse,
                                   const std::vector<const std::vector<int64_t>*>& texts,
                                   const std::vector<size_t>& order,
                                   const std::vector<size_t>& offsets, float* outputs) const {
  auto& space = workspace();
  const int64_t gates = 3 * hidden_;
  const auto count = static_cast<int64_t>(order.size());
  space.state.assign(static_cast<size_t>(count * hidden_), 0.0f);
  space.recurrent.resize(static_cast<size_t>(count * gates));
  space.inputs.resize(order.size());
  space.targets.resize(order.size());
  // Per row (text in `order`): its ids, its length, and where its outputs go.
  space.ids.resize(order.size());
  space.sizes.resize(order.size());
  space.outputs_of.resize(order.size());
  for (size_t row = 0; row < order.size(); ++row) {
    const auto& ids = *texts[order[row]];
    space.ids[row] = ids.data();
    space.sizes[row] = ids.size();
    space.outputs_of[row] = outputs + offsets[order[row]] * 2 * hidden_ + (reverse ? hidden_ : 0);
  }
  const size_t longest = space.sizes.front();
  // `order` runs from the longest text to the shortest: the texts still running at a step are
  // its first `active`.
  auto active = count;
  for (size_t step = 0; step < longest; ++step) {
    while (space.sizes[static_cast<size_t>(active - 1)] <= step) --active;
    // Each running text's token at this step, its row of the folded input table (3 * hidden
    // floats, at a random place in a table of several megabytes), and where its output goes.
    // Asking for every input row before the recurrent product lets memory deliver them while the
    // product runs.
    for (size_t row = 0; row < static_cast<size_t>(active); ++row) {
      const size_t position = reverse ? space.sizes[row] - 1 - step : step;
      const float* input = &direction.inputs[static_cast<size_t>(space.ids[row][position] * gates)];
      prefetch(input, gates);
      space.inputs[row] = input;
      space.targets[row] = space.outputs_of[row] + position * 2 * hidden_;
    }
    if (step == 0) {
      std::fill_n(space.recurrent.begin(), active * gates, 0.0f);  // W_hh 0
    } else if (direction.packed.rows() > 0) {
      direction.packed.multiply(space.state.data(), active, hidden_, space.recurrent.data(), gates);
    } else {
      auto product = view(space.recurrent.data(), active, gates);
      torch::mm_out(product, view(space.state.data(), active, hidden_), direction.recurrent);
    }
    gru_cells(space.inputs.data(), space.recurrent.data(), direction.bias.data(), hidden_, active,
              space.state.data(), space.targets.data());
  }
}

void FoldedGruModel::forward(const std::vector<const std::vector<int64_t>*>& texts, float* logits,
                             float* attention) const {
  if (texts.empty()) return;
  std::vector<size_t> offsets(texts.size() + 1, 0);
  for (size_t i = 0; i < texts.size(); ++i) {
    check_piece_ids(*texts[i], vocab_);
    offsets[i + 1] = offsets[i] + texts[i]->size();
  }
  std::vector<size_t> order(texts.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return texts[a]->size() > texts[b]->size(); });

  auto& space = workspace();
  const auto tokens = static_cast<int64_t>(offsets.back());
  const int64_t width = 2 * hidden_;
  space.outputs.resize(static_cast<size_t>(tokens * width));
  run_direction(forward_, /*reverse=*/false, texts, order, offsets, space.outputs.data());
  run_direction(backward_, /*reverse=*/true, texts, order, offsets, space.outputs.data());

  // Attention scores of every real token at once, then each text's softmax and weighted sum.
  space.projected.resize(static_cast<size_t>(tokens * attention_dim_));
  if (packed_projection_.rows() > 0) {
    packed_projection_.multiply(space.outputs.data(), tokens, width, space.projected.data(),
                                attention_dim_);
  } else {
    auto projected = view(space.projected.data(), tokens, attention_dim_);
    torch::mm_out(projected, view(space.outputs.data(), tokens, width), projection_);
  }
  space.scores.resize(static_cast<size_t>(tokens * heads_));
  score_rows(space.projected.data(), tokens, attention_dim_, projection_bias_.data(),
             scorer_.data(), heads_, space.scores.data());

  space.pooled.resize(static_cast<size_t>(heads_ * width));
  float* weights_out = attention;
  for (size_t i = 0; i < texts.size(); ++i) {
    const auto first = static_cast<int64_t>(offsets[i]);
    const auto length = static_cast<int64_t>(texts[i]->size());
    space.weights.resize(static_cast<size_t>(length));
    std::fill(space.pooled.begin(), space.pooled.end(), 0.0f);
    for (int64_t head = 0; head < heads_; ++head) {
      for (int64_t t = 0; t < length; ++t) {
        space.weights[t] = space.scores[(first + t) * heads_ + head];
      }
      softmax_in_place(space.weights.data(), space.weights.size());
      float* pooled = &space.pooled[static_cast<size_t>(head * width)];
      for (int64_t t = 0; t < length; ++t) {
        const float weight = space.weights[t];
        const float* vector = &space.outputs[static_cast<size_t>((first + t) * width)];
        for (int64_t k = 0; k < width; ++k) pooled[k] += weight * vector[k];
        if (weights_out != nullptr) weights_out[head * length + t] = weight;
      }
    }
    if (weights_out != nullptr) weights_out += heads_ * length;
    float* row = logits + i * static_cast<size_t>(classes_);
    for (int64_t c = 0; c < classes_; ++c) {
      const float* w = &output_[static_cast<size_t>(c * heads_ * width)];
      float sum = output_bias_[static_cast<size_t>(c)];
      for (int64_t k = 0; k < heads_ * width; ++k) sum += w[k] * space.pooled[k];
      row[c] = sum;
    }
  }
}

}  // namespace senti
