#!/usr/bin/python3
"""Peer benchmark: PyTorch (CPU) fp32 GEMM throughput, for comparison with umedpt's kernels.

Run with the system interpreter (Debian's python3-torch):

    /usr/bin/python3 bench/peers/torch_mm.py            # full run, >= 1 s per repetition
    /usr/bin/python3 bench/peers/torch_mm.py --quick    # ~0.1 s per repetition

For threads in (1, 2) (torch.set_num_threads) it times square torch.mm for
n in (256, 512, 1024, 2048) and the two attention-shaped torch.bmm products
(256,49,32)x(256,32,49) and (256,49,49)x(256,49,32).  Each point: warm-up, then
3 repetitions of enough calls to fill the target time; GFLOP/s = 2*M*N*K*batch
per product / seconds per call, reported as best and median of the 3.
Prints a Markdown table plus the BLAS library torch has mapped, the torch
version, the CPU model (lscpu) and the load average (the machine may be shared).
"""

import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import ensure_fair  # noqa: E402

ensure_fair("1,2")  # before torch loads: fair OpenBLAS/OpenMP settings per thread count

import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import blas_info, cpu_model, peer_line, time_calls, torch_setup  # noqa: E402


def time_point(fn, flops, target_s, reps=3):
    per_call, calls = time_calls(fn, target_s, reps)
    gf = [flops / s / 1e9 for s in per_call]
    return max(gf), statistics.median(gf), min(per_call), calls


def main():
    ap = argparse.ArgumentParser(description="PyTorch CPU fp32 GEMM peer benchmark")
    ap.add_argument("--quick", action="store_true", help="short run (~0.1 s per repetition)")
    ap.add_argument("--isa", default="native", choices=["native", "avx2"],
                    help="native: OpenBLAS picks its kernels; avx2: keep AVX2 kernels (compare with -XX:UseAVX=2)")
    ap.add_argument("--threads", default="1,2", help="comma list of thread counts (default 1,2)")
    args = ap.parse_args()
    target = 0.1 if args.quick else 1.0
    threads = [int(t) for t in args.threads.split(",")]

    torch.manual_seed(0)
    points = []
    for n in (256, 512, 1024, 2048):
        a, b = torch.randn(n, n), torch.randn(n, n)
        out = torch.empty(n, n)
        points.append((f"mm {n}x{n}x{n}", f"({n},{n})x({n},{n})", 2.0 * n * n * n,
                       (lambda a=a, b=b, out=out: torch.mm(a, b, out=out))))
    for (bs, m, k), (_, _, n) in [((256, 49, 32), (256, 32, 49)), ((256, 49, 49), (256, 49, 32))]:
        a, b = torch.randn(bs, m, k), torch.randn(bs, k, n)
        out = torch.empty(bs, m, n)
        points.append((f"bmm {bs}x({m}x{n}x{k})", f"({bs},{m},{k})x({bs},{k},{n})", 2.0 * bs * m * n * k,
                       (lambda a=a, b=b, out=out: torch.bmm(a, b, out=out))))

    rows = []
    torch_setup(torch)
    for t in threads:
        torch.set_num_threads(t)
        for name, shape, flops, fn in points:
            best, med, sec, calls = time_point(fn, flops, target)
            rows.append((t, name, shape, best, med, sec * 1e3, calls))

    libs, desc = blas_info()
    env = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "GOTO", "MKL"))}
    print(f"# torch {torch.__version__} CPU fp32 GEMM ({'quick' if args.quick else 'full'} run)")
    print()
    print(f"- {peer_line()}")
    print(f"- CPU: {cpu_model()} ({os.cpu_count()} logical CPUs, affinity {len(os.sched_getaffinity(0))})")
    print(f"- BLAS mapped: {', '.join(libs) if libs else 'none found'}")
    for d in desc:
        print(f"- OpenBLAS: {d}")
    print(f"- env: {env if env else 'no OPENBLAS_/OMP_/GOTO/MKL variables'}")
    print(f"- load average at end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"- per point: warm-up 3 calls, 3 repetitions of >= {target:g} s; GFLOP/s = 2*M*N*K(*batch) / time per call")
    print()
    print("| threads | op | shapes | GFLOP/s best | GFLOP/s median | ms/call (best) | calls/rep |")
    print("|---:|---|---|---:|---:|---:|---:|")
    for t, name, shape, best, med, ms, calls in rows:
        print(f"| {t} | {name} | {shape} | {best:.1f} | {med:.1f} | {ms:.3f} | {calls} |")


if __name__ == "__main__":
    main()
