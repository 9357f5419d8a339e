#!/usr/bin/env bash
# kernels/gpu-check.sh — the one prepared command for a GPU session (see ../shared/device-kit/README.md).
#
# Here (no GPU):   ../shared/device-kit/make-kit.sh        # builds and fills .device-kit/ (~40 MB)
# There (GPU):     bash kernels/gpu-check.sh               # from the project root; writes under $OUT
#
# Writes, under $OUT (default /tmp/gpu-check):
#   env.txt       what the machine is: nvidia-smi, ldd of the kit's java, the nvidia wheel folders
#                 and CUDA library versions found (record what you see in docs/DESIGN-NOTES.md)
#   junit/        CudaParityTest: every Backend primitive CUDA vs CPU (fp32 <= 1e-5, TF32 <= 1e-3, bf16 GEMM <= 1e-2);
#                 FusedKernelsDeviceTest: window partition/reverse, window attention fwd/bwd and
#                 cross-entropy against double references; the loading tests; as JUnit XML (the
#                 tree is in device.log)
#   bench.md      GpuBench: the multi-task round, swin_t ("tiny") at 224 px, one task of each type,
#                 batch 32 per task, CUDA backend with TF32 GEMMs, then with bf16 GEMM inputs
#                 (--device cuda:bf16); then device memory for N = 1, 2, 4, 8, 16 tasks (nano, accumulate mode)
#   peer.md       bench/peers/torch_multitask_gpu.py (PyTorch eager, TF32 on): the same two measurements
#   summary.txt   one line per stage: its exit status and seconds
# Each stage has its own time limit, 580 s in all (the device call's limit is 600 s); STAGES (default
# "parity bench peer") picks stages for a rerun, e.g. STAGES=parity bash kernels/gpu-check.sh; exit status is
# that of the parity stage (0: every primitive agrees with the CPU).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/gpu-check}
export OUT UMEDPT_CUDA=1   # CudaParityTest tries the device even where /dev/nvidiactl is not visible
mkdir -p "$OUT"
kit=.device-kit
[ -d "$kit" ] || { echo "gpu-check: no $kit here; build it with ../shared/device-kit/make-kit.sh before the GPU call" >&2; exit 2; }
summary=$OUT/summary.txt
: > "$summary"
STAGES=${STAGES:-parity bench peer}
want() { case " $STAGES " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
stage() { # name limit-seconds command...
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS
  timeout --kill-after=10 "$limit" "$@"
  local rc=$?
  echo "$name rc=$rc seconds=$((SECONDS - t0))" | tee -a "$summary"
  return $rc
}

# 1. the machine
[ -x "$kit/jre/bin/java" ] || tar xzf "$kit/jre.tgz" -C "$kit"
{
  echo "date: $(date -u +%FT%TZ)"
  nvidia-smi 2>&1
  echo "--- ldd $kit/jre/bin/java"; ldd "$kit/jre/bin/java" 2>&1
  echo "--- python3 / torch"; python3 -c 'import torch, torchvision; print(torch.__version__, torch.version.cuda, torchvision.__version__, torch.cuda.get_device_name(0))' 2>&1
  nv=$(python3 -c 'import nvidia; print(nvidia.__path__[0])' 2>/dev/null || true)
  echo "--- nvidia wheel folders under ${nv:-?}"; ls -d "$nv"/*/lib 2>&1
  echo "--- CUDA libraries the presets link"
  for l in libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13; do
    p=$(ls "$nv"/cu13/lib/$l* 2>/dev/null | head -1); [ -n "$p" ] || p=$(/sbin/ldconfig -p | awk -v l="$l" '$1 == l {print $NF; exit}')
    echo "$l -> ${p:-not found} $( [ -n "$p" ] && readlink -f "$p")"
  done
} > "$OUT/env.txt" 2>&1
cat "$OUT/env.txt"

# 2. parity of every primitive (launches synchronised one by one), and the loading tests
parity=0
if want parity; then
  stage parity 150 bash "$kit/run.sh" junit --select-class org.umedpt.kernels.CudaParityTest \
    --select-class org.umedpt.kernels.FusedKernelsDeviceTest --select-class org.umedpt.kernels.StubLibcudaTest --reports-dir="$OUT/junit" || parity=$?
fi

# 3. the benchmark (bounded in time: a slow round still leaves its number)
if want bench; then
  stage bench-tiny 120 bash "$kit/run.sh" main org.umedpt.bench.GpuBench --device cuda --config tiny --px 224 --batch 32 \
    --tasks 3 --steps 5 --warmup 2 --max-seconds 90 > "$OUT/bench.md"
  stage bench-tiny-bf16 60 bash "$kit/run.sh" main org.umedpt.bench.GpuBench --device cuda:bf16 --config tiny --px 224 --batch 32 \
    --tasks 3 --steps 5 --warmup 1 --max-seconds 30 > "$OUT/bench-bf16.md"
  tail -n +3 "$OUT/bench-bf16.md" >> "$OUT/bench.md"   # its rows without the table header
  stage bench-memory 60 bash "$kit/run.sh" main org.umedpt.bench.GpuBench --device cuda --config nano --px 112 --batch 8 \
    --tasks 3 --steps 1 --warmup 1 --memory-tasks 1,2,4,8,16 --max-seconds 60 >> "$OUT/bench.md"
fi

# 4. the PyTorch eager peer in the same call
if want peer && [ -f bench/peers/torch_multitask_gpu.py ]; then
  stage peer-tiny 90 python3 bench/peers/torch_multitask_gpu.py --config tiny --batch 32 --tasks 3 --steps 5 > "$OUT/peer.md"
  stage peer-memory 100 python3 bench/peers/torch_multitask_gpu.py --config nano --batch 8 --tasks 3 --steps 1 \
    --memory-tasks 1,2,4,8,16 >> "$OUT/peer.md"
fi
cat "$OUT/bench.md" "$OUT/peer.md" 2>/dev/null
cat "$summary"
exit $parity
