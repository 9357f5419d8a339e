#!/usr/bin/env bash
# Rebuilds the committed fatbins from kernels/src/main/cuda/*.cu with nvcc 13 (CUDA 13.0 here):
# SASS for sm_80 (A100) and sm_90 (H100/H200), plus compute_80 PTX that newer cards JIT-compile.
# Next to each fatbin goes <name>.fatbin.sha256: the SHA-256 of the kernel source, common.cuh and
# the flags, which FatbinFreshnessTest compares with the sources (a stale fatbin fails the build).
# Usage: kernels/build-fatbins.sh [name ...]   (default: every .cu)
set -euo pipefail
cd "$(dirname "$0")"
NVCC=${NVCC:-nvcc}
SRC=src/main/cuda
OUT=src/main/resources/org/umedpt/kernels/fatbin
FLAGS="-O3 -std=c++17 -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 -gencode arch=compute_80,code=compute_80"
mkdir -p "$OUT"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$SRC"/*.cu; do names+=("$(basename "$f" .cu)"); done
fi
for n in "${names[@]}"; do
  nice -n 10 "$NVCC" -fatbin $FLAGS -o "$OUT/$n.fatbin" "$SRC/$n.cu"
  # the hash FatbinFreshnessTest recomputes: source bytes, common.cuh bytes, the flags line
  { cat "$SRC/$n.cu" "$SRC/common.cuh"; printf '%s' "$FLAGS"; } | sha256sum | cut -d' ' -f1 > "$OUT/$n.fatbin.sha256"
  echo "$n.fatbin $(stat -c %s "$OUT/$n.fatbin") bytes"
done
printf '%s\n' "$FLAGS" > "$OUT/FLAGS"
