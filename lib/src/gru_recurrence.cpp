#include "senti/gru_recurrence.h"

#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "senti/cpu_clones.h"
#include "senti/gru_gates.h"

namespace senti {
namespace {

// Forward gates of `rows` sequences at one time step. Per row: `inputs` i (3H), `recurrent`
// W_hh h (3H), `previous` h (H); writes h' to `output` and keeps r, z, n and W_hn h + b_hn in
// `saved` (4H) for the backward pass.
SENTI_CPU_CLONES
void forward_gates(const float* __restrict inputs, const float* __restrict recurrent,
                   const float* __restrict bias, const float* __restrict previous, int64_t rows,
                   int64_t hidden, float* __restrict output, float* __restrict saved) {
  const int64_t h3 = 3 * hidden;
  for (int64_t row = 0; row < rows; ++row) {
    const float* i = inputs + row * h3;
    const float* g = recurrent + row * h3;
    const float* h = previous + row * hidden;
    float* out = output + row * hidden;
    float* s = saved + row * 4 * hidden;
    for (int64_t j = 0; j < hidden; ++j) {
      const auto step =
          gru_unit_step(i[j], i[hidden + j], i[2 * hidden + j], g[j], g[hidden + j],
                        g[2 * hidden + j], bias[j], bias[hidden + j], bias[2 * hidden + j], h[j]);
      out[j] = step.next;
      s[j] = step.r;
      s[hidden + j] = step.z;
      s[2 * hidden + j] = step.n;
      s[3 * hidden + j] = step.hn;
    }
  }
}

// Backward through the gates of `rows` sequences at one time step. `grad_output` is dL/dh' from
// the layer's output; `carried` dL/dh' from the later step that read h' (its first `carried_rows`
// rows; the others read `zeros`, a row of 0). Writes dL/di (3H) to `grad_inputs`, dL/d(W_hh h +
// b_hh) (3H) to `grad_recurrent`, and the direct part of dL/dh, z * dL/dh', to `grad_previous`.
SENTI_CPU_CLONES
void backward_gates(const float* __restrict grad_output, const float* __restrict carried,
                    int64_t carried_rows, const float* __restrict zeros,
                    const float* __restrict saved, const float* __restrict previous, int64_t rows,
                    int64_t hidden, float* __restrict grad_inputs, float* __restrict grad_recurrent,
                    float* __restrict grad_previous) {
  const int64_t h3 = 3 * hidden;
  for (int64_t row = 0; row < rows; ++row) {
    const float* dy = grad_output + row * hidden;
    const float* carry = row < carried_rows ? carried + row * hidden : zeros;
    const float* s = saved + row * 4 * hidden;
    const float* h = previous + row * hidden;
    float* di = grad_inputs + row * h3;
    float* dg = grad_recurrent + row * h3;
    float* dh = grad_previous + row * hidden;
    for (int64_t j = 0; j < hidden; ++j) {
      const float r = s[j], z = s[hidden + j], n = s[2 * hidden + j], hn = s[3 * hidden + j];
      const float d = dy[j] + carry[j];
      const float dn = d * (1.0f - z) * (1.0f - n * n);  // through tanh
      const float dz = d * (h[j] - n) * z * (1.0f - z);  // through the sigmoid
      const float dr = dn * hn * r * (1.0f - r);
      di[j] = dr;
      di[hidden + j] = dz;
      di[2 * hidden + j] = dn;
      dg[j] = dr;
      dg[hidden + j] = dz;
      dg[2 * hidden + j] = dn * r;
      dh[j] = d * z;
    }
  }
}

// Where each time step's rows start in the packed data, and the order the steps run in.
struct Steps {
  std::vector<int64_t> sizes, offsets, order;
  int64_t widest = 0;

  Steps(const torch::Tensor& batch_sizes, bool reverse) {
    const auto sizes_cpu = batch_sizes.to(torch::kCPU).to(torch::kLong).contiguous();
    sizes.assign(sizes_cpu.data_ptr<int64_t>(), sizes_cpu.data_ptr<int64_t>() + sizes_cpu.numel());
    int64_t offset = 0;
    for (const auto size : sizes) {
      offsets.push_back(offset);
      offset += size;
      widest = std::max(widest, size);
    }
    for (size_t t = 0; t < sizes.size(); ++t) order.push_back(static_cast<int64_t>(t));
    if (reverse) std::reverse(order.begin(), order.end());
  }
};

class GruRecurrence : public torch::autograd::Function<GruRecurrence> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx,
                               const torch::Tensor& input_gates, const torch::Tensor& weight_hh,
                               const torch::Tensor& bias_hh, const torch::Tensor& batch_sizes,
                               bool reverse) {
    const auto inputs = input_gates.contiguous();
    const auto weight = weight_hh.contiguous();
    const auto bias = bias_hh.contiguous();
    const int64_t tokens = inputs.size(0), hidden = weight.size(1);
    const Steps steps(batch_sizes, reverse);
    auto output = torch::empty({tokens, hidden}, inputs.options());
    auto previous = torch::zeros({tokens, hidden}, inputs.options());  // h before each row's step
    auto saved = torch::empty({tokens, 4 * hidden}, inputs.options());
    auto recurrent = torch::empty({steps.widest, 3 * hidden}, inputs.options());
    const auto weight_t = weight.t();
    float* out = output.data_ptr<float>();
    float* prev = previous.data_ptr<float>();
    int64_t last = -1;  // the step that ran before this one
    for (const int64_t t : steps.order) {
      const int64_t rows = steps.sizes[t], offset = steps.offsets[t];
      if (last >= 0) {
        // Sequences keep their row within a step (longest first), so h of row k at this step is
        // row k of the step before; sequences that start here keep h = 0.
        const int64_t kept = std::min(rows, steps.sizes[last]);
        std::memcpy(prev + offset * hidden, out + steps.offsets[last] * hidden,
                    sizeof(float) * static_cast<size_t>(kept * hidden));
      }
      auto step_recurrent = recurrent.narrow(0, 0, rows);
      torch::mm_out(step_recurrent, previous.narrow(0, offset, rows), weight_t);
      forward_gates(inputs.data_ptr<float>() + offset * 3 * hidden,
                    step_recurrent.data_ptr<float>(), bias.data_ptr<float>(),
                    prev + offset * hidden, rows, hidden, out + offset * hidden,
                    saved.data_ptr<float>() + offset * 4 * hidden);
      last = t;
    }
    ctx->save_for_backward({weight, previous, saved, batch_sizes});
    ctx->saved_data["reverse"] = reverse;
    return output;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto stored = ctx->get_saved_variables();
    const auto& weight = stored[0];
    const auto& previous = stored[1];
    const auto& saved = stored[2];
    const Steps steps(stored[3], ctx->saved_data["reverse"].toBool());
    const auto grad_output = grads[0].contiguous();
    const int64_t tokens = previous.size(0), hidden = previous.size(1);
    auto grad_inputs = torch::empty({tokens, 3 * hidden}, previous.options());
    auto grad_recurrent = torch::empty({tokens, 3 * hidden}, previous.options());
    // dL/dh for the rows of the step about to be processed, and the next one being made.
    auto carried = torch::empty({steps.widest, hidden}, previous.options());
    auto making = torch::empty({steps.widest, hidden}, previous.options());
    const auto zeros = torch::zeros({hidden}, previous.options());
    int64_t carried_rows = 0;
    for (auto step = steps.order.rbegin(); step != steps.order.rend(); ++step) {
      const int64_t rows = steps.sizes[*step], offset = steps.offsets[*step];
      backward_gates(
          grad_output.data_ptr<float>() + offset * hidden, carried.data_ptr<float>(), carried_rows,
          zeros.data_ptr<float>(), saved.data_ptr<float>() + offset * 4 * hidden,
          previous.data_ptr<float>() + offset * hidden, rows, hidden,
          grad_inputs.data_ptr<float>() + offset * 3 * hidden,
          grad_recurrent.data_ptr<float>() + offset * 3 * hidden, making.data_ptr<float>());
      // dL/dh += dL/d(W_hh h) W_hh, for the step that made h (it ran just before this one).
      auto made = making.narrow(0, 0, rows);
      made.addmm_(grad_recurrent.narrow(0, offset, rows), weight);
      std::swap(carried, making);
      carried_rows = rows;
    }
    // Over all steps at once: dL/dW_hh = sum of dL/d(W_hh h)^T h, dL/db_hh = the column sums.
    auto grad_weight = grad_recurrent.t().mm(previous);
    auto grad_bias = grad_recurrent.sum(0);
    return {grad_inputs, grad_weight, grad_bias, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor gru_recurrence(const torch::Tensor& input_gates, const torch::Tensor& weight_hh,
                             const torch::Tensor& bias_hh, const torch::Tensor& batch_sizes,
                             bool reverse) {
  TORCH_CHECK(input_gates.scalar_type() == torch::kFloat && input_gates.device().is_cpu(),
              "gru_recurrence: float32 CPU tensors only");
  TORCH_CHECK(
      input_gates.dim() == 2 && weight_hh.dim() == 2 && input_gates.size(1) == weight_hh.size(0) &&
          weight_hh.size(0) == 3 * weight_hh.size(1) && bias_hh.numel() == weight_hh.size(0),
      "gru_recurrence: shapes do not fit");
  return GruRecurrence::apply(input_gates, weight_hh, bias_hh, batch_sizes, reverse);
}

}  // namespace senti
