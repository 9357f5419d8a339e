#!/usr/bin/python3
"""Checks that an encoder written by `umedpt pretrain` loads into torchvision.

    /usr/bin/python3 tools/check_torchvision_load.py DIR/encoder.safetensors

Builds torchvision's SwinTransformer from the file's "config" metadata (torchvision's constructor
fields; swin_t / swin_v2_t when they match), loads the weights with strict=False and asserts that
the only missing keys are the classifier head's (head.*) and that nothing is unexpected. Then it
runs one forward pass as a smoke test. Prints one line and exits 0 on success, 1 with the reason
otherwise. Needs Debian's python3-torch and python3-torchvision; no safetensors package
(tools/safetensors_io.py reads the file).
"""

import json
import os
import sys

import torch
import torchvision
from torchvision.models.swin_transformer import (PatchMerging, PatchMergingV2, SwinTransformer,
                                                  SwinTransformerBlock, SwinTransformerBlockV2)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_safetensors  # noqa: E402


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[2].strip())
        sys.exit(2)
    path = sys.argv[1]
    meta, tensors = read_safetensors(path)
    if "config" not in meta:
        sys.exit(f"{path}: no 'config' in the metadata; expected a file written by umedpt pretrain")
    cfg = json.loads(meta["config"])
    v1 = cfg["version"] == 1
    tiny = dict(patch_size=4, embed_dim=96, depths=[2, 2, 6, 2], num_heads=[3, 6, 12, 24],
                window_size=7 if v1 else 8)
    if all(cfg[k] == v for k, v in tiny.items()):
        model = torchvision.models.swin_t() if v1 else torchvision.models.swin_v2_t()
        name = "swin_t" if v1 else "swin_v2_t"
    else:
        model = SwinTransformer(
            patch_size=[cfg["patch_size"]] * 2, embed_dim=cfg["embed_dim"], depths=cfg["depths"],
            num_heads=cfg["num_heads"], window_size=[cfg["window_size"]] * 2,
            mlp_ratio=cfg["mlp_ratio"], stochastic_depth_prob=cfg["stochastic_depth_prob"],
            block=SwinTransformerBlock if v1 else SwinTransformerBlockV2,
            downsample_layer=PatchMerging if v1 else PatchMergingV2)
        name = f"SwinTransformer(v{cfg['version']}, {cfg})"
    state = {k: torch.from_numpy(v.copy()) for k, v in tensors.items()}
    result = model.load_state_dict(state, strict=False)
    missing = [k for k in result.missing_keys if not k.startswith("head.")]
    if missing or result.unexpected_keys:
        sys.exit(f"{path}: does not load into {name}: missing {missing}, unexpected {result.unexpected_keys}")
    if not any(k.startswith("head.") for k in result.missing_keys):
        sys.exit(f"{path}: expected the head.* keys to be missing (an encoder without a classifier)")
    model.eval()
    side = 32 * cfg["patch_size"] // 4 * max(4, cfg["window_size"])
    with torch.no_grad():
        torch.manual_seed(0)
        out = model.features(torch.randn(1, 3, side, side))
    if not torch.isfinite(out).all():
        sys.exit(f"{path}: non-finite features")
    print(f"ok: {path} loads into torchvision {torchvision.__version__} {name} with strict=False; "
          f"{len(tensors)} tensors, missing only {sorted(result.missing_keys)}")


if __name__ == "__main__":
    main()
