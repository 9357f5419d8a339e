#!/usr/bin/python3
"""Golden-tensor generator for umedpt's Java tests.

Regenerate (from the repository root):

    /usr/bin/python3 tools/goldens/make_goldens.py            # write + verify
    /usr/bin/python3 tools/goldens/make_goldens.py --check    # only re-read + verify

Needs Debian's python3-torch, python3-torchvision, python3-numpy (use the system
interpreter /usr/bin/python3).  Output: tensor/src/test/resources/goldens/*.safetensors

Method (every op file)
----------------------
* One fixed generator per file: torch.Generator().manual_seed(0); draws happen in
  the order written in the code (inputs in order, then dy).
* Inputs are drawn as float32.  Forward and backward are computed in float64 from
  those exact float32 values (x.double().requires_grad_()), with an upstream
  gradient dy (float32 randn of y's shape, used as double) and backward of
  (y * dy).sum().  Everything is stored as F32 (rounded from float64 once).
* Outputs with 0 dimensions (losses, sum_all, mean_all) are stored with
  safetensors shape [] (0-d, one element), and their dy is the 0-d scalar 1.7.
* Integer targets / indices are stored as F32 holding integral values.
* Names: inputs x, w, b, t (targets), idx (matmul/concat: a, b); upstream grad dy;
  output y; gradients d<input> (dx, dw, db, da).  Only differentiable inputs get
  a gradient (no dt, no didx; cross-entropy's class weights w get none either).
* Files with several cases prefix tensor names AND metadata keys with
  "<case>." (e.g. exp.x, exp.y, exp.dy, exp.dx; metadata "c1.stride").  Single-case
  files (layernorm, gelu, roll, index_select, dtypes) use bare names and keys.
* Every file's __metadata__ also has: format, generator, seed, method,
  torch_version, cases (comma list), and per case "<case>.op" (the torch call).
  All metadata values are strings.

Safetensors layout (tools/safetensors_io.py, no safetensors package): u64 little-endian
header length N, then N bytes of JSON ({"__metadata__": {...}, name: {"dtype",
"shape", "data_offsets":[begin,end]}, ...}) padded with spaces so N % 8 == 0,
then the raw little-endian data; tensors sorted by name, offsets contiguous
from 0.

Cases and parameters (metadata keys in brackets)
------------------------------------------------
| file                 | case        | tensors / shapes                                   | op and parameters |
|----------------------|-------------|----------------------------------------------------|-------------------|
| layernorm            | (single)    | x(2,7,33) w(33) b(33) -> y(2,7,33); dx dw db       | F.layer_norm over last dim [normalized_shape=33, eps=1e-05]; w,b randn |
| gelu                 | (single)    | x(7,65) -> y; dx                                   | F.gelu [approximate=none] (exact erf) |
| softmax              | softmax     | x(3,5,17) -> y; dx                                 | F.softmax [dim=-1] |
|                      | log_softmax | x(3,5,17) -> y; dx                                 | F.log_softmax [dim=-1] |
| unary                | exp         | x(5,13) = randn*0.5                                | torch.exp |
|                      | log         | x(5,13) = rand+0.1                                 | torch.log |
|                      | sqrt        | x(5,13) = rand+0.1                                 | torch.sqrt |
|                      | tanh        | x(5,13) randn                                      | torch.tanh |
|                      | sigmoid     | x(5,13) randn                                      | torch.sigmoid |
|                      | relu        | x(5,13) randn, |x|<1e-3 replaced by 0.5            | torch.relu |
| reduce               | sum_last    | x(4,7,9) -> y(4,7)                                 | x.sum(-1) [dim=-1] |
|                      | mean_last   | x(4,7,9) -> y(4,7)                                 | x.mean(-1) [dim=-1] |
|                      | max_last    | x(4,7,9) distinct values -> y(4,7)                 | x.max(-1).values [dim=-1] |
|                      | sum_all     | x(4,7) -> y[] (0-d), dy = 1.7                      | x.sum() |
|                      | mean_all    | x(4,7) -> y[] (0-d), dy = 1.7                      | x.mean() |
| matmul               | mm          | a(5,7) b(7,4) -> y(5,4); da db                     | a @ b |
|                      | bmm         | a(3,5,7) b(3,7,4) -> y(3,5,4); da db               | torch.bmm(a, b) |
|                      | mm_tb       | a(5,7) b(4,7) -> y(5,4); da db                     | a @ b.T  [transpose_b=true] |
|                      | bmm_ta      | a(3,7,5) b(3,7,4) -> y(3,5,4); da db               | a.transpose(-1,-2) @ b [transpose_a=true] |
| conv2d               | c1          | x(2,3,9,11) w(5,3,3,3) b(5) -> y(2,5,5,6)          | F.conv2d [stride=2, padding=1, dilation=1, groups=1] |
|                      | c2          | x(1,3,16,12) w(8,3,4,4) b(8) -> y(1,8,4,3)         | F.conv2d [stride=4, padding=0, dilation=1, groups=1] (patch embed) |
|                      | c3          | x(2,4,7,7) w(6,4,1,1) b(6) -> y(2,6,7,7)           | F.conv2d [stride=1, padding=0, dilation=1, groups=1] |
|                      | c4          | x(2,6,5,7) w(20,6,3,3) b(20) -> y(2,20,5,7)        | F.conv2d [stride=1, padding=1, dilation=1, groups=1] (same, 20 out) |
| pool                 | maxpool     | x(2,3,9,11) distinct values -> y(2,3,5,6)          | F.max_pool2d [kernel=3, stride=2, padding=1] (pad = -inf) |
|                      | avgpool     | x(2,3,8,10) -> y(2,3,4,5)                          | F.avg_pool2d [kernel=2, stride=2, padding=0] |
|                      | avgpool_pad | x(2,3,9,11) -> y(2,3,5,6)                          | F.avg_pool2d [kernel=3, stride=2, padding=1, count_include_pad=true] |
|                      | gap         | x(2,5,3,7) -> y(2,5)                               | F.adaptive_avg_pool2d(x, 1).flatten(1) |
| resize               | bilinear_up | x(2,3,5,7) -> y(2,3,10,14)                         | F.interpolate [size=10,14, mode=bilinear, align_corners=false] |
|                      | bilinear_odd| x(2,3,5,7) -> y(2,3,9,4)                           | F.interpolate [size=9,4, mode=bilinear, align_corners=false] |
|                      | nearest_up  | x(2,3,5,7) -> y(2,3,10,14)                         | F.interpolate [size=10,14, mode=nearest] |
|                      | nearest_odd | x(2,3,5,7) -> y(2,3,3,11)                          | F.interpolate [size=3,11, mode=nearest] |
| roll                 | (single)    | x(2,7,9,3) -> y; dx                                | torch.roll [shifts=-3,-2, dims=1,2] |
| losses               | ce_mean_w   | x(6,5) t(6) (t[2] = -1) w(5) -> y[]; dx            | F.cross_entropy [weight=w, ignore_index=-1, reduction=mean] (sum w[t]*nll / sum w[t]) |
|                      | ce_sum      | x(6,5) t(6) -> y[]; dx                             | F.cross_entropy [reduction=sum] |
|                      | bce         | x(4,7) t(4,7) in {0,1} -> y[]; dx                  | F.binary_cross_entropy_with_logits [reduction=mean] |
|                      | bce_soft    | x(4,7) t(4,7) = rand -> y[]; dx                    | F.binary_cross_entropy_with_logits [reduction=sum] |
|                      | focal       | x(4,7) = randn*2, t(4,7) in {0,1} -> y[]; dx       | torchvision.ops.sigmoid_focal_loss [alpha=0.25, gamma=2, reduction=sum] |
| index_select         | (single)    | x(13,3) idx(20) in [0,13) with repeats -> y(20,3)  | x.index_select(0, idx) [dim=0]; dx (scatter-add) |
| misc                 | permute     | x(2,3,4,5) -> y(2,4,5,3); dx                       | x.permute [dims=0,2,3,1] |
|                      | concat      | a(2,3,4) b(2,5,4) -> y(2,8,4); da db               | torch.cat [dim=1] |
|                      | slice       | x(4,9,3) -> y(4,5,3); dx                           | x[:, 2:7, :] [dim=1, start=2, end=7] |
| dtypes               | (single)    | f32 (3,5) F32, f16 F16, bf16 BF16,                 | v.half(), v.bfloat16() (round to nearest even); |
|                      |             | f16_as_f32, bf16_as_f32 (F32)                      | *_as_f32 = v.half().float() / v.bfloat16().float() |

dtypes: row 0 of v holds special values (0, -0, 1, 1+2^-11 (f16 tie),
1+2^-8 (bf16 tie), f16 max 65504, an f16 subnormal 3e-6, -2.5e-5; see
DTYPE_SPECIALS); the rest is randn*4.  No inf/NaN.
"""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
import torchvision.ops

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from safetensors_io import decode, read_raw, tensor_entry, write_safetensors  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(REPO, "tensor", "src", "test", "resources", "goldens")

SCALAR_DY = 1.7

COMMON_META = {
    "format": "umedpt-goldens-v1",
    "generator": "tools/goldens/make_goldens.py",
    "seed": "0",
    "method": "inputs drawn float32; forward and backward of (y*dy).sum() in float64; stored F32",
    "torch_version": torch.__version__,
}

# --------------------------------------------------------------------------
# golden machinery
# --------------------------------------------------------------------------


class GoldenFile:
    def __init__(self, name):
        self.name = name
        self.g = torch.Generator().manual_seed(0)
        self.entries = {}
        self.meta = dict(COMMON_META)
        self.cases = []

    # random draws (float32)
    def randn(self, *shape):
        return torch.randn(*shape, generator=self.g, dtype=torch.float32)

    def rand(self, *shape):
        return torch.rand(*shape, generator=self.g, dtype=torch.float32)

    def randint(self, lo, hi, shape):
        return torch.randint(lo, hi, shape, generator=self.g).to(torch.float32)

    def distinct(self, *shape, scale=1.0 / 16):
        """Distinct float32 values (a shuffled grid), exact in F32: no ties."""
        n = int(np.prod(shape))
        p = torch.randperm(n, generator=self.g).to(torch.float32)
        return ((p - n / 2) * scale).reshape(shape)

    def case(self, case, fn, inputs, diff, params, const=None):
        """inputs: name -> float32 tensor (stored, passed to fn as float64);
        diff: names that get gradients; const: name -> tensor passed as-is to fn
        (not converted, e.g. long targets), not stored; params: metadata."""
        prefix = "" if case is None else case + "."
        args = {}
        for k, v in inputs.items():
            assert v.dtype == torch.float32, k
            a = v.double()
            if k in diff:
                a.requires_grad_()
            args[k] = a
        if const:
            args.update(const)
        y = fn(**args)
        if y.dim() == 0:
            dy = torch.tensor(SCALAR_DY, dtype=torch.float32)
        else:
            dy = self.randn(*y.shape)
        (y * dy.double()).sum().backward()
        for k, v in inputs.items():
            self._put(prefix + k, v)
        self._put(prefix + "dy", dy)
        self._put(prefix + "y", y)
        for k in diff:
            assert args[k].grad is not None, k
            self._put(prefix + "d" + k, args[k].grad)
        for k, v in params.items():
            self.meta[prefix + k] = str(v)
        self.cases.append(case if case is not None else self.name)
        return args, y

    def _put(self, name, t, dtype="F32"):
        assert name not in self.entries, name
        self.entries[name] = tensor_entry(t, dtype)

    def write(self):
        self.meta["cases"] = ",".join(self.cases)
        path = os.path.join(OUT_DIR, self.name + ".safetensors")
        write_safetensors(path, self.entries, self.meta)
        return path


# --------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------


def f_layernorm():
    gf = GoldenFile("layernorm")
    x, w, b = gf.randn(2, 7, 33), gf.randn(33), gf.randn(33)
    gf.case(None, lambda x, w, b: F.layer_norm(x, (33,), w, b, eps=1e-5),
            {"x": x, "w": w, "b": b}, ["x", "w", "b"],
            {"op": "F.layer_norm", "normalized_shape": 33, "eps": "1e-05", "dim": -1})
    return gf


def f_gelu():
    gf = GoldenFile("gelu")
    gf.case(None, lambda x: F.gelu(x, approximate="none"), {"x": gf.randn(7, 65)}, ["x"],
            {"op": "F.gelu", "approximate": "none"})
    return gf


def f_softmax():
    gf = GoldenFile("softmax")
    gf.case("softmax", lambda x: F.softmax(x, dim=-1), {"x": gf.randn(3, 5, 17)}, ["x"],
            {"op": "F.softmax", "dim": -1})
    gf.case("log_softmax", lambda x: F.log_softmax(x, dim=-1), {"x": gf.randn(3, 5, 17)}, ["x"],
            {"op": "F.log_softmax", "dim": -1})
    return gf


def f_unary():
    gf = GoldenFile("unary")
    gf.case("exp", torch.exp, {"x": gf.randn(5, 13) * 0.5}, ["x"],
            {"op": "torch.exp", "input": "randn*0.5"})
    gf.case("log", torch.log, {"x": gf.rand(5, 13) + 0.1}, ["x"],
            {"op": "torch.log", "input": "rand+0.1"})
    gf.case("sqrt", torch.sqrt, {"x": gf.rand(5, 13) + 0.1}, ["x"],
            {"op": "torch.sqrt", "input": "rand+0.1"})
    gf.case("tanh", torch.tanh, {"x": gf.randn(5, 13)}, ["x"], {"op": "torch.tanh", "input": "randn"})
    gf.case("sigmoid", torch.sigmoid, {"x": gf.randn(5, 13)}, ["x"],
            {"op": "torch.sigmoid", "input": "randn"})
    x = gf.randn(5, 13)
    x = torch.where(x.abs() < 1e-3, torch.full_like(x, 0.5), x)
    gf.case("relu", torch.relu, {"x": x}, ["x"],
            {"op": "torch.relu", "input": "randn, |x|<1e-3 replaced by 0.5"})
    return gf


def f_reduce():
    gf = GoldenFile("reduce")
    gf.case("sum_last", lambda x: x.sum(-1), {"x": gf.randn(4, 7, 9)}, ["x"],
            {"op": "x.sum(-1)", "dim": -1, "keepdim": "false"})
    gf.case("mean_last", lambda x: x.mean(-1), {"x": gf.randn(4, 7, 9)}, ["x"],
            {"op": "x.mean(-1)", "dim": -1, "keepdim": "false"})
    gf.case("max_last", lambda x: x.max(-1).values, {"x": gf.distinct(4, 7, 9)}, ["x"],
            {"op": "x.max(-1).values", "dim": -1, "keepdim": "false", "input": "distinct values"})
    gf.case("sum_all", lambda x: x.sum(), {"x": gf.randn(4, 7)}, ["x"],
            {"op": "x.sum()", "y_shape": "[] (0-d)", "dy": SCALAR_DY})
    gf.case("mean_all", lambda x: x.mean(), {"x": gf.randn(4, 7)}, ["x"],
            {"op": "x.mean()", "y_shape": "[] (0-d)", "dy": SCALAR_DY})
    return gf


def f_matmul():
    gf = GoldenFile("matmul")
    gf.case("mm", lambda a, b: a @ b, {"a": gf.randn(5, 7), "b": gf.randn(7, 4)}, ["a", "b"],
            {"op": "a @ b", "transpose_a": "false", "transpose_b": "false"})
    gf.case("bmm", lambda a, b: torch.bmm(a, b), {"a": gf.randn(3, 5, 7), "b": gf.randn(3, 7, 4)}, ["a", "b"],
            {"op": "torch.bmm(a, b)", "transpose_a": "false", "transpose_b": "false"})
    gf.case("mm_tb", lambda a, b: a @ b.t(), {"a": gf.randn(5, 7), "b": gf.randn(4, 7)}, ["a", "b"],
            {"op": "a @ b.T", "transpose_a": "false", "transpose_b": "true"})
    gf.case("bmm_ta", lambda a, b: a.transpose(-1, -2) @ b,
            {"a": gf.randn(3, 7, 5), "b": gf.randn(3, 7, 4)}, ["a", "b"],
            {"op": "a.transpose(-1,-2) @ b", "transpose_a": "true", "transpose_b": "false"})
    return gf


def f_conv2d():
    gf = GoldenFile("conv2d")
    for case, xs, ws, stride, pad, note in [
        ("c1", (2, 3, 9, 11), (5, 3, 3, 3), 2, 1, ""),
        ("c2", (1, 3, 16, 12), (8, 3, 4, 4), 4, 0, "patch embedding"),
        ("c3", (2, 4, 7, 7), (6, 4, 1, 1), 1, 0, "1x1"),
        ("c4", (2, 6, 5, 7), (20, 6, 3, 3), 1, 1, "same padding, >= 16 output channels (transposed weight gradient)"),
    ]:
        x, w, b = gf.randn(*xs), gf.randn(*ws), gf.randn(ws[0])
        params = {"op": "F.conv2d", "stride": stride, "padding": pad, "dilation": 1, "groups": 1,
                  "kernel": f"{ws[2]},{ws[3]}"}
        if note:
            params["note"] = note
        gf.case(case, lambda x, w, b, s=stride, p=pad: F.conv2d(x, w, b, stride=s, padding=p),
                {"x": x, "w": w, "b": b}, ["x", "w", "b"], params)
    return gf


def f_pool():
    gf = GoldenFile("pool")
    gf.case("maxpool", lambda x: F.max_pool2d(x, 3, stride=2, padding=1),
            {"x": gf.distinct(2, 3, 9, 11)}, ["x"],
            {"op": "F.max_pool2d", "kernel": 3, "stride": 2, "padding": 1, "dilation": 1,
             "ceil_mode": "false", "input": "distinct values; padding acts as -inf"})
    gf.case("avgpool", lambda x: F.avg_pool2d(x, 2, stride=2, padding=0),
            {"x": gf.randn(2, 3, 8, 10)}, ["x"],
            {"op": "F.avg_pool2d", "kernel": 2, "stride": 2, "padding": 0, "ceil_mode": "false",
             "count_include_pad": "true"})
    gf.case("avgpool_pad", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=True),
            {"x": gf.randn(2, 3, 9, 11)}, ["x"],
            {"op": "F.avg_pool2d", "kernel": 3, "stride": 2, "padding": 1, "ceil_mode": "false",
             "count_include_pad": "true", "note": "divisor always kernel*kernel=9"})
    gf.case("gap", lambda x: F.adaptive_avg_pool2d(x, 1).flatten(1),
            {"x": gf.randn(2, 5, 3, 7)}, ["x"],
            {"op": "F.adaptive_avg_pool2d(x, 1).flatten(1)", "output_size": 1})
    return gf


def f_resize():
    gf = GoldenFile("resize")
    bil = "src = max(0, (dst + 0.5) * in/out - 0.5); linear between floor(src) and min(floor(src)+1, in-1)"
    near = "src = min(floor(dst * (float)(in/out)), in-1) (legacy 'nearest', not 'nearest-exact')"
    for case, size, mode in [("bilinear_up", (10, 14), "bilinear"), ("bilinear_odd", (9, 4), "bilinear"),
                             ("nearest_up", (10, 14), "nearest"), ("nearest_odd", (3, 11), "nearest")]:
        if mode == "bilinear":
            fn = lambda x, s=size: F.interpolate(x, size=s, mode="bilinear", align_corners=False)
            params = {"align_corners": "false", "formula": bil}
        else:
            fn = lambda x, s=size: F.interpolate(x, size=s, mode="nearest")
            params = {"formula": near}
        params.update({"op": "F.interpolate", "size": f"{size[0]},{size[1]}", "mode": mode})
        gf.case(case, fn, {"x": gf.randn(2, 3, 5, 7)}, ["x"], params)
    return gf


def f_roll():
    gf = GoldenFile("roll")
    gf.case(None, lambda x: torch.roll(x, shifts=(-3, -2), dims=(1, 2)), {"x": gf.randn(2, 7, 9, 3)}, ["x"],
            {"op": "torch.roll", "shifts": "-3,-2", "dims": "1,2",
             "note": "y[..., i, j, ...] = x[..., (i+3) mod 7, (j+2) mod 9, ...]"})
    return gf


def f_losses():
    gf = GoldenFile("losses")
    # ce_mean_w
    x = gf.randn(6, 5)
    t = gf.randint(0, 5, (6,))
    t[2] = -1.0
    w = gf.rand(5) + 0.5
    gf.case("ce_mean_w",
            lambda x, t, w, tl: F.cross_entropy(x, tl, weight=w, ignore_index=-1, reduction="mean"),
            {"x": x, "t": t, "w": w}, ["x"],
            {"op": "F.cross_entropy", "weight": "w", "ignore_index": -1, "reduction": "mean",
             "note": "y = sum_i w[t_i]*nll_i / sum_i w[t_i] over non-ignored i; x logits (N,C), t class ids as F32; no dw"},
            const={"tl": t.long()})
    # ce_sum
    x = gf.randn(6, 5)
    t = gf.randint(0, 5, (6,))
    gf.case("ce_sum", lambda x, t, tl: F.cross_entropy(x, tl, reduction="sum"),
            {"x": x, "t": t}, ["x"],
            {"op": "F.cross_entropy", "reduction": "sum", "ignore_index": "none", "weight": "none"},
            const={"tl": t.long()})
    # bce
    x = gf.randn(4, 7)
    t = (gf.rand(4, 7) < 0.5).to(torch.float32)
    gf.case("bce", lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="mean"),
            {"x": x, "t": t}, ["x"],
            {"op": "F.binary_cross_entropy_with_logits", "reduction": "mean", "targets": "{0,1}"})
    # bce_soft
    x = gf.randn(4, 7)
    t = gf.rand(4, 7)
    gf.case("bce_soft", lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="sum"),
            {"x": x, "t": t}, ["x"],
            {"op": "F.binary_cross_entropy_with_logits", "reduction": "sum", "targets": "rand in [0,1)"})
    # focal
    x = gf.randn(4, 7) * 2
    t = (gf.rand(4, 7) < 0.5).to(torch.float32)
    gf.case("focal",
            lambda x, t: torchvision.ops.sigmoid_focal_loss(x, t, alpha=0.25, gamma=2, reduction="sum"),
            {"x": x, "t": t}, ["x"],
            {"op": "torchvision.ops.sigmoid_focal_loss", "alpha": 0.25, "gamma": 2, "reduction": "sum",
             "note": "p=sigmoid(x); ce=bce_with_logits(x,t); p_t=p*t+(1-p)*(1-t); "
                     "loss=ce*(1-p_t)^gamma*(alpha*t+(1-alpha)*(1-t))"})
    for c in gf.cases:
        gf.meta[c + ".y_shape"] = "[] (0-d)"
        gf.meta[c + ".dy"] = str(SCALAR_DY)
    return gf


def f_index_select():
    gf = GoldenFile("index_select")
    x = gf.randn(13, 3)
    idx = gf.randint(0, 13, (20,))
    assert len(set(idx.tolist())) < 20  # repeats
    gf.case(None, lambda x, idx, il: x.index_select(0, il), {"x": x, "idx": idx}, ["x"],
            {"op": "x.index_select(0, idx)", "dim": 0, "note": "idx stored as F32; dx accumulates repeats"},
            const={"il": idx.long()})
    return gf


def f_misc():
    gf = GoldenFile("misc")
    gf.case("permute", lambda x: x.permute(0, 2, 3, 1), {"x": gf.randn(2, 3, 4, 5)}, ["x"],
            {"op": "x.permute", "dims": "0,2,3,1"})
    gf.case("concat", lambda a, b: torch.cat([a, b], dim=1),
            {"a": gf.randn(2, 3, 4), "b": gf.randn(2, 5, 4)}, ["a", "b"],
            {"op": "torch.cat([a, b])", "dim": 1})
    gf.case("slice", lambda x: x[:, 2:7, :], {"x": gf.randn(4, 9, 3)}, ["x"],
            {"op": "x[:, 2:7, :]", "dim": 1, "start": 2, "end": 7, "step": 1})
    return gf


BROADCAST_CASES = [  # (name, a shape, b shape): two-sided, inner gaps, leading 1s, size-1 axes everywhere
    ("two_sided", (3, 1), (1, 4)),
    ("gap", (2, 5, 3), (2, 1, 3)),
    ("gap_left", (2, 1, 3), (2, 5, 3)),
    ("swin_mask_one_head", (1, 9, 1, 4, 4), (9, 1, 4, 4)),
    ("cosine_one_head", (9, 1, 4, 4), (9, 1, 4, 1)),
    ("leading", (5,), (3, 1, 5)),
    ("ones_everywhere", (1, 3, 1, 4), (2, 1, 5, 1)),
]


def f_broadcast():
    gf = GoldenFile("broadcast")
    ops = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div}
    for name, sa, sb in BROADCAST_CASES:
        for op, fn in ops.items():
            b = gf.randn(*sb)
            if op == "div":
                b = 1.5 + b.abs()  # divisors away from 0
            gf.case(name + "_" + op, lambda a, b, fn=fn: fn(a, b), {"a": gf.randn(*sa), "b": b}, ["a", "b"],
                    {"op": "torch." + op + " (NumPy broadcasting)", "a": sa, "b": sb})
    return gf


DTYPE_SPECIALS = [0.0, -0.0, 1.0, 1.0 + 2.0 ** -11, 1.0 + 2.0 ** -8, 65504.0, 3e-6, -2.5e-5]


def f_dtypes():
    gf = GoldenFile("dtypes")
    v = gf.randn(3, 5) * 4
    v.view(-1)[:len(DTYPE_SPECIALS)] = torch.tensor(DTYPE_SPECIALS, dtype=torch.float32)
    assert torch.isfinite(v.half()).all()
    gf._put("f32", v)
    gf._put("f16", v.half(), "F16")
    gf._put("bf16", v.bfloat16(), "BF16")
    gf._put("f16_as_f32", v.half().float())
    gf._put("bf16_as_f32", v.bfloat16().float())
    gf.meta.update({
        "method": "v float32 (3,5): flat[0:8] = " + ",".join(repr(s) for s in DTYPE_SPECIALS)
                  + ", rest randn*4; f16 = v.half(), bf16 = v.bfloat16() (round to nearest even), "
                    "*_as_f32 = round trip back to float32; raw little-endian",
        "f16_note": "3e-6 is an f16 subnormal; 1+2^-11 is an f16 tie (rounds to 1.0)",
        "bf16_note": "1+2^-8 is a bf16 tie (rounds to 1.0); 65504 -> 65536 in bf16",
    })
    gf.cases.append("dtypes")
    return gf


FILES = [f_layernorm, f_gelu, f_softmax, f_unary, f_reduce, f_matmul, f_conv2d, f_pool, f_resize,
         f_roll, f_losses, f_index_select, f_misc, f_dtypes, f_broadcast]


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------


def check_file(path, expected=None):
    """Re-read and validate a file; if expected (GoldenFile) is given, compare bits."""
    meta, tensors = read_raw(path, strict=True)
    for k in ("format", "cases", "generator"):
        assert k in meta, (path, k)
    for name, (dtype, shape, raw) in tensors.items():
        arr = decode(dtype, shape, raw)
        assert np.isfinite(arr).all(), (path, name)
        if expected is not None:
            edt, eshape, eraw = expected.entries[name]
            assert (edt, eshape, eraw) == (dtype, shape, raw), (path, name)
    if expected is not None:
        assert set(tensors) == set(expected.entries), path
        assert meta == expected.meta, path
    # structural: each dy has y's shape, each dX has X's shape
    for name in tensors:
        base = name.rsplit(".", 1)
        pre, leaf = (base[0] + ".", base[1]) if len(base) == 2 else ("", base[0])
        if leaf == "dy":
            assert tensors[pre + "y"][1] == tensors[name][1], (path, name)
        elif leaf.startswith("d") and leaf != "dy" and pre + leaf[1:] in tensors:
            assert tensors[pre + leaf[1:]][1] == tensors[name][1], (path, name)
    return meta, tensors


def check_dtypes(path):
    _, t = read_raw(path, strict=True)
    f32 = decode(*t["f32"])
    f16 = decode(*t["f16"])
    bf16 = decode(*t["bf16"])
    assert np.array_equal(f16, decode(*t["f16_as_f32"]))
    assert np.array_equal(bf16, decode(*t["bf16_as_f32"]))
    assert np.abs(f16 - f32).max() <= 2.0 ** -11 * np.abs(f32).max()
    assert np.allclose(bf16, f32, rtol=2.0 ** -8, atol=0)


def check_float32_forward(path):
    """Independent sanity check: float32 torch forward on a few cases is close to the stored y."""
    _, t = read_raw(path, strict=True)

    def g(n):
        return torch.from_numpy(decode(*t[n]).astype(np.float32))

    base = os.path.basename(path)
    if base == "layernorm.safetensors":
        y = F.layer_norm(g("x"), (33,), g("w"), g("b"), eps=1e-5)
        assert torch.allclose(y, g("y"), atol=1e-5), base
    elif base == "conv2d.safetensors":
        y = F.conv2d(g("c1.x"), g("c1.w"), g("c1.b"), stride=2, padding=1)
        assert torch.allclose(y, g("c1.y"), atol=1e-4), base
    elif base == "resize.safetensors":
        y = F.interpolate(g("nearest_odd.x"), size=(3, 11), mode="nearest")
        assert torch.equal(y, g("nearest_odd.y")), base


def gradchecks():
    """torch.autograd.gradcheck on a few ops, in float64, to validate the method."""
    gen = torch.Generator().manual_seed(1)

    def r(*s):
        return torch.randn(*s, generator=gen, dtype=torch.float64, requires_grad=True)

    focal_t = (torch.rand(4, 7, generator=gen, dtype=torch.float64) < 0.5).double()
    checks = {
        "layernorm": (lambda x, w, b: F.layer_norm(x, (33,), w, b, eps=1e-5), (r(2, 7, 33), r(33), r(33))),
        "conv2d c1": (lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), (r(2, 3, 9, 11), r(5, 3, 3, 3), r(5))),
        "bilinear_odd": (lambda x: F.interpolate(x, size=(9, 4), mode="bilinear", align_corners=False), (r(2, 3, 5, 7),)),
        "focal": (lambda x: torchvision.ops.sigmoid_focal_loss(
            x, focal_t, alpha=0.25, gamma=2, reduction="sum"), (r(4, 7),)),
        "maxpool": (lambda x: F.max_pool2d(x, 3, stride=2, padding=1), (r(2, 3, 9, 11),)),
    }
    for name, (fn, args) in checks.items():
        assert torch.autograd.gradcheck(fn, args, eps=1e-6, atol=1e-5), name
        print(f"  gradcheck ok: {name}")

    # and: the stored golden equals an independent float64 recomputation from the stored inputs
    _, t = read_raw(os.path.join(OUT_DIR, "losses.safetensors"), strict=True)
    x = torch.from_numpy(decode(*t["ce_mean_w.x"])).requires_grad_()
    tl = torch.from_numpy(decode(*t["ce_mean_w.t"])).long()
    w = torch.from_numpy(decode(*t["ce_mean_w.w"]))
    y = F.cross_entropy(x, tl, weight=w, ignore_index=-1)
    (y * SCALAR_DY).backward()
    keep = tl != -1
    # manual: softmax - onehot, weighted, divided by sum of weights
    p = torch.softmax(x.detach(), -1)
    onehot = torch.zeros_like(p)
    onehot[keep, tl[keep]] = 1
    wt = torch.where(keep, w[tl.clamp(min=0)], torch.zeros(()).double())
    manual = SCALAR_DY * (p - onehot) * wt[:, None] / wt.sum()
    assert torch.allclose(manual, x.grad, atol=1e-12)
    assert np.allclose(decode(*t["ce_mean_w.dx"]), manual.numpy(), rtol=1e-6, atol=1e-7)
    print("  manual ce_mean_w gradient matches stored dx")


def main():
    global OUT_DIR
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only re-read and verify existing files")
    ap.add_argument("--out", default=OUT_DIR)
    args = ap.parse_args()
    OUT_DIR = args.out
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for make in FILES:
        gf = None if args.check else make()
        path = os.path.join(OUT_DIR, make.__name__[2:] + ".safetensors")
        if gf is not None:
            path = gf.write()
        meta, tensors = check_file(path, gf)
        if make is f_dtypes:
            check_dtypes(path)
        check_float32_forward(path)
        size = os.path.getsize(path)
        total += size
        print(f"{os.path.basename(path):28s} {size:7d} B  {len(tensors):3d} tensors  cases={meta['cases']}")
    print(f"total {total} B in {len(FILES)} files -> {OUT_DIR}")
    gradchecks()
    print("all checks passed")


if __name__ == "__main__":
    sys.exit(main())
