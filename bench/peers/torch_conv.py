#!/usr/bin/python3
"""Peer benchmark: PyTorch (CPU, oneDNN) fp32 3x3 convolutions, forward + backward, on the shapes of
umedpt's ConvBench (bench/src/main/java/org/umedpt/bench/ConvBench.java).

    /usr/bin/python3 bench/peers/torch_conv.py                 # threads 1
    /usr/bin/python3 bench/peers/torch_conv.py --threads 1,2

Shape "cin_cout_sizes": batch 8, cin -> cout channels, 3x3 kernel, stride 1, padding 1, on each map
size in sizes (a pyramid's levels: one F.conv2d per level with the same weight, as FCOS towers run).
One point = forward on every level, then backward of sum(y * upstream) to the inputs, the weight and
the bias. Median of 3 repetitions of >= --target s; GFLOP/s counts the direct convolution's FLOPs
(3 products of 2*cin*cout*9*positions), as ConvBench does.
"""

import argparse
import os
import statistics
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import ensure_fair, peer_line, time_calls, torch_setup  # noqa: E402

ensure_fair("1")  # before torch loads: fair OpenBLAS/OpenMP settings per thread count

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

SHAPES = ["576_96_7", "192_64_14", "112_32_28", "32_16_56", "16_16_56", "16_2_56", "128_128_14", "128_128_14.7.4.2.1",
          "128_1_14.7.4.2.1"]
BATCH = 8


def parse(shape):
    cin, cout, sizes = shape.split("_")
    return int(cin), int(cout), [int(s) for s in sizes.split(".")]


def main():
    ap = argparse.ArgumentParser(description="PyTorch CPU 3x3 convolution peer benchmark")
    ap.add_argument("--threads", default="1", help="comma list of thread counts (default 1)")
    ap.add_argument("--isa", default="native", choices=["native", "avx2"])
    ap.add_argument("--target", type=float, default=0.5, help="seconds per repetition (default 0.5)")
    args = ap.parse_args()
    torch.set_num_threads(int(args.threads))
    torch_setup(torch)
    torch.manual_seed(0)
    print(peer_line())
    print("| shape (cin_cout_sizes) | threads | ms fwd+bwd | GFLOP/s |")
    print("|---|---:|---:|---:|")
    for shape in SHAPES:
        cin, cout, sizes = parse(shape)
        w = (0.05 * torch.randn(cout, cin, 3, 3)).requires_grad_()
        b = torch.zeros(cout, requires_grad=True)
        xs = [torch.randn(BATCH, cin, s, s, requires_grad=True) for s in sizes]
        ups = [torch.randn(BATCH, cout, s, s) for s in sizes]

        def step():
            loss = sum((F.conv2d(x, w, b, padding=1) * u).sum() for x, u in zip(xs, ups))
            loss.backward()

        per, _ = time_calls(step, args.target)
        ms = statistics.median(per) * 1e3
        flops = 3 * 2.0 * cin * cout * 9 * sum(BATCH * s * s for s in sizes)
        print(f"| {shape} | {args.threads} | {ms:.3f} | {flops / ms / 1e6:.1f} |")


if __name__ == "__main__":
    main()
