"""Autograd wrappers around the fused CUDA extension, with plain PyTorch fallbacks when it is not built."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.cuda.amp import custom_bwd, custom_fwd

try:
    import fused_ops_cuda  # built by `pip install -e .` (setup.py)
except ImportError:  # CPU-only dev boxes and CI: fall back to eager PyTorch
    fused_ops_cuda = None


class _FusedCrossEntropy(torch.autograd.Function):
    @staticmethod
    @custom_fwd(cast_inputs=torch.float32)
    def forward(ctx, logits, targets, ignore_index):
        mean_loss, _ = fused_ops_cuda.softmax_xent_forward(logits, targets, ignore_index)
        ctx.save_for_backward(logits, targets)
        ctx.ignore_index = ignore_index
        return mean_loss

    @staticmethod
    @custom_bwd
    def backward(ctx, grad_out):
        logits, targets = ctx.saved_tensors
        grad = torch.softmax(logits, dim=-1)
        valid = targets != ctx.ignore_index
        grad[valid, targets[valid]] -= 1.0
        grad[~valid] = 0.0
        return grad * (grad_out / logits.shape[0]), None, None


class _FusedLinear(torch.autograd.Function):
    @staticmethod
    @custom_fwd(cast_inputs=torch.float32)
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        ctx.has_bias = bias is not None
        return fused_ops_cuda.linear_forward(x, weight, bias)

    @staticmethod
    @custom_bwd
    def backward(ctx, grad_out):
        x, weight = ctx.saved_tensors
        grad_bias = grad_out.sum(0) if ctx.has_bias else None
        return grad_out @ weight, grad_out.t() @ x, grad_bias


def fused_cross_entropy(logits: torch.Tensor, targets: torch.Tensor, ignore_index: int = -100) -> torch.Tensor:
    """Mean token cross-entropy; the fused kernel when the extension is built and the inputs are on the GPU."""
    logits, targets = logits.reshape(-1, logits.shape[-1]), targets.reshape(-1)
    if fused_ops_cuda is None or not logits.is_cuda:
        return F.cross_entropy(logits.float(), targets, ignore_index=ignore_index, reduction="sum") / logits.shape[0]
    return _FusedCrossEntropy.apply(logits, targets, ignore_index)


def fused_linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """x @ weight.T + bias through cuBLAS (float32 accumulate even under autocast)."""
    shape = x.shape[:-1]
    x2d = x.reshape(-1, x.shape[-1])
    if fused_ops_cuda is None or not x.is_cuda:
        return F.linear(x2d, weight, bias).reshape(*shape, -1)
    return _FusedLinear.apply(x2d, weight, bias).reshape(*shape, -1)
