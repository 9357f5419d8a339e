#!/usr/bin/python3
"""Swin Transformer (v1 and v2) end-to-end golden tensors for umedpt's nn tests.

Regenerate (from the repository root):

    /usr/bin/python3 tools/goldens/make_swin_goldens.py            # write + verify + report
    /usr/bin/python3 tools/goldens/make_swin_goldens.py --check    # only re-read + verify
    /usr/bin/python3 tools/goldens/make_swin_goldens.py --no-info  # skip the swin_t/s/b param counts

Needs Debian's python3-torch (1.13) and python3-torchvision (0.14.1); use the system
interpreter /usr/bin/python3.  Output: nn/src/test/resources/goldens/swin_v1.safetensors
and swin_v2.safetensors.

Model
-----
torchvision.models.swin_transformer.SwinTransformer built directly with
patch_size=[4,4], embed_dim=12 (16 made swin_v2 1.6 MB; 12 keeps each file near 1 MB),
depths=[2,2,2], num_heads=[2,2,4], window_size=[4,4],
dropout=0, attention_dropout=0, stochastic_depth_prob=0, num_classes=5;
v1: block=SwinTransformerBlock, downsample_layer=PatchMerging, mlp_ratio=4.0;
v2: block=SwinTransformerBlockV2, downsample_layer=PatchMergingV2, mlp_ratio=2.0 (with 4.0
the v2 file was 1,108,192 bytes, over the repository's 1 MiB limit; see MLP_RATIO).
Input x (2,3,56,72): stage maps 14x18 -> 7x9 -> 4x5 (window padding 14x18->16x20,
7x9->8x12, 4x5->4x8; odd patch merging 7x9->4x5; in stage 3 the padded height equals
the window so torchvision clamps shift_size to [0, 2] for the shifted block).

Method
------
* torch.manual_seed(0) (global generator), then the model is constructed (float32,
  torchvision's init), then parameters are perturbed in float32, walking
  model.named_modules() in order:
    - nn.LayerNorm: weight = 1 + 0.1*randn, bias = 0.1*randn
    - nn.Linear / nn.Conv2d with a bias: bias = 0.05*randn (including the v2 qkv bias,
      whose k third torchvision zeroes at run time anyway, and cpb_mlp.0.bias)
    - ShiftedWindowAttention (v1): relative_position_bias_table = 0.1*randn
    - ShiftedWindowAttentionV2: logit_scale = log(10) + 0.2*randn
      (cpb_mlp weights stay as initialised: trunc_normal std 0.02)
  then x = randn(2,3,56,72), then r_stage1, r_stage2, r_stage3, r_pooled, r_logits
  (randn of the output shapes, in that order), all float32.
* model.double(); forward in float64 from those exact float32 values:
    f = x; for i, layer in enumerate(model.features): f = layer(f)
    stage1/2/3 = outputs of features[1], features[3], features[5]  (B,H,W,C)
    pooled = model.flatten(model.avgpool(model.permute(model.norm(f))))   (N, C)
    logits = model.head(pooled)                                           (N, 5)
  logits is verified bit-equal to model(x).
* L = sum_k sum(stage_k * r_k) + sum(pooled * r_pooled) + sum(logits * r_logits)
  where stage_k and r_k are in (N,C,H,W) layout; backward.

Tensors (all F32, rounded from float64 once)
--------------------------------------------
  input                  (2,3,56,72)
  weights.<name>         every model.state_dict() entry, torchvision's dotted names,
                         incl. buffers relative_position_index (int64 -> F32) and
                         (v2) relative_coords_table
  stage1, stage2, stage3 stage outputs permuted to (N,C,H,W)
  pooled (N,C), logits (N,5)
  seed.stage1..3, seed.pooled, seed.logits   the r_* above, same layout as outputs
  grad.input             dL/dx
  grad.<name>            dL/dp for every model.named_parameters() entry
__metadata__ (strings): config.* (the constructor arguments), mlp_ratio (same as
config.mlp_ratio; read by SwinGoldenTest), param_count, torch/torchvision versions, loss, method.
Layout: tools/safetensors_io.py (u64 LE header length, JSON header padded with spaces
to a multiple of 8, tensors sorted by name, contiguous offsets), as in make_goldens.py.
"""

import argparse
import os
import sys

import numpy as np
import torch
import torchvision
from torch import nn
from torchvision.models.swin_transformer import (
    PatchMerging,
    PatchMergingV2,
    SwinTransformer,
    SwinTransformerBlock,
    SwinTransformerBlockV2,
)

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402
from swin_perturb import perturb  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(REPO, "nn", "src", "test", "resources", "goldens")

CONFIG = {
    "patch_size": [4, 4],
    "embed_dim": 12,
    "depths": [2, 2, 2],
    "num_heads": [2, 2, 4],
    "window_size": [4, 4],
    "dropout": 0.0,
    "attention_dropout": 0.0,
    "stochastic_depth_prob": 0.0,
    "num_classes": 5,
}
# per variant: v2 uses 2.0 so that swin_v2.safetensors stays well under 1 MiB
MLP_RATIO = {"v1": 4.0, "v2": 2.0, "v1_onehead": 2.0, "v2_onehead": 2.0}
INPUT_SHAPE = (2, 3, 56, 72)
# One head in the first stage at batch 1: the shapes where a broadcast has size-1 axes on both
# sides (the shift mask over (B, nW, heads, N, N), v2's cosine normalisation).
ONE_HEAD = {"embed_dim": 8, "num_heads": [1, 2, 4]}
ONE_HEAD_INPUT_SHAPE = (1, 3, 56, 72)
STAGE_IDX = {"stage1": 1, "stage2": 3, "stage3": 5}
VARIANTS = {
    "v1": (SwinTransformerBlock, PatchMerging),
    "v2": (SwinTransformerBlockV2, PatchMergingV2),
    "v1_onehead": (SwinTransformerBlock, PatchMerging),
    "v2_onehead": (SwinTransformerBlockV2, PatchMergingV2),
}

# --------------------------------------------------------------------------
# model + goldens
# --------------------------------------------------------------------------


def config(variant):
    """The SwinTransformer constructor arguments (besides block/downsample_layer) of a variant."""
    c = {**CONFIG, "mlp_ratio": MLP_RATIO[variant]}
    if variant.endswith("_onehead"):
        c.update(ONE_HEAD)
    return c


def input_shape(variant):
    return ONE_HEAD_INPUT_SHAPE if variant.endswith("_onehead") else INPUT_SHAPE


def build(variant):
    block, down = VARIANTS[variant]
    return SwinTransformer(block=block, downsample_layer=down, **config(variant))


def forward_parts(model, x):
    """Returns dict stage1..3 (B,H,W,C), pooled, logits."""
    out = {}
    f = x
    for i, layer in enumerate(model.features):
        f = layer(f)
        for k, idx in STAGE_IDX.items():
            if i == idx:
                out[k] = f
    out["pooled"] = model.flatten(model.avgpool(model.permute(model.norm(f))))
    out["logits"] = model.head(out["pooled"])
    return out


def nchw(t):
    return t.permute(0, 3, 1, 2)


def run_case(model, x, seeds):
    """model/x/seeds all same dtype; returns (outputs NCHW dict, loss, x.grad, {param: grad})."""
    model.zero_grad(set_to_none=True)
    xx = x.detach().clone().requires_grad_()
    parts = forward_parts(model, xx)
    outs = {k: (nchw(v) if k.startswith("stage") else v) for k, v in parts.items()}
    loss = sum((outs[k] * seeds[k]).sum() for k in outs)
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters()}
    return outs, parts, loss.detach(), xx.grad.detach().clone(), grads


def make(variant, verbose=True):
    torch.manual_seed(0)
    model = build(variant)
    perturb(model)
    model.train()  # no dropout/stochastic depth anyway (all probabilities 0)
    x32 = torch.randn(*input_shape(variant))

    # output shapes (cheap float32 probe, no RNG use)
    with torch.no_grad():
        probe = forward_parts(model, x32)
    shapes = {k: tuple(nchw(v).shape) if k.startswith("stage") else tuple(v.shape) for k, v in probe.items()}
    seeds32 = {k: torch.randn(*shapes[k]) for k in ["stage1", "stage2", "stage3", "pooled", "logits"]}

    sd32 = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model64 = model.double()
    outs, parts, loss, gx, grads = run_case(model64, x32.double(), {k: v.double() for k, v in seeds32.items()})

    with torch.no_grad():
        full = model64(x32.double())
    assert torch.equal(full, parts["logits"].detach()), "logits != model(x)"

    if variant.startswith("v2"):
        for n, g in grads.items():
            if n.endswith("attn.qkv.bias"):
                L = g.numel() // 3
                assert torch.count_nonzero(g[L:2 * L]) == 0, f"{n}: k-part gradient not exactly 0"
                assert torch.count_nonzero(g[:L]) > 0 and torch.count_nonzero(g[2 * L:]) > 0, n

    entries = {"input": x32}
    for k, v in sd32.items():
        entries["weights." + k] = v.to(torch.float32)
    for k, v in outs.items():
        entries[k] = v.detach()
    for k, v in seeds32.items():
        entries["seed." + k] = v
    entries["grad.input"] = gx
    for n, g in grads.items():
        entries["grad." + n] = g

    n_params = sum(p.numel() for p in model64.parameters())
    block, down = VARIANTS[variant]
    meta = {
        "format": "umedpt-goldens-v1",
        "generator": "tools/goldens/make_swin_goldens.py",
        "model": "torchvision.models.swin_transformer.SwinTransformer",
        "variant": variant,
        "block": block.__name__,
        "downsample_layer": down.__name__,
        "norm_layer": "nn.LayerNorm(eps=1e-05)",
        "input_shape": ",".join(map(str, input_shape(variant))),
        "stage_shapes_nchw": ";".join(f"{k}={','.join(map(str, shapes[k]))}" for k in STAGE_IDX),
        "stages": "stage1=features[1], stage2=features[3], stage3=features[5] outputs (B,H,W,C) stored permuted to (N,C,H,W)",
        "pooled": "flatten(avgpool(permute(norm(features(x)))))",
        "logits": "head(pooled) == model(x) bit-exact in float64",
        "loss": repr(float(loss)),
        "loss_formula": "sum_k sum(stage_k*seed.stage_k) + sum(pooled*seed.pooled) + sum(logits*seed.logits)",
        "param_count": str(n_params),
        "mlp_ratio": str(MLP_RATIO[variant]),
        "seed": "0",
        "rng_order": "torch.manual_seed(0); construct; perturb (named_modules order); input; seed.stage1,2,3,pooled,logits",
        "perturbation": "LayerNorm w=1+0.1randn b=0.1randn; Linear/Conv bias=0.05randn; v1 relative_position_bias_table=0.1randn; v2 logit_scale=log(10)+0.2randn; cpb_mlp weights as initialised",
        "method": "float32 weights/inputs; forward and backward in float64 (model.double()); stored F32",
        "buffers": "relative_position_index (int64 in torch) stored as F32; v2 relative_coords_table stored",
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
    }
    for k, v in config(variant).items():
        meta["config." + k] = ",".join(map(str, v)) if isinstance(v, list) else str(v)

    info = {"model32_state": sd32, "x32": x32, "seeds32": seeds32, "outs64": outs, "gx64": gx,
            "grads64": grads, "loss": float(loss), "n_params": n_params, "shapes": shapes}
    if verbose:
        print(f"[{variant}] params {n_params}, loss {float(loss):.10g}, shapes {shapes}")
    return entries, meta, info


def check_file(path, entries=None, meta=None):
    m, t = read_safetensors(path, strict=True, only_dtype="F32")
    if entries is not None:
        assert set(t) == set(entries), set(t) ^ set(entries)
        assert m == dict(meta), "metadata mismatch"
        for k, v in entries.items():
            ref = v.detach().to(torch.float32).contiguous().numpy()
            assert ref.shape == t[k].shape and np.array_equal(ref, t[k]), k
    return m, t


def float32_check(variant, tensors):
    """Run the float32 model on the stored weights/input/seeds; compare with the stored (f64) goldens."""
    torch.manual_seed(123)
    model = build(variant)
    sd = {}
    for k, ref in model.state_dict().items():
        v = torch.from_numpy(tensors["weights." + k].copy())
        sd[k] = v.to(ref.dtype)
        if ref.dtype == torch.int64:
            assert torch.equal(sd[k], ref), k
        elif k.endswith("relative_coords_table"):
            assert torch.equal(sd[k], ref), k
    model.load_state_dict(sd)
    x = torch.from_numpy(tensors["input"].copy())
    seeds = {k[5:]: torch.from_numpy(v.copy()) for k, v in tensors.items() if k.startswith("seed.")}
    outs, _, loss, gx, grads = run_case(model, x, seeds)

    def rel(a, b):
        b = np.asarray(b, dtype=np.float64)
        return float(np.max(np.abs(np.asarray(a, dtype=np.float64) - b)) / max(np.max(np.abs(b)), 1e-30))

    errs = {k: rel(outs[k].detach().numpy(), tensors[k]) for k in ["stage1", "stage2", "stage3", "pooled", "logits"]}
    errs["grad.input"] = rel(gx.numpy(), tensors["grad.input"])
    gerrs = {n: rel(g.numpy(), tensors["grad." + n]) for n, g in grads.items()}
    worst = max(gerrs, key=gerrs.get)
    return errs, gerrs, worst


def info_report():
    from torchvision.models import swin_b, swin_s, swin_t, swin_v2_t

    torch.manual_seed(0)
    print("\n## torchvision parameter counts (num_classes=1000)")
    for name, fn in [("swin_t", swin_t), ("swin_v2_t", swin_v2_t), ("swin_s", swin_s), ("swin_b", swin_b)]:
        m = fn()
        print(f"  {name:10s} {sum(p.numel() for p in m.parameters()):>11,d}")
        if name in ("swin_t", "swin_v2_t"):
            pnames = {n for n, _ in m.named_parameters()}
            print(f"  {name} state_dict keys under features.1.0 (P=parameter, B=buffer):")
            for k, v in m.state_dict().items():
                if k.startswith("features.1.0."):
                    kind = "P" if k in pnames else "B"
                    print(f"    {kind} {k:55s} {tuple(v.shape)} {str(v.dtype).replace('torch.', '')}")
        del m


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only re-read and verify existing files")
    ap.add_argument("--no-info", action="store_true", help="skip the torchvision swin_t/s/b report")
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    for variant in VARIANTS:
        path = os.path.join(OUT_DIR, f"swin_{variant}.safetensors")
        if args.check:
            meta, tensors = check_file(path)
        else:
            entries, meta, info = make(variant)
            write_safetensors(path, entries, meta)
            meta, tensors = check_file(path, entries, meta)
        print(f"[{variant}] {path}: {os.path.getsize(path):,d} bytes, {len(tensors)} tensors, "
              f"param_count {meta['param_count']}, loss {meta['loss']}")
        for k in tensors:
            if "relative_position_index" in k or "relative_coords_table" in k:
                if ".features.1.0." in k or k.startswith("weights.features.1.0."):
                    print(f"    buffer {k} {list(tensors[k].shape)}")
        errs, gerrs, worst = float32_check(variant, tensors)
        print(f"[{variant}] float32 model vs float64 goldens, max|f32-f64|/max|f64|:")
        for k, e in errs.items():
            print(f"    {k:12s} {e:.3e}")
        print(f"    worst param grad: grad.{worst} {gerrs[worst]:.3e}; "
              f"median param grad {float(np.median(list(gerrs.values()))):.3e}")
        if variant.startswith("v2"):
            ks = [k for k in tensors if k.startswith("grad.") and k.endswith("attn.qkv.bias")]
            for k in ks:
                g = tensors[k]
                L = g.shape[0] // 3
                assert not np.any(g[L:2 * L]), k
            print(f"    qkv bias k-part gradients exactly 0 in {len(ks)} blocks")
    if not args.check and not args.no_info:
        info_report()
    print("all checks passed")


if __name__ == "__main__":
    sys.exit(main())
