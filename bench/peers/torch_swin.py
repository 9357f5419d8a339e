#!/usr/bin/python3
"""Peer benchmark: torchvision Swin Transformer training-step throughput on CPU (fp32).

For comparison with umedpt's Java engine.  Run with the system interpreter (Debian's
python3-torch / python3-torchvision):

    /usr/bin/python3 bench/peers/torch_swin.py                          # both configs, threads 1,2
    /usr/bin/python3 bench/peers/torch_swin.py --config nano --threads 1,2 --batch 8
    /usr/bin/python3 bench/peers/torch_swin.py --config tiny --optimizer  # include AdamW step
    /usr/bin/python3 bench/peers/torch_swin.py --quick --config nano --threads 1 --steps 2  # smoke test

Configs
  tiny  torchvision.models.swin_t() (num_classes=1000, its default stochastic_depth_prob=0.2),
        224x224 input
  nano  SwinTransformer(patch_size=[4,4], embed_dim=48, depths=[2,2,2,2],
        num_heads=[3,6,12,24], window_size=[7,7], stochastic_depth_prob=0.0,
        num_classes=1000), 112x112 input (stage maps 28,14,7,4 -> stage 4 pads 4x4 to 7x7)

One step (model.train()): logits = model(x); loss = cross_entropy(logits, y) with fixed
random labels y; loss.backward(); [optimizer.step() with --optimizer: AdamW(lr=1e-3,
weight_decay=0.05)]; model.zero_grad(set_to_none=True).  Input and labels are drawn once
(torch.manual_seed(0)).  2 warm-up steps, then --steps timed steps (default 5 for tiny, 10
for nano; --quick: 1 warm-up step and 2 timed steps unless --steps is given); reports
median ms/step and img/s = batch / median step time, plus min ms/step.  Threads are set with
torch.set_num_threads per row.  Peak RSS is ru_maxrss of this process (cumulative: the
largest over all rows so far).  Prints a Markdown table, torch/torchvision versions, the
CPU model and the load average (the machine may be shared).

Note: tiny keeps swin_t's stochastic_depth_prob=0.2 (as torchvision's constructor sets it;
in train() mode it randomly drops residual rows), nano uses 0.0.  Neither changes the
amount of work much, but it is listed in the table.
"""

import argparse
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import ensure_fair  # noqa: E402

ensure_fair("1,2")  # before torch loads: fair OpenBLAS/OpenMP settings per thread count

import torch
import torch.nn.functional as F
import torchvision
from torchvision.models import swin_t
from torchvision.models.swin_transformer import SwinTransformer

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import cpu_model, peer_line, torch_setup  # noqa: E402

CONFIGS = {
    "tiny": dict(image=224, steps=5, sd=0.2, desc="swin_t (embed 96, depths 2,2,6,2, heads 3,6,12,24, window 7)"),
    "nano": dict(image=112, steps=10, sd=0.0, desc="embed 48, depths 2,2,2,2, heads 3,6,12,24, window 7"),
}


def build(config):
    if config == "tiny":
        return swin_t(num_classes=1000)
    return SwinTransformer(patch_size=[4, 4], embed_dim=48, depths=[2, 2, 2, 2], num_heads=[3, 6, 12, 24],
                           window_size=[7, 7], stochastic_depth_prob=0.0, num_classes=1000)


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def bench(config, threads, batch, steps, warmup, optimizer):
    torch.set_num_threads(threads)
    torch_setup(torch)
    torch.manual_seed(0)
    model = build(config)
    model.train()
    n_params = sum(p.numel() for p in model.parameters())
    size = CONFIGS[config]["image"]
    x = torch.randn(batch, 3, size, size)
    y = torch.randint(0, 1000, (batch,))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05) if optimizer else None

    def step():
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        if opt is not None:
            opt.step()
        model.zero_grad(set_to_none=True)
        return float(loss)

    for _ in range(warmup):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    return {
        "config": config, "image": size, "batch": batch, "threads": threads, "params": n_params,
        "optimizer": "AdamW" if optimizer else "none", "steps": steps, "sd": CONFIGS[config]["sd"],
        "ms_med": med * 1e3, "ms_min": min(times) * 1e3, "img_s": batch / med, "rss": peak_rss_mib(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", default="tiny,nano", help="comma list of: " + ",".join(CONFIGS))
    ap.add_argument("--isa", default="native", choices=["native", "avx2"],
                    help="native: OpenBLAS picks its kernels; avx2: keep AVX2 kernels (compare with -XX:UseAVX=2)")
    ap.add_argument("--threads", default="1,2", help="comma list of torch.set_num_threads values")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--steps", type=int, default=None, help="timed steps (default: 5 tiny, 10 nano; 2 with --quick)")
    ap.add_argument("--warmup", type=int, default=None, help="warm-up steps (default 2; 1 with --quick)")
    ap.add_argument("--optimizer", action="store_true", help="include an AdamW step in each timed step")
    ap.add_argument("--quick", action="store_true", help="smoke test: fewer warm-up and timed steps")
    args = ap.parse_args()

    configs = [c.strip() for c in args.config.split(",") if c.strip()]
    for c in configs:
        if c not in CONFIGS:
            ap.error(f"unknown config {c!r}")
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)

    rows = []
    for c in configs:
        steps = args.steps if args.steps is not None else (2 if args.quick else CONFIGS[c]["steps"])
        for t in threads:
            rows.append(bench(c, t, args.batch, steps, warmup, args.optimizer))

    print(peer_line())
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, CPU: {cpu_model()}, "
          f"os.cpu_count() {os.cpu_count()}, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"warm-up {warmup} steps; step = forward + cross-entropy + backward"
          f"{' + AdamW step' if args.optimizer else ''} + zero_grad; train() mode; fp32\n")
    print("| config | model | image | batch | threads | params | stoch. depth | optimizer | steps "
          "| median ms/step | min ms/step | img/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['config']} | {CONFIGS[r['config']]['desc']} | {r['image']} | {r['batch']} | {r['threads']} "
              f"| {r['params']:,d} | {r['sd']} | {r['optimizer']} | {r['steps']} | {r['ms_med']:.1f} "
              f"| {r['ms_min']:.1f} | {r['img_s']:.2f} | {r['rss']:.0f} |")


if __name__ == "__main__":
    main()
