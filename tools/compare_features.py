#!/usr/bin/python3
"""Compare two safetensors files tensor by tensor (e.g. torchvision's expected features
against the output of `./umedpt features`).

Usage (from the repository root):

    /usr/bin/python3 tools/compare_features.py EXPECTED.safetensors ACTUAL.safetensors [--tol 1e-4]

For every tensor in EXPECTED: checks that ACTUAL has a tensor of that name and the same
shape, then prints
    max_abs  = max |actual - expected|
    rel      = max |actual - expected| / max |expected|
and PASS when rel <= --tol (and nothing is NaN/inf), FAIL otherwise.  Tensors that are only in
ACTUAL are listed but do not fail.  If EXPECTED's metadata carries "torch_f32_rel.<name>"
(written by tools/export_torchvision.py: torch's own float32 model against the float64
reference), that number is printed too, as the yardstick a float32 engine can reach.

Exit status: 0 when every tensor passes, 1 on any FAIL / missing tensor / shape mismatch,
2 on an unreadable file.

Needs only numpy (any python3 with numpy; /usr/bin/python3 works).  The safetensors reader
(tools/safetensors_io.py, no safetensors package) accepts F64, F32, F16, BF16, I64, I32, I16, I8,
U8, BOOL, tensors in any order; everything is compared in float64.
"""

import argparse
import math
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_safetensors  # noqa: E402


def compare(expected, actual, tol, meta=None):
    """Prints one line per expected tensor; returns the number of failures."""
    meta = meta or {}
    has_ref = any(k.startswith("torch_f32_rel.") for k in meta)
    names = list(expected)
    stage_like = sorted([n for n in names if n.startswith("stage") and n[5:].isdigit()], key=lambda n: int(n[5:]))
    tail = [n for n in ("pooled", "logits") if n in expected]
    names = stage_like + tail + sorted(n for n in names if n not in stage_like and n not in tail)
    w = max([len(n) for n in names] + [6])
    head = f"{'tensor':{w}s}  {'shape':18s}  {'max_abs':>10s}  {'max|e|':>10s}  {'rel':>10s}"
    if has_ref:
        head += f"  {'torch_f32':>10s}"
    print(head + "  result")
    failures = 0
    for name in names:
        e = expected[name]
        shape = "(" + ",".join(map(str, e.shape)) + ")"
        if name not in actual:
            print(f"{name:{w}s}  {shape:18s}  {'-':>10s}  {'-':>10s}  {'-':>10s}" + (f"  {'-':>10s}" if has_ref else "")
                  + "  FAIL (missing in actual)")
            failures += 1
            continue
        a = actual[name]
        if tuple(a.shape) != tuple(e.shape):
            print(f"{name:{w}s}  {shape:18s}  {'-':>10s}  {'-':>10s}  {'-':>10s}" + (f"  {'-':>10s}" if has_ref else "")
                  + f"  FAIL (shape: actual ({','.join(map(str, a.shape))}))")
            failures += 1
            continue
        e64 = e.astype(np.float64)
        a64 = a.astype(np.float64)
        if e64.size == 0:
            max_abs, max_e, rel = 0.0, 0.0, 0.0
        else:
            d = np.abs(a64 - e64)
            max_abs = float(np.max(d)) if not np.isnan(d).any() else math.nan
            max_e = float(np.max(np.abs(e64)))
            rel = max_abs / max_e if max_e > 0 else (0.0 if max_abs == 0 else math.inf)
        finite = bool(np.isfinite(a64).all())
        ok = finite and not math.isnan(rel) and rel <= tol
        why = "" if finite else " (non-finite values in actual)"
        line = f"{name:{w}s}  {shape:18s}  {max_abs:10.3e}  {max_e:10.3e}  {rel:10.3e}"
        if has_ref:
            r = meta.get("torch_f32_rel." + name)
            line += f"  {float(r):10.3e}" if r is not None else f"  {'-':>10s}"
        print(line + ("  PASS" if ok else "  FAIL" + why))
        failures += 0 if ok else 1
    extra = sorted(set(actual) - set(expected))
    if extra:
        print(f"(only in actual, not compared: {', '.join(extra)})")
    return failures


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("expected", help="reference safetensors file (e.g. expected.safetensors)")
    ap.add_argument("actual", help="safetensors file to check (e.g. umedpt's features output)")
    ap.add_argument("--tol", type=float, default=1e-4,
                    help="PASS when max|a-e|/max|e| <= tol (default: %(default)g)")
    args = ap.parse_args(argv)
    try:
        emeta, expected = read_safetensors(args.expected)
        _, actual = read_safetensors(args.actual)
    except (OSError, ValueError, KeyError, TypeError) as ex:
        print(f"error: {ex}", file=sys.stderr)
        return 2
    if not expected:
        print(f"error: {args.expected} holds no tensors", file=sys.stderr)
        return 2
    print(f"expected: {args.expected}")
    print(f"actual:   {args.actual}")
    print(f"tolerance: max|a-e|/max|e| <= {args.tol:g}")
    failures = compare(expected, actual, args.tol, emeta)
    n = len(expected)
    if failures:
        print(f"FAIL: {failures} of {n} tensors failed")
        return 1
    print(f"PASS: all {n} tensors within {args.tol:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
