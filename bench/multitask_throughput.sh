#!/usr/bin/env bash
# Multi-task round throughput and peak RSS, umedpt vs PyTorch, in one sitting: nano encoder at
# 112 px, one classification, one segmentation and one detection task, batch 8 each, accumulate
# mode (bench/peers/torch_multitask.py mirrors the model). Fresh processes alternating, ROUNDS times;
# the table gives the median of the runs' median ms/step. The peer runs with fair settings
# (bench/peers/peer_common.py); "best" is its faster thread count up to ours. ISA=avx2 runs umedpt
# with -XX:UseAVX=2 and the peer on AVX2 kernels.
#   bench/multitask_throughput.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
isa=${ISA:-native}
jopts=$([ "$isa" = avx2 ] && echo "-XX:UseAVX=2" || echo "")
py=/usr/bin/python3
raw=$(mktemp)
for t in 1 2; do
  for r in $(seq "$rounds"); do
    echo "umedpt $t $(UMEDPT_JAVA_OPTS="$jopts" ./umedpt bench multitask --threads $t --steps 5 2>/dev/null | grep '^| nano' | tail -1)" >> "$raw"
    echo "torch $t $($py bench/peers/torch_multitask.py --isa "$isa" --tasks 3 --mode accumulate --threads $t --batch 8 --steps 5 2>/dev/null | grep '^| nano' | tail -1)" >> "$raw"
  done
done
lscpu | grep "Model name" | sed 's/  */ /g'
$py bench/peers/torch_multitask.py --isa "$isa" --quick --threads 1 2>/dev/null | grep "^peer:"
echo "isa: $isa (umedpt JVM options: ${jopts:-none})"
$py - "$raw" "$rounds" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    who, t, rest = line.split(" ", 2)
    f = [x.strip() for x in rest.strip().strip("|").split("|")]
    ms, rss = (float(f[5]), float(f[8])) if who == "umedpt" else (float(f[6]), float(f[9]))
    rows.setdefault(t, {}).setdefault(who, []).append((ms, rss))
print(f"rounds per point: {sys.argv[2]}; ms/step = median over rounds of each run's median round\n")
print("| threads | umedpt ms/round (runs) | torch ms/round (runs) | umedpt img/s | torch img/s | ratio | ratio vs torch's best | umedpt RSS MiB | torch RSS MiB | RSS ratio |")
print("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
med = lambda d, k: statistics.median(m for m, _ in d[k])
for t, d in rows.items():
    u = med(d, "umedpt"); p = med(d, "torch")
    best = min(med(rows[s], "torch") for s in rows if int(s) <= int(t))
    ur = max(r for _, r in d["umedpt"]); pr = max(r for _, r in d["torch"])
    runs = lambda k: ", ".join(f"{m:.0f}" for m, _ in d[k])
    print(f"| {t} | {u:.0f} ({runs('umedpt')}) | {p:.0f} ({runs('torch')}) | {24000/u:.2f} | {24000/p:.2f} | {p/u:.2f} | {best/u:.2f} | {ur:.0f} | {pr:.0f} | {ur/pr:.2f} |")
PY
rm -f "$raw"
