#pragma once
// tanh and the logistic sigmoid for the array code paths' inner loops, written so that the
// compiler vectorizes them: a branch-free rational approximation (Eigen's generic_fast_tanh_float,
// a 13/6 minimax fit on [-7.9, 7.9], beyond which float tanh is +-1). Its error against std::tanh
// is a few float ulps (tests/fast_tanh_test.cpp); std::tanh is a library call per element.

namespace senti {

/// tanh(x) to within a few float ulps; +-1 for +-infinity, NaN for NaN (so that a NaN in a
/// model's weights reaches its loss, where training detects it).
inline float fast_tanh(float x) {
  constexpr float kClamp = 7.90531110763549805f;
  // Conditional expressions, not std::min/max: those return references, which keeps GCC from
  // vectorizing the callers' loops. Each comparison is false for NaN, which keeps x.
  const float high = x > kClamp ? kClamp : x;
  const float clamped = high < -kClamp ? -kClamp : high;
  const float x2 = clamped * clamped;
  float p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 - 8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  float q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return clamped * p / q;
}

/// 1 / (1 + exp(-x)), through tanh: sigmoid(x) = (1 + tanh(x / 2)) / 2.
inline float fast_sigmoid(float x) {
  return 0.5f + 0.5f * fast_tanh(0.5f * x);
}

}  // namespace senti
