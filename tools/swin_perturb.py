"""Perturbs a torchvision Swin's parameters away from their trivial initialisation (biases 0,
LayerNorms (1, 0), tiny position tables), which would hide bugs in those paths. Shared by
tools/goldens/make_swin_goldens.py and tools/export_torchvision.py; the order of random draws is
fixed (named_modules() order, torch's global RNG), so goldens regenerate byte-identically."""

import math

import torch
from torch import nn
from torchvision.models.swin_transformer import ShiftedWindowAttention, ShiftedWindowAttentionV2


def perturb(model):
    """In-place, float32: LayerNorm w = 1 + 0.1·randn, b = 0.1·randn; Linear/Conv bias 0.05·randn;
    v1 relative_position_bias_table 0.1·randn; v2 logit_scale log(10) + 0.2·randn."""
    with torch.no_grad():
        for _, m in model.named_modules():
            if isinstance(m, nn.LayerNorm):
                m.weight.copy_(1 + 0.1 * torch.randn_like(m.weight))
                m.bias.copy_(0.1 * torch.randn_like(m.bias))
            elif isinstance(m, (nn.Linear, nn.Conv2d)):
                if m.bias is not None:
                    m.bias.copy_(0.05 * torch.randn_like(m.bias))
            elif isinstance(m, ShiftedWindowAttentionV2):
                m.logit_scale.copy_(math.log(10.0) + 0.2 * torch.randn_like(m.logit_scale))
            elif isinstance(m, ShiftedWindowAttention):
                m.relative_position_bias_table.copy_(0.1 * torch.randn_like(m.relative_position_bias_table))
