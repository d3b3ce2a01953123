#include "senti/lazy_adamw.h"

#include <torch/optim/serialize.h>

#include <cmath>

namespace senti {

LazyAdamW::LazyAdamW(std::vector<torch::Tensor> params, torch::optim::AdamWOptions defaults)
    : Optimizer({torch::optim::OptimizerParamGroup(std::move(params))},
                std::make_unique<torch::optim::AdamWOptions>(defaults)) {}

torch::Tensor LazyAdamW::step(LossClosure closure) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss = {};
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  for (auto& group : param_groups_) {
    const auto& options = static_cast<const torch::optim::AdamWOptions&>(group.options());
    const double lr = options.lr(), decay = options.weight_decay(), eps = options.eps();
    const double beta1 = std::get<0>(options.betas()), beta2 = std::get<1>(options.betas());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      auto& slot = state_[c10::guts::to_string(p.unsafeGetTensorImpl())];
      if (!slot) {
        auto fresh = std::make_unique<torch::optim::AdamWParamState>();
        fresh->step(0);
        fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        slot = std::move(fresh);
      }
      auto& state = static_cast<torch::optim::AdamWParamState&>(*slot);
      state.step(state.step() + 1);
      const double correction1 = 1.0 - std::pow(beta1, static_cast<double>(state.step()));
      const double correction2 = 1.0 - std::pow(beta2, static_cast<double>(state.step()));
      auto& exp_avg = state.exp_avg();
      auto& exp_avg_sq = state.exp_avg_sq();

      if (!p.grad().is_sparse()) {
        const auto& grad = p.grad();
        if (decay != 0.0) p.mul_(1.0 - lr * decay);
        exp_avg.mul_(beta1).add_(grad, 1.0 - beta1);
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
        const auto denom = (exp_avg_sq.sqrt() / std::sqrt(correction2)).add_(eps);
        p.addcdiv_(exp_avg, denom, -lr / correction1);
        continue;
      }
      const auto grad = p.grad().coalesce();
      const auto rows = grad.indices().squeeze(0);
      const auto values = grad.values();
      auto weights = p.index_select(0, rows);
      auto m = exp_avg.index_select(0, rows).mul_(beta1).add_(values, 1.0 - beta1);
      auto v = exp_avg_sq.index_select(0, rows).mul_(beta2).addcmul_(values, values, 1.0 - beta2);
      if (decay != 0.0) weights.mul_(1.0 - lr * decay);
      weights.addcdiv_(m, (v.sqrt() / std::sqrt(correction2)).add_(eps), -lr / correction1);
      exp_avg.index_copy_(0, rows, m);
      exp_avg_sq.index_copy_(0, rows, v);
      p.index_copy_(0, rows, weights);
    }
  }
  return loss;
}

void LazyAdamW::save(torch::serialize::OutputArchive& archive) const {
  torch::optim::serialize<torch::optim::AdamWParamState, torch::optim::AdamWOptions>(archive,
                                                                                     *this);
}

void LazyAdamW::load(torch::serialize::InputArchive& archive) {
  torch::optim::serialize<torch::optim::AdamWParamState, torch::optim::AdamWOptions>(archive,
                                                                                     *this);
}

double clip_gradients(std::vector<torch::Tensor> params, double max_norm) {
  torch::NoGradGuard no_grad;
  double squares = 0.0;
  for (auto& p : params) {
    auto& grad = p.mutable_grad();
    if (!grad.defined()) continue;
    if (grad.is_sparse()) {
      grad = grad.coalesce();
      squares += grad.values().pow(2).sum().item<double>();
    } else {
      squares += grad.pow(2).sum().item<double>();
    }
  }
  const double norm = std::sqrt(squares);
  const double scale = max_norm / (norm + 1e-6);
  if (scale < 1.0) {
    for (auto& p : params) {
      auto& grad = p.mutable_grad();
      if (!grad.defined()) continue;
      if (grad.is_sparse()) {
        grad.values().mul_(scale);
      } else {
        grad.mul_(scale);
      }
    }
  }
  return norm;
}

}  // namespace senti
