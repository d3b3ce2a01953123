#pragma once
// One GRU unit's step, the arithmetic shared by the folded inference (folded_gru.cpp) and the
// training recurrence (gru_recurrence.cpp). PyTorch's gate order r, z, n:
//   r = sigmoid(i_r + h_r), z = sigmoid(i_z + h_z), n = tanh(i_n + r * h_n),
//   h' = (1 - z) * n + z * h
// where i = W_ih x + b_ih and h_* = W_hh h + b_hh. Inline and branch-free, so that the callers'
// loops over units stay vectorized.

#include "senti/fast_tanh.h"

namespace senti {

struct GruUnitStep {
  float r, z, n;
  float hn;    ///< W_hn h + b_hn, which the backward pass needs
  float next;  ///< h'
};

/// `i_*`: the input gates; `g_*`: W_hh h; `b_*`: b_hh; `h`: the unit's previous state.
inline GruUnitStep gru_unit_step(float i_r, float i_z, float i_n, float g_r, float g_z, float g_n,
                                 float b_r, float b_z, float b_n, float h) {
  GruUnitStep step;
  step.r = fast_sigmoid(i_r + g_r + b_r);
  step.z = fast_sigmoid(i_z + g_z + b_z);
  step.hn = g_n + b_n;
  step.n = fast_tanh(i_n + step.r * step.hn);
  step.next = step.n + step.z * (h - step.n);
  return step;
}

}  // namespace senti
