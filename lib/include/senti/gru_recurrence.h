#pragma once
// The recurrent half of a GRU layer, forward and backward, on plain arrays.
//
// LibTorch's CPU GRU over packed sequences runs every time step as a dozen small autograd
// operations (two matrix products, the gate arithmetic, gradient sums for W_ih and W_hh per step),
// and their dispatch and bookkeeping, not arithmetic, was most of a training step. Here the input
// projection W_ih x + b_ih is left to the caller as one matrix product over all tokens, and the
// recurrence is one autograd node: per time step one BLAS product and one fused gate loop, forward
// and backward; the gradients of W_hh and b_hh are one product and one sum over all steps at the
// end. The gates use senti/fast_tanh.h, as the folded inference does (senti/folded_gru.h).

#include <torch/types.h>

namespace senti {

/// One direction of a GRU layer (PyTorch's gate order r, z, n) over packed sequences:
///   r = sigmoid(i_r + W_hr h + b_hr), z = sigmoid(i_z + W_hz h + b_hz),
///   n = tanh(i_n + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h,   h = 0 before the first step.
/// `input_gates` [tokens, 3 * hidden] holds i = W_ih x + b_ih for every token, rows in the order of
/// a PackedSequence's data (time step by time step, each step's sequences longest first);
/// `batch_sizes` (int64, CPU) is that PackedSequence's batch_sizes. `weight_hh` [3 * hidden,
/// hidden] and `bias_hh` [3 * hidden] are the layer's. With `reverse`, each sequence is read from
/// its last token to its first. Returns h' for every token, [tokens, hidden], in the same row
/// order; differentiable with respect to input_gates, weight_hh and bias_hh. Float32 on the CPU.
torch::Tensor gru_recurrence(const torch::Tensor& input_gates, const torch::Tensor& weight_hh,
                             const torch::Tensor& bias_hh, const torch::Tensor& batch_sizes,
                             bool reverse);

}  // namespace senti
