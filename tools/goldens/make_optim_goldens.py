#!/usr/bin/python3
"""Optimizer / gradient-clipping / LR-schedule golden tensors for umedpt's nn tests.

Regenerate (from the repository root):

    /usr/bin/python3 tools/goldens/make_optim_goldens.py           # write + verify
    /usr/bin/python3 tools/goldens/make_optim_goldens.py --check   # only re-read + verify

Needs Debian's python3-torch (1.13); use the system interpreter /usr/bin/python3.
Output: nn/src/test/resources/goldens/optim.safetensors (written by tools/safetensors_io.py,
same layout as make_goldens.py: u64 LE header length, JSON header padded with spaces to a
multiple of 8, tensors sorted by name, contiguous offsets; all tensors F32).

Inputs (torch.Generator().manual_seed(0), float32, drawn in this order)
  init.p0 (5,7), init.p1 (7), then for k = 1..4: grad.s{k}.p0 (5,7), grad.s{k}.p1 (7).
Every case starts from init.*, uses grad.s{k}.* as the gradient of step k, and is
computed in float64 (params/grads converted from the float32 values) with torch.optim;
results rounded to F32 once.

Cases
  adamw             torch.optim.AdamW([p0,p1], lr=1e-2, betas=(0.9,0.999), eps=1e-8,
                    weight_decay=0.05, amsgrad=False)
                    -> adamw.s{k}.p0/p1 (params after step k), adamw.m.p0/p1 (exp_avg),
                       adamw.v.p0/p1 (exp_avg_sq) after step 4
  adamw_nodecay_p1  same, param groups [{p0, weight_decay 0.05}, {p1, weight_decay 0}]
                    -> adamw_nodecay_p1.s{k}.*, .m.*, .v.*
  sgd               torch.optim.SGD(lr=0.1, momentum=0.9, dampening=0, weight_decay=1e-4,
                    nesterov=False) -> sgd.s{k}.p0/p1
  sgd_nesterov      same with nesterov=True -> sgd_nesterov.s{k}.p0/p1
  clip              torch.nn.utils.clip_grad_norm_([p0,p1], max_norm=1.0, norm_type=2) on
                    the step-1 grads -> clip.p0, clip.p1 (clipped grads), clip.total_norm
                    (shape [], the norm BEFORE clipping)
  cosine            cosine.lr (20,): lr(s), s = 0..19, base 1e-3, warmup 5, total 20,
                    from torch.optim.lr_scheduler.LambdaLR (lr after s scheduler.step()s)

Formulas (torch 1.13, step t = 1, 2, ...)
  AdamW: p <- p*(1 - lr*wd); m <- b1*m + (1-b1)*g; v <- b2*v + (1-b2)*g^2;
         p <- p - (lr/(1-b1^t)) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
  SGD:   d = g + wd*p; buf = d (t=1) else momentum*buf + (1-dampening)*d;
         d = d + momentum*buf if nesterov else buf; p <- p - lr*d
  clip:  total = ||(||g0||_2, ||g1||_2)||_2; coef = min(max_norm/(total + 1e-6), 1); g <- g*coef
  cosine: lr(s) = base*(s+1)/warmup for s < warmup,
          else base*0.5*(1 + cos(pi*(s-warmup)/(total-warmup)))
"""

import argparse
import math
import os
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_PATH = os.path.join(REPO, "nn", "src", "test", "resources", "goldens", "optim.safetensors")
STEPS = 4
SHAPES = {"p0": (5, 7), "p1": (7,)}
ADAMW = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05)
SGD = dict(lr=0.1, momentum=0.9, weight_decay=1e-4)
CLIP_MAX_NORM = 1.0
COS_BASE, COS_WARMUP, COS_TOTAL = 1e-3, 5, 20

# --------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------


def fresh(init):
    return {k: v.double().clone().requires_grad_() for k, v in init.items()}


def run_optimizer(make_opt, init, grads, with_state):
    ps = fresh(init)
    opt = make_opt(ps)
    out = {}
    for k in range(1, STEPS + 1):
        for n, p in ps.items():
            p.grad = grads[k][n].double().clone()
        opt.step()
        for n, p in ps.items():
            out[f"s{k}.{n}"] = p.detach().clone()
    if with_state:
        for n, p in ps.items():
            st = opt.state[p]
            assert int(st["step"]) == STEPS
            out[f"m.{n}"] = st["exp_avg"].clone()
            out[f"v.{n}"] = st["exp_avg_sq"].clone()
    return out


def cosine_lr_reference(s):
    if s < COS_WARMUP:
        return COS_BASE * (s + 1) / COS_WARMUP
    return COS_BASE * 0.5 * (1 + math.cos(math.pi * (s - COS_WARMUP) / (COS_TOTAL - COS_WARMUP)))


def make():
    g = torch.Generator().manual_seed(0)
    init = {n: torch.randn(*s, generator=g, dtype=torch.float32) for n, s in SHAPES.items()}
    grads = {k: {n: torch.randn(*s, generator=g, dtype=torch.float32) for n, s in SHAPES.items()}
             for k in range(1, STEPS + 1)}
    entries = {}
    for n, v in init.items():
        entries[f"init.{n}"] = v
    for k in grads:
        for n, v in grads[k].items():
            entries[f"grad.s{k}.{n}"] = v

    cases = {
        "adamw": (lambda ps: torch.optim.AdamW([ps["p0"], ps["p1"]], **ADAMW), True),
        "adamw_nodecay_p1": (lambda ps: torch.optim.AdamW(
            [{"params": [ps["p0"]], "weight_decay": 0.05}, {"params": [ps["p1"]], "weight_decay": 0.0}],
            **{k: v for k, v in ADAMW.items() if k != "weight_decay"}), True),
        "sgd": (lambda ps: torch.optim.SGD([ps["p0"], ps["p1"]], nesterov=False, **SGD), False),
        "sgd_nesterov": (lambda ps: torch.optim.SGD([ps["p0"], ps["p1"]], nesterov=True, **SGD), False),
    }
    results = {}
    for case, (mk, st) in cases.items():
        res = run_optimizer(mk, init, grads, st)
        results[case] = res
        for k, v in res.items():
            entries[f"{case}.{k}"] = v

    # independent re-derivation of the update formulas (float64) to document them exactly
    check_formulas(init, grads, results)

    # gradient clipping on the step-1 gradients
    ps = fresh(init)
    for n, p in ps.items():
        p.grad = grads[1][n].double().clone()
    total = torch.nn.utils.clip_grad_norm_([ps["p0"], ps["p1"]], max_norm=CLIP_MAX_NORM, norm_type=2.0)
    ref_total = math.sqrt(sum(float((grads[1][n].double() ** 2).sum()) for n in SHAPES))
    assert abs(float(total) - ref_total) < 1e-12 * ref_total and ref_total > CLIP_MAX_NORM
    coef = min(CLIP_MAX_NORM / (ref_total + 1e-6), 1.0)
    for n, p in ps.items():
        assert torch.allclose(p.grad, grads[1][n].double() * coef, rtol=1e-15, atol=0), n
        entries[f"clip.{n}"] = p.grad.clone()
    entries["clip.total_norm"] = total.detach().reshape(())

    # cosine schedule with linear warm-up via LambdaLR
    dummy = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([dummy], lr=COS_BASE)

    def lam(s):
        if s < COS_WARMUP:
            return (s + 1) / COS_WARMUP
        return 0.5 * (1 + math.cos(math.pi * (s - COS_WARMUP) / (COS_TOTAL - COS_WARMUP)))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lam)
    lrs = []
    for s in range(COS_TOTAL):
        lrs.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    for s, lr in enumerate(lrs):
        assert abs(lr - cosine_lr_reference(s)) <= 1e-18, (s, lr)
    entries["cosine.lr"] = torch.tensor(lrs, dtype=torch.float64)

    meta = {
        "format": "umedpt-goldens-v1",
        "generator": "tools/goldens/make_optim_goldens.py",
        "seed": "0",
        "rng": "torch.Generator().manual_seed(0); float32 randn: init.p0 (5,7), init.p1 (7), then grad.s1.p0, grad.s1.p1, ..., grad.s4.p1",
        "method": "float32 inputs; optimizer math in float64 (torch.optim); stored F32",
        "torch_version": torch.__version__,
        "steps": str(STEPS),
        "cases": "adamw,adamw_nodecay_p1,sgd,sgd_nesterov,clip,cosine",
        "adamw.op": "torch.optim.AdamW([p0,p1], lr=0.01, betas=(0.9,0.999), eps=1e-08, weight_decay=0.05, amsgrad=False)",
        "adamw.formula": "p*=1-lr*wd; m=b1*m+(1-b1)*g; v=b2*v+(1-b2)*g^2; p-=(lr/(1-b1^t))*m/(sqrt(v)/sqrt(1-b2^t)+eps)",
        "adamw.state": "adamw.m.* = exp_avg, adamw.v.* = exp_avg_sq after step 4",
        "adamw_nodecay_p1.op": "torch.optim.AdamW([{params:[p0], weight_decay:0.05}, {params:[p1], weight_decay:0.0}], lr=0.01, betas=(0.9,0.999), eps=1e-08)",
        "sgd.op": "torch.optim.SGD([p0,p1], lr=0.1, momentum=0.9, dampening=0, weight_decay=0.0001, nesterov=False)",
        "sgd.formula": "d=g+wd*p; buf=d (t=1) else momentum*buf+d; p-=lr*buf",
        "sgd_nesterov.op": "torch.optim.SGD([p0,p1], lr=0.1, momentum=0.9, dampening=0, weight_decay=0.0001, nesterov=True)",
        "sgd_nesterov.formula": "d=g+wd*p; buf=d (t=1) else momentum*buf+d; p-=lr*(d+momentum*buf)",
        "clip.op": "torch.nn.utils.clip_grad_norm_([p0,p1], max_norm=1.0, norm_type=2) on grad.s1.*",
        "clip.formula": "total=sqrt(sum_i ||g_i||^2) (returned, pre-clip); coef=min(max_norm/(total+1e-6),1); g*=coef",
        "cosine.op": "torch.optim.lr_scheduler.LambdaLR(SGD(lr=0.001), lambda); cosine.lr[s] = get_last_lr() after s scheduler steps",
        "cosine.formula": "lr(s)=base*(s+1)/warmup if s<warmup else base*0.5*(1+cos(pi*(s-warmup)/(total-warmup))); base=0.001, warmup=5, total=20, s=0..19",
        "cosine.base_lr": repr(COS_BASE),
        "cosine.warmup": str(COS_WARMUP),
        "cosine.total": str(COS_TOTAL),
    }
    return entries, meta


def check_formulas(init, grads, results):
    """Hand-written float64 AdamW / SGD must agree with torch.optim to ~1e-15."""
    def adamw(wds):
        p = {n: init[n].double().clone() for n in SHAPES}
        m = {n: torch.zeros_like(p[n]) for n in SHAPES}
        v = {n: torch.zeros_like(p[n]) for n in SHAPES}
        lr, (b1, b2), eps = ADAMW["lr"], ADAMW["betas"], ADAMW["eps"]
        out = {}
        for t in range(1, STEPS + 1):
            for n in SHAPES:
                gg = grads[t][n].double()
                p[n] = p[n] * (1 - lr * wds[n])
                m[n] = b1 * m[n] + (1 - b1) * gg
                v[n] = b2 * v[n] + (1 - b2) * gg * gg
                denom = v[n].sqrt() / math.sqrt(1 - b2 ** t) + eps
                p[n] = p[n] - (lr / (1 - b1 ** t)) * m[n] / denom
                out[f"s{t}.{n}"] = p[n]
        for n in SHAPES:
            out[f"m.{n}"], out[f"v.{n}"] = m[n], v[n]
        return out

    def sgd(nesterov):
        p = {n: init[n].double().clone() for n in SHAPES}
        buf = {}
        out = {}
        for t in range(1, STEPS + 1):
            for n in SHAPES:
                d = grads[t][n].double() + SGD["weight_decay"] * p[n]
                buf[n] = d.clone() if t == 1 else SGD["momentum"] * buf[n] + d
                step = d + SGD["momentum"] * buf[n] if nesterov else buf[n]
                p[n] = p[n] - SGD["lr"] * step
                out[f"s{t}.{n}"] = p[n]
        return out

    refs = {"adamw": adamw({"p0": 0.05, "p1": 0.05}), "adamw_nodecay_p1": adamw({"p0": 0.05, "p1": 0.0}),
            "sgd": sgd(False), "sgd_nesterov": sgd(True)}
    for case, ref in refs.items():
        for k, v in ref.items():
            got = results[case][k]
            err = float((got - v).abs().max() / v.abs().max())
            assert err < 1e-13, (case, k, err)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only re-read and verify the existing file")
    args = ap.parse_args()
    torch.set_num_threads(1)
    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    if args.check:
        meta, t = read_safetensors(OUT_PATH, strict=True, only_dtype="F32")
    else:
        entries, meta0 = make()
        write_safetensors(OUT_PATH, entries, meta0)
        meta, t = read_safetensors(OUT_PATH, strict=True, only_dtype="F32")
        assert meta == meta0 and set(t) == set(entries)
        for k, v in entries.items():
            ref = v.detach().to(torch.float32).numpy()
            assert ref.shape == t[k].shape and np.array_equal(ref, t[k]), k
        # regenerating must be bit-identical
        again, _ = make()
        for k, v in again.items():
            assert np.array_equal(v.detach().to(torch.float32).numpy(), t[k]), k
    print(f"{OUT_PATH}: {os.path.getsize(OUT_PATH):,d} bytes, {len(t)} tensors")
    print(f"  clip.total_norm = {float(t['clip.total_norm']):.7g}")
    print(f"  cosine.lr = {np.array2string(t['cosine.lr'], precision=6, max_line_width=200)}")
    print(f"  adamw.s4.p1 = {np.array2string(t['adamw.s4.p1'], precision=6, max_line_width=200)}")
    print(f"  adamw_nodecay_p1.s4.p1 = {np.array2string(t['adamw_nodecay_p1.s4.p1'], precision=6, max_line_width=200)}")
    print("  keys: " + ", ".join(sorted(t)))
    print("all checks passed")


if __name__ == "__main__":
    sys.exit(main())
