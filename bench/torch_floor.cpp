// The start-up floor of any program linked to LibTorch: load the libraries, add two tensors,
// exit. bench/speed.py compares senti-predict's start-up against this.
#include <ATen/ATen.h>

#include <cstdio>

int main() {
  const auto a = at::ones({2});
  const auto sum = (a + a).sum().item<float>();
  std::printf("%g\n", sum);
  return sum == 4.0f ? 0 : 1;
}
