#!/usr/bin/env bash
# Swin training-step throughput, umedpt vs torchvision, in one sitting: forward + cross-entropy +
# backward, batch 8, 1000 classes, train mode; nano at 112 px (stochastic depth 0 on both sides),
# tiny = swin_t at 224 px (stochastic depth 0.2 on both sides, torchvision's default). Each point
# runs in fresh processes, alternating umedpt and PyTorch, ROUNDS times (these shared 2-core
# machines vary by ±20 % between runs); the table gives the median of the runs' median ms/step.
# The PyTorch peer runs with fair settings (bench/peers/peer_common.py: OpenBLAS/OpenMP threads
# pinned, OMP_WAIT_POLICY=PASSIVE, its own kernel choice) at 1 and 2 threads; "best" is its
# faster thread count up to ours. With ISA=avx2, umedpt runs with -XX:UseAVX=2 and the peer keeps
# AVX2 kernels (--isa avx2).
#   bench/swin_throughput.sh [ROUNDS] [CONFIGS]      e.g. ISA=avx2 bench/swin_throughput.sh 3 nano
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
configs=${2:-nano tiny}
isa=${ISA:-native}
jopts=$([ "$isa" = avx2 ] && echo "-XX:UseAVX=2" || echo "")
py=/usr/bin/python3
raw=$(mktemp)
for cfg in $configs; do
  sd=$([ $cfg = nano ] && echo "--stochastic-depth 0" || echo "")
  steps=$([ $cfg = nano ] && echo 10 || echo 4)
  for t in 1 2; do
    for r in $(seq "$rounds"); do
      echo "umedpt $cfg $t $(UMEDPT_JAVA_OPTS="$jopts" ./umedpt bench swin --config $cfg --threads $t --steps $steps $sd 2>/dev/null | tail -1)" >> "$raw"
      echo "torch $cfg $t $($py bench/peers/torch_swin.py --isa "$isa" --config $cfg --threads $t --batch 8 --steps $steps 2>/dev/null | grep "^| $cfg" | tail -1)" >> "$raw"
    done
  done
done
lscpu | grep "Model name" | sed 's/  */ /g'
$py bench/peers/torch_swin.py --isa "$isa" --config nano --threads 1 --steps 1 --warmup 0 2>/dev/null | grep "^peer:"
echo "isa: $isa (umedpt JVM options: ${jopts:-none})"
$py - "$raw" "$rounds" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    who, cfg, t, rest = line.split(" ", 3)
    f = [x.strip() for x in rest.strip().strip("|").split("|")]
    ms, rss = (float(f[4]), float(f[7])) if who == "umedpt" else (float(f[9]), float(f[12]))
    rows.setdefault((cfg, t), {}).setdefault(who, []).append((ms, rss))
print(f"rounds per point: {sys.argv[2]}; ms/step = median over rounds of each run's median step\n")
print("| config | threads | umedpt ms/step (runs) | torch ms/step (runs) | umedpt img/s | torch img/s | ratio | ratio vs torch's best | umedpt RSS MiB | torch RSS MiB |")
print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|")
med = lambda d, k: statistics.median(m for m, _ in d[k])
for (cfg, t), d in rows.items():
    u = med(d, "umedpt"); p = med(d, "torch")
    best = min(med(rows[(c, s)], "torch") for (c, s) in rows if c == cfg and int(s) <= int(t))
    runs = lambda k: ", ".join(f"{m:.0f}" for m, _ in d[k])
    print(f"| {cfg} | {t} | {u:.0f} ({runs('umedpt')}) | {p:.0f} ({runs('torch')}) | {8000/u:.2f} | {8000/p:.2f} | {p/u:.2f} | {best/u:.2f} |"
          f" {max(r for _, r in d['umedpt']):.0f} | {max(r for _, r in d['torch']):.0f} |")
PY
rm -f "$raw"
