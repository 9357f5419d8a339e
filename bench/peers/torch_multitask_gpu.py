#!/usr/bin/env python3
"""Peer benchmark on a GPU: PyTorch eager (TF32 on) running umedpt's multi-task round.

The model, data and losses are torch_multitask.py's (the CPU peer: torchvision's Swin + the same
squeezer, U-Net decoder, FCOS neck, heads and losses), with the encoder switched to swin_t
("tiny": embed 96, depths 2-2-6-2, heads 3-6-12-24, window 7) at 224 px by --config tiny; the
round is accumulate mode (per task: forward, loss, backward, head AdamW step; then one shared
AdamW step). Run by kernels/gpu-check.sh on the GPU machine (torch 2.11 + CUDA 13 there):

    python3 bench/peers/torch_multitask_gpu.py --config tiny --batch 32 --steps 5 --memory-tasks 1,2,4,8,16
    python3 bench/peers/torch_multitask_gpu.py --device cpu --config nano --batch 2 --steps 1   # smoke test anywhere

Prints markdown rows: | peer | config | px | tasks | batch/task | ms/round | img/s | peak device MiB |.
Each point runs in a fresh process, so its peak (torch.cuda.max_memory_allocated) is its own.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import types

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))

# torch_multitask.py is written for the nano encoder at 112 px; these edits make it swin_t at 224.
TINY = [("embed_dim=48, depths=[2, 2, 2, 2]", "embed_dim=96, depths=[2, 2, 6, 2]"),
        ("self.channels = [48 * 2 ** i", "self.channels = [96 * 2 ** i"),
        ("nn.Linear(384, c)", "nn.Linear(768, c)"),
        ("IMAGE = 112", "IMAGE = 224")]


def load_peer(config):
    path = os.path.join(HERE, "torch_multitask.py")
    src = open(path).read()
    if config == "tiny":
        for a, b in TINY:
            if a not in src:
                sys.exit(f"torch_multitask_gpu: cannot make the tiny config: {a!r} not found in {path}")
            src = src.replace(a, b)
    elif config != "nano":
        sys.exit(f"unknown --config {config!r} (nano or tiny)")
    mod = types.ModuleType("torch_multitask_" + config)
    mod.__file__ = path
    exec(compile(src, path, "exec"), mod.__dict__)
    return mod


def to(obj, device):
    if isinstance(obj, (list, tuple)):
        return type(obj)(to(o, device) for o in obj)
    return obj.to(device)


def run_point(config, device, n_tasks, batch, steps, warmup):
    import torch
    peer = load_peer(config)
    torch.manual_seed(0)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    kinds = [peer.TYPES[i % 3] for i in range(n_tasks)]
    data = [to(peer.make_data(k, batch, 1000 + i), device) for i, k in enumerate(kinds)]  # drawn on the CPU, seeded
    if device == "cuda" and hasattr(torch, "set_default_device"):
        torch.set_default_device("cuda")  # the FCOS target code creates its tensors without a device
    m = peer.build_modules()
    shared = m["SharedBlocks"]().to(device).train()
    heads = [m["heads"][k](peer.CLASSES[k]).to(device).train() for k in kinds]
    shared_opt = torch.optim.AdamW(shared.parameters(), lr=1e-4, weight_decay=1e-2)
    head_opts = [torch.optim.AdamW(h.parameters(), lr=1e-3, weight_decay=1e-2) for h in heads]

    def loss_of(i):
        k, (x, y) = kinds[i], data[i]
        f = shared(x, k)
        out = heads[i](f)
        if k == "cls":
            return m["cls_loss"](out, y)
        if k == "seg":
            return m["seg_loss"](out, y)
        return m["det_loss"](f, out, y[0], y[1])

    def step():
        for i in range(n_tasks):
            loss_of(i).backward()
            head_opts[i].step()
            head_opts[i].zero_grad(set_to_none=True)
        shared_opt.step()
        shared_opt.zero_grad(set_to_none=True)

    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    for _ in range(warmup):
        step()
    sync()
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    peak = torch.cuda.max_memory_allocated() / 2 ** 20 if device == "cuda" else float("nan")
    return {"tasks": n_tasks, "batch": batch, "ms": med * 1e3, "img_s": n_tasks * batch / med, "peak_mib": peak,
            "px": peer.IMAGE}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", default="tiny", help="tiny (swin_t, 224 px) or nano (112 px)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--tasks", type=int, default=3, help="task i has type i mod 3 (cls, seg, det)")
    ap.add_argument("--batch", type=int, default=32, help="batch per task")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--memory-tasks", default="", help="comma list of task counts for the memory sweep (1 timed step each)")
    ap.add_argument("--point", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.point:
        print(json.dumps(run_point(a.config, a.device, a.tasks, a.batch, a.steps, a.warmup)))
        return
    points = [(a.tasks, a.steps, a.warmup)] + [(int(n), 1, 1) for n in a.memory_tasks.split(",") if n.strip()]
    import torch
    print(f"torch {torch.__version__}, device {a.device}"
          + (f" ({torch.cuda.get_device_name(0)}), TF32 on" if a.device == "cuda" else "") + ", eager, fp32 storage\n")
    print("| peer | config | px | tasks | batch/task | ms/round | img/s | peak device MiB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for n, steps, warmup in points:
        cmd = [sys.executable, os.path.abspath(__file__), "--point", "--config", a.config, "--device", a.device,
               "--tasks", str(n), "--batch", str(a.batch), "--steps", str(steps), "--warmup", str(warmup)]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stdout + p.stderr)
            sys.exit(f"point tasks={n} failed (exit {p.returncode})")
        r = json.loads(p.stdout.strip().splitlines()[-1])
        print(f"| torch eager | {a.config} | {r['px']} | {r['tasks']} | {r['batch']} | {r['ms']:.1f} | {r['img_s']:.1f} "
              f"| {r['peak_mib']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
