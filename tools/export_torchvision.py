#!/usr/bin/python3
"""Export a torchvision Swin Transformer (weights, an input batch and its expected features)
for checking `./umedpt features` against torchvision.

Usage (from the repository root; needs Debian's python3-torch 1.13 + python3-torchvision 0.14.1,
so use the system interpreter /usr/bin/python3):

    /usr/bin/python3 tools/export_torchvision.py CONFIG --out DIR
        [--seed 0] [--classes N] [--weights-from FILE.pth] [--no-perturb]
        [--batch 2] [--size H [W]] [--input-from X.safetensors]
        [--float64 | --float32] [--skip-f32-check] [--threads T]

    # then run the two commands it prints, e.g.
    ./umedpt features --config nano --weights DIR/weights.safetensors \\
        --input DIR/input.safetensors --output DIR/actual.safetensors
    /usr/bin/python3 tools/compare_features.py DIR/expected.safetensors DIR/actual.safetensors --tol 1e-4

Examples:
    /usr/bin/python3 tools/export_torchvision.py nano --size 112 --batch 2 --out /tmp/nano
    /usr/bin/python3 tools/export_torchvision.py tiny --classes 1000 --weights-from swin_t-704ceda3.pth --out /tmp/t
    /usr/bin/python3 tools/export_torchvision.py my_swin.json --size 72 88 --out /tmp/mine

CONFIG: nano (embed 48, depths 2-2-2-2, heads 3-6-12-24, window 7), tiny/small/base
(= swin_t/s/b), v2_tiny/v2_small/v2_base (= swin_v2_t/s/b), or a JSON file with torchvision's
constructor fields: version (1 or 2; default 1), patch_size, embed_dim, depths, num_heads,
window_size, mlp_ratio (default 4.0), optional num_classes and stochastic_depth_prob
(patch_size / window_size: an int or a square [n, n] pair) -- the same format umedpt reads.
v1 builds SwinTransformerBlock + PatchMerging, v2 SwinTransformerBlockV2 + PatchMergingV2.

Weights: torch.manual_seed(--seed), then torchvision's own initialisation.  That leaves every
bias 0, LayerNorms at (1, 0) and tiny relative-position tables, which would hide bugs in those
paths, so by default the parameters are then perturbed (float32, global RNG, named_modules()
order, as in tools/goldens/make_swin_goldens.py): LayerNorm w=1+0.1*randn, b=0.1*randn;
Linear/Conv2d bias=0.05*randn; v1 relative_position_bias_table=0.1*randn; v2
logit_scale=log(10)+0.2*randn.  --no-perturb keeps torchvision's init.  --weights-from loads a
torch state_dict instead (strict; a checkpoint dict with a "model"/"state_dict" entry or a
pickled nn.Module also works; a "module." prefix is stripped) and does not perturb.

Head: --classes N builds a head of N classes; 0 = no head (head.* dropped from the exported
weights, no logits).  Default: the head size of --weights-from if it has one, else the JSON's
num_classes, else 0.

Input: torch.randn(batch, 3, H, W) drawn after the weights (--size H [W]; default 112 for nano,
224 otherwise), or tensor "input" of --input-from.

Outputs in DIR (tools/safetensors_io.py, every tensor F32, sorted by name):
    weights.safetensors   model.state_dict() in float32 with torchvision names; int64 buffers
                          (relative_position_index) stored as F32; v2 relative_coords_table kept
    input.safetensors     input (N,3,H,W)
    expected.safetensors  stage1..stageK (N,C,H,W) = features[1], [3], [5], [7] outputs (N,H,W,C)
                          permuted; pooled (N,C) = flatten(avgpool(permute(norm(last stage))));
                          logits (N,classes) = head(pooled) (checked against model(x)) if a head
    config.json           the resolved config in umedpt's JSON format (num_classes = the head)
Precision: --float64 (the default) runs model.double() on the float32 weights and input and
rounds the results to F32 once -- the better reference.  --float32 runs the float32 model
instead.  With --float64, torch's float32 model is also run (skip: --skip-f32-check) and its
max|f32-f64|/max|f64| per tensor is printed and stored in expected's metadata as
"torch_f32_rel.<name>"; compare_features.py shows it next to umedpt's error.
"""

import argparse
import copy
import json
import math
import os
import sys
import time

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
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402
from swin_perturb import perturb  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# umedpt's named configs (nn/.../SwinConfig.named): torchvision's swin_t/s/b, swin_v2_t/s/b.
NAMED = {
    "nano": dict(version=1, patch_size=4, embed_dim=48, depths=[2, 2, 2, 2], num_heads=[3, 6, 12, 24],
                 window_size=7, mlp_ratio=4.0, stochastic_depth_prob=0.1),
    "tiny": dict(version=1, patch_size=4, embed_dim=96, depths=[2, 2, 6, 2], num_heads=[3, 6, 12, 24],
                 window_size=7, mlp_ratio=4.0, stochastic_depth_prob=0.2),
    "small": dict(version=1, patch_size=4, embed_dim=96, depths=[2, 2, 18, 2], num_heads=[3, 6, 12, 24],
                  window_size=7, mlp_ratio=4.0, stochastic_depth_prob=0.3),
    "base": dict(version=1, patch_size=4, embed_dim=128, depths=[2, 2, 18, 2], num_heads=[4, 8, 16, 32],
                 window_size=7, mlp_ratio=4.0, stochastic_depth_prob=0.5),
    "v2_tiny": dict(version=2, patch_size=4, embed_dim=96, depths=[2, 2, 6, 2], num_heads=[3, 6, 12, 24],
                    window_size=8, mlp_ratio=4.0, stochastic_depth_prob=0.2),
    "v2_small": dict(version=2, patch_size=4, embed_dim=96, depths=[2, 2, 18, 2], num_heads=[3, 6, 12, 24],
                     window_size=8, mlp_ratio=4.0, stochastic_depth_prob=0.3),
    "v2_base": dict(version=2, patch_size=4, embed_dim=128, depths=[2, 2, 18, 2], num_heads=[4, 8, 16, 32],
                    window_size=8, mlp_ratio=4.0, stochastic_depth_prob=0.5),
}
JSON_FIELDS = ("version", "patch_size", "embed_dim", "depths", "num_heads", "window_size", "mlp_ratio",
               "num_classes", "stochastic_depth_prob")


def die(msg):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(2)


# --------------------------------------------------------------------------
# safetensors (tools/safetensors_io.py; same layout as tools/goldens/make_swin_goldens.py)
# --------------------------------------------------------------------------


def verify_file(path, entries):
    """Re-read path and check it holds exactly entries (as float32)."""
    _, got = read_safetensors(path)
    assert set(got) == set(entries), (path, set(got) ^ set(entries))
    for k, v in entries.items():
        ref = v.detach().to(torch.float32).contiguous().numpy()
        assert got[k].dtype == np.float32 and got[k].shape == ref.shape and np.array_equal(got[k], ref), (path, k)


# --------------------------------------------------------------------------
# config + model
# --------------------------------------------------------------------------


def square(cfg, field, where):
    v = cfg.get(field)
    if isinstance(v, bool) or v is None:
        die(f"{where}: field '{field}' missing or not a number")
    if isinstance(v, int):
        return v
    if isinstance(v, list) and len(v) == 2 and all(isinstance(x, int) for x in v) and v[0] == v[1]:
        return v[0]
    die(f"{where}: field '{field}' must be an int or a square pair [n, n] (umedpt supports square only), got {v!r}")


def load_config(name_or_path):
    """Returns (resolved config dict with int patch/window sizes, is_named)."""
    if name_or_path in NAMED:
        return dict(NAMED[name_or_path]), True
    if not os.path.isfile(name_or_path):
        die(f"'{name_or_path}' is neither a config name {sorted(NAMED)} nor a JSON file")
    try:
        with open(name_or_path) as f:
            raw = json.load(f)
    except ValueError as e:
        die(f"config {name_or_path}: not valid JSON: {e}")
    if not isinstance(raw, dict):
        die(f"config {name_or_path}: expected a JSON object")
    unknown = sorted(set(raw) - set(JSON_FIELDS))
    if unknown:
        die(f"config {name_or_path}: unknown field(s) {unknown}; known: {list(JSON_FIELDS)}")
    for f in ("embed_dim", "depths", "num_heads"):
        if f not in raw:
            die(f"config {name_or_path}: missing field '{f}'")
    cfg = {
        "version": int(raw.get("version", 1)),
        "patch_size": square(raw, "patch_size", f"config {name_or_path}"),
        "embed_dim": int(raw["embed_dim"]),
        "depths": [int(d) for d in raw["depths"]],
        "num_heads": [int(h) for h in raw["num_heads"]],
        "window_size": square(raw, "window_size", f"config {name_or_path}"),
        "mlp_ratio": float(raw.get("mlp_ratio", 4.0)),
        "stochastic_depth_prob": float(raw.get("stochastic_depth_prob", 0.1)),
    }
    if "num_classes" in raw:
        cfg["num_classes"] = int(raw["num_classes"])
    if cfg["version"] not in (1, 2):
        die(f"config {name_or_path}: version must be 1 or 2, got {cfg['version']}")
    if not cfg["depths"] or len(cfg["depths"]) != len(cfg["num_heads"]):
        die(f"config {name_or_path}: depths and num_heads must be non-empty and of equal length")
    for i, h in enumerate(cfg["num_heads"]):
        dim = cfg["embed_dim"] << i
        if h <= 0 or dim % h:
            die(f"config {name_or_path}: stage {i + 1}: {h} heads must divide {dim} channels")
    return cfg, False


def build(cfg, head_classes):
    block, down = ((SwinTransformerBlock, PatchMerging) if cfg["version"] == 1
                   else (SwinTransformerBlockV2, PatchMergingV2))
    return SwinTransformer(
        patch_size=[cfg["patch_size"]] * 2,
        embed_dim=cfg["embed_dim"],
        depths=cfg["depths"],
        num_heads=cfg["num_heads"],
        window_size=[cfg["window_size"]] * 2,
        mlp_ratio=cfg["mlp_ratio"],
        stochastic_depth_prob=cfg["stochastic_depth_prob"],
        num_classes=head_classes,
        block=block,
        downsample_layer=down,
    )


def load_torch_state(path):
    obj = torch.load(path, map_location="cpu")
    if isinstance(obj, nn.Module):
        obj = obj.state_dict()
    if isinstance(obj, dict):
        for key in ("model", "state_dict", "model_state_dict"):
            if key in obj and isinstance(obj[key], dict):
                obj = obj[key]
                break
    if not isinstance(obj, dict) or not all(torch.is_tensor(v) for v in obj.values()):
        die(f"{path}: not a state_dict (expected a dict of tensors, or a dict with a 'model'/'state_dict' entry)")
    return {(k[7:] if k.startswith("module.") else k): v for k, v in obj.items()}


def forward_parts(model, x, with_head):
    """stage1..K (N,C,H,W), pooled (N,C), logits (N,classes) when with_head."""
    out = {}
    f = x
    stage = 0
    for i, layer in enumerate(model.features):
        f = layer(f)
        if i % 2 == 1:
            stage += 1
            out[f"stage{stage}"] = f.permute(0, 3, 1, 2)
    pooled = model.flatten(model.avgpool(model.permute(model.norm(f))))
    out["pooled"] = pooled
    if with_head:
        logits = model.head(pooled)
        full = model(x)
        if not torch.equal(full, logits):
            d = (full - logits).abs().max().item()
            print(f"warning: head(pooled) differs from model(x) by {d:.3e}", file=sys.stderr)
        out["logits"] = logits
    return out


def rel_err(a, b):
    a = a.detach().double()
    b = b.detach().double()
    m = b.abs().max().item() if b.numel() else 0.0
    d = (a - b).abs().max().item() if b.numel() else 0.0
    return d / m if m > 0 else (0.0 if d == 0 else math.inf)


def shape_str(t):
    return "(" + ",".join(map(str, t.shape)) + ")"


# --------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="See the module docstring (top of this file) for details.")
    ap.add_argument("config", help=f"config name {sorted(NAMED)} or a JSON file")
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("--seed", type=int, default=0, help="torch.manual_seed for weights and input (default 0)")
    ap.add_argument("--classes", type=int, default=None,
                    help="head classes; 0 = no head (default: --weights-from's head, else JSON num_classes, else 0)")
    ap.add_argument("--weights-from", metavar="FILE.pth", help="load this torch state_dict instead of random weights")
    ap.add_argument("--no-perturb", action="store_true", help="keep torchvision's init (zero biases etc.)")
    ap.add_argument("--batch", type=int, default=2, help="random input batch size (default 2)")
    ap.add_argument("--size", type=int, nargs="+", metavar="PX",
                    help="random input size: H, or H W (default 112 for nano, else 224)")
    ap.add_argument("--input-from", metavar="X.safetensors", help="use tensor 'input' of this file instead of randn")
    prec = ap.add_mutually_exclusive_group()
    prec.add_argument("--float64", dest="precision", action="store_const", const="float64",
                      help="compute expected with model.double() (default)")
    prec.add_argument("--float32", dest="precision", action="store_const", const="float32",
                      help="compute expected with the float32 model")
    ap.add_argument("--skip-f32-check", action="store_true",
                    help="with --float64: do not also run the float32 model for the reference error")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (default: torch's choice)")
    ap.add_argument("--tol", default="1e-4", help="tolerance written into the printed compare command")
    args = ap.parse_args(argv)
    precision = args.precision or "float64"
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    cfg, is_named = load_config(args.config)
    t0 = time.time()

    # --- weights -----------------------------------------------------------
    loaded = load_torch_state(args.weights_from) if args.weights_from else None
    src_classes = None
    if loaded is not None and "head.weight" in loaded:
        src_classes = int(loaded["head.weight"].shape[0])
    if args.classes is not None:
        classes = args.classes
    elif src_classes is not None:
        classes = src_classes
    else:
        classes = cfg.get("num_classes", 0)
    if classes < 0:
        die(f"--classes must be >= 0, got {classes}")
    json_classes = cfg.get("num_classes", 0)
    if classes > 0 and json_classes not in (0, classes):
        die(f"config says num_classes {json_classes} but the head has {classes} classes (umedpt would refuse this)")
    if loaded is not None and classes > 0 and src_classes != classes:
        die(f"--classes {classes} but {args.weights_from} has "
            + ("no head" if src_classes is None else f"a head of {src_classes} classes"))

    torch.manual_seed(args.seed)
    # the model always has a head in torchvision; with classes 0 it is built (1000, or the
    # source's size) and dropped from the export
    model = build(cfg, classes if classes > 0 else (src_classes or 1000))
    if loaded is not None:
        if src_classes is None:
            model.head = nn.Identity()  # a headless source: nothing to load there
        ref = model.state_dict()
        buffers = {k for k, _ in model.named_buffers()}
        for k in ref:  # deterministic buffers (relative_position_index, relative_coords_table) may be absent
            if k not in loaded and k in buffers:
                loaded[k] = ref[k]
        missing = [k for k in ref if k not in loaded]
        unexpected = [k for k in loaded if k not in ref]
        wrong = [f"{k} {tuple(loaded[k].shape)} (model: {tuple(ref[k].shape)})"
                 for k in ref if k in loaded and loaded[k].shape != ref[k].shape]
        if missing or unexpected or wrong:
            def few(xs):
                return ", ".join(xs[:4]) + (f", ... ({len(xs)} in all)" if len(xs) > 4 else "")
            die(f"{args.weights_from} does not match config {args.config}:"
                + (f"\n  missing: {few(missing)}" if missing else "")
                + (f"\n  unexpected: {few(unexpected)}" if unexpected else "")
                + (f"\n  shape: {few(wrong)}" if wrong else ""))
        model.load_state_dict(loaded, strict=True)
        weights_src = f"{os.path.basename(args.weights_from)}"
    else:
        if not args.no_perturb:
            perturb(model)
        weights_src = f"random: torch.manual_seed({args.seed}), torchvision init" + ("" if args.no_perturb else " + perturb")
    model.eval()

    # --- input -------------------------------------------------------------
    if args.input_from:
        _, tin = read_safetensors(args.input_from)
        if "input" not in tin:
            die(f"{args.input_from}: no tensor named 'input'; the file has {sorted(tin)}")
        x32 = torch.from_numpy(np.array(tin["input"], dtype=np.float32))
        if x32.dim() != 4 or x32.shape[1] != 3:
            die(f"{args.input_from}: 'input' must be (N,3,H,W), got {shape_str(x32)}")
        input_src = os.path.basename(args.input_from)
    else:
        size = args.size or [112 if args.config == "nano" else 224]
        if len(size) > 2:
            die("--size takes H or H W")
        h, w = size[0], size[-1]
        x32 = torch.randn(args.batch, 3, h, w)
        input_src = f"torch.randn after the weights (seed {args.seed})"

    # --- expected ----------------------------------------------------------
    with_head = classes > 0
    with torch.no_grad():
        if precision == "float64":
            model64 = copy.deepcopy(model).double()
            outs = forward_parts(model64, x32.double(), with_head)
            del model64
        else:
            outs = forward_parts(model, x32, with_head)
        f32_rel = {}
        if precision == "float64" and not args.skip_f32_check:
            outs32 = forward_parts(model, x32, with_head)
            f32_rel = {k: rel_err(outs32[k], outs[k]) for k in outs}

    # --- write -------------------------------------------------------------
    out_dir = os.path.abspath(args.out)
    os.makedirs(out_dir, exist_ok=True)
    sd = model.state_dict()
    weights = {k: v for k, v in sd.items() if with_head or not k.startswith("head.")}
    int_buffers = sorted({k.rsplit(".", 1)[-1] for k, v in weights.items() if not v.is_floating_point()})
    n_params = sum(p.numel() for k, p in model.named_parameters() if with_head or not k.startswith("head."))

    resolved = {k: cfg[k] for k in ("version", "patch_size", "embed_dim", "depths", "num_heads", "window_size",
                                    "mlp_ratio", "stochastic_depth_prob")}
    resolved["num_classes"] = classes
    cfg_json = json.dumps(resolved)
    cfg_path = os.path.join(out_dir, "config.json")
    with open(cfg_path, "w") as f:
        json.dump(resolved, f, indent=1)
        f.write("\n")

    common = {
        "generator": "tools/export_torchvision.py",
        "config": args.config if is_named else os.path.basename(args.config),
        "config_json": cfg_json,
        "weights_source": weights_src,
        "torch_version": torch.__version__,
        "torchvision_version": torchvision.__version__,
    }
    p_w = os.path.join(out_dir, "weights.safetensors")
    p_x = os.path.join(out_dir, "input.safetensors")
    p_e = os.path.join(out_dir, "expected.safetensors")
    write_safetensors(p_w, weights, {**common, "int_buffers_as_f32": ",".join(int_buffers)})
    write_safetensors(p_x, {"input": x32}, {**common, "input_source": input_src})
    emeta = {
        **common,
        "input_source": input_src,
        "input_shape": ",".join(map(str, x32.shape)),
        "precision": precision + (" (model.double() on the float32 weights/input; rounded to F32 once)"
                                  if precision == "float64" else ""),
        "stages": "stageK = features[2K-1] output (N,H,W,C) permuted to (N,C,H,W)",
        "pooled": "flatten(avgpool(permute(norm(last stage))))",
    }
    if with_head:
        emeta["logits"] = "head(pooled), checked against model(x)"
    for k, v in f32_rel.items():
        emeta["torch_f32_rel." + k] = repr(v)
    write_safetensors(p_e, outs, emeta)
    verify_file(p_w, weights)
    verify_file(p_x, {"input": x32})
    verify_file(p_e, outs)

    # --- report ------------------------------------------------------------
    print(f"config {args.config}: v{cfg['version']} patch {cfg['patch_size']} embed {cfg['embed_dim']} "
          f"depths {cfg['depths']} heads {cfg['num_heads']} window {cfg['window_size']} mlp {cfg['mlp_ratio']}, "
          f"head {classes if with_head else 'none'}; {n_params:,d} parameters")
    print(f"weights: {weights_src}")
    print(f"wrote {p_w}: {len(weights)} tensors, {os.path.getsize(p_w):,d} bytes"
          + (f" (int64 buffers {', '.join(int_buffers)} as F32)" if int_buffers else ""))
    print(f"wrote {p_x}: input{shape_str(x32)}")
    print(f"wrote {p_e} ({precision}): " + ", ".join(f"{k}{shape_str(v)}" for k, v in outs.items()))
    print(f"wrote {cfg_path}")
    if f32_rel:
        print("torch float32 vs float64 reference, max|f32-f64|/max|f64|: "
              + ", ".join(f"{k} {v:.2e}" for k, v in f32_rel.items()))
    print(f"({time.time() - t0:.1f} s)")

    def rel(p):
        r = os.path.relpath(p, os.getcwd())
        return p if r.startswith("..") else r

    config_arg = args.config if is_named else rel(cfg_path)
    p_a = os.path.join(out_dir, "actual.safetensors")
    print("\nnext:")
    print(f"  ./umedpt features --config {config_arg} --weights {rel(p_w)} --input {rel(p_x)} --output {rel(p_a)}")
    print(f"  /usr/bin/python3 tools/compare_features.py {rel(p_e)} {rel(p_a)} --tol {args.tol}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
