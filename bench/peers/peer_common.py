"""Machine description shared by the peer benchmarks (torch_mm.py, torch_swin.py): the CPU
model from lscpu and the BLAS/LAPACK/oneDNN libraries mapped into this process."""

import ctypes
import os
import subprocess
import sys


def cpu_model():
    """lscpu's "Model name:", or "unknown"."""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return "unknown"


def blas_info():
    """Libraries mapped into this process that look like BLAS/LAPACK/oneDNN, plus OpenBLAS's own report."""
    libs = set()
    with open(f"/proc/{os.getpid()}/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6:
                p = parts[5]
                if any(k in os.path.basename(p).lower() for k in ("blas", "lapack", "mkl", "dnnl", "nvpl")):
                    libs.add(p)
    desc = []
    for p in sorted(libs):
        if "openblas" in os.path.basename(p) and os.path.basename(p).startswith("libopenblas"):
            try:
                lib = ctypes.CDLL(p)
                lib.openblas_get_config.restype = ctypes.c_char_p
                lib.openblas_get_corename.restype = ctypes.c_char_p
                desc.append(f"{lib.openblas_get_config().decode()} (core {lib.openblas_get_corename().decode()})")
            except (OSError, AttributeError):
                pass
    return sorted(libs), desc


# --------------------------------------------------------------------------------------------
# fair peers
# --------------------------------------------------------------------------------------------
# These machines may set OPENBLAS_CORETYPE=Haswell (and OPENBLAS_L2_SIZE), which puts Debian's
# OpenBLAS on AVX2 kernels; OpenBLAS ignores torch.set_num_threads unless OPENBLAS_NUM_THREADS is
# set (so "1 thread" silently uses both cores); and torch 1.13's OpenMP spins at 2 threads here
# unless OMP_WAIT_POLICY=PASSIVE. All of these are read when the libraries load, so each thread
# count runs in a fresh child process with them fixed. With --isa avx2 the peer keeps AVX2 kernels
# on purpose (OpenBLAS Haswell, ATen avx2, oneDNN AVX2), to compare with umedpt under -XX:UseAVX=2.

_FAIR = "UMEDPT_FAIR_PEER"


def fair_env(threads, isa="native"):
    """The environment of a fair torch peer at `threads` threads."""
    env = dict(os.environ)
    for k in ("OPENBLAS_L2_SIZE", "OPENBLAS_CORETYPE", "ATEN_CPU_CAPABILITY", "DNNL_MAX_CPU_ISA", "ONEDNN_MAX_CPU_ISA"):
        env.pop(k, None)
    env.update({"OPENBLAS_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
                "OMP_WAIT_POLICY": "PASSIVE", _FAIR: "1"})
    if isa == "avx2":
        env.update({"OPENBLAS_CORETYPE": "Haswell", "ATEN_CPU_CAPABILITY": "avx2", "DNNL_MAX_CPU_ISA": "AVX2",
                    "ONEDNN_MAX_CPU_ISA": "AVX2"})
    elif isa != "native":
        sys.exit(f"--isa: expected native or avx2, got {isa!r}")
    return env


def _option(argv, name, default):
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return default


def _with_option(argv, name, value):
    out, skip = [], False
    for i, a in enumerate(argv):
        if skip:
            skip = False
            continue
        if a == name:
            skip = True
            continue
        if not a.startswith(name + "="):
            out.append(a)
    return out + [name, value]


def ensure_fair(default_threads):
    """Call before importing torch. Unless this process already is a fair child, runs this script
    once per thread count of --threads (default `default_threads`) in a child with fair_env, then
    exits with the first failing child's status (or 0)."""
    if os.environ.get(_FAIR) == "1":
        return
    argv = sys.argv[1:]
    if "-h" in argv or "--help" in argv:
        return
    isa = _option(argv, "--isa", "native")
    for t in [s.strip() for s in _option(argv, "--threads", default_threads).split(",") if s.strip()]:
        sys.stdout.flush()
        rc = subprocess.call([sys.executable, os.path.abspath(sys.argv[0])] + _with_option(argv, "--threads", t),
                             env=fair_env(int(t), isa))
        if rc != 0:
            sys.exit(rc)
    sys.exit(0)


def time_calls(fn, target_s, reps=3):
    """Seconds per call of fn: 3 warm-up calls, the number of calls calibrated so that one
    repetition takes >= target_s, then `reps` repetitions; returns each repetition's s/call."""
    import time
    for _ in range(3):
        fn()
    calls = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        dt = time.perf_counter() - t0
        if dt >= target_s / 4 or calls >= 1 << 20:
            break
        calls *= 2
    calls = max(1, int(calls * target_s / max(dt, 1e-9)) + 1)
    per_call = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        per_call.append((time.perf_counter() - t0) / calls)
    return per_call, calls


_FTZ = "UMEDPT_PEER_FTZ"


def torch_setup(torch):
    """Options of the peer's torch that are not thread settings. UMEDPT_PEER_FTZ=1 sets
    torch.set_flush_denormal(True): subnormal floats then compute as zero, as umedpt's exp never
    produces them (PyTorch's default keeps them, and x86 takes a slow assist on each; Swin's
    shifted-window mask makes e^-100 = 3.7e-44 probabilities). The default peer leaves it off."""
    if os.environ.get(_FTZ) == "1" and not torch.set_flush_denormal(True):
        sys.stderr.write("peer: WARNING: UMEDPT_PEER_FTZ=1 but this CPU does not support flush-denormal\n")


def peer_line():
    """One line saying how this peer runs: OpenBLAS core, thread variables, ISA limits."""
    _, desc = blas_info()
    keys = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "OPENBLAS_CORETYPE", "ATEN_CPU_CAPABILITY",
            "DNNL_MAX_CPU_ISA")
    env = ", ".join(f"{k}={os.environ[k]}" for k in keys if k in os.environ)
    if not desc:
        # Debian's python3-torch runs on whatever libblas.so.3 the alternatives system points at: on a
        # fresh machine that can be the reference BLAS, ~30x slower than OpenBLAS (torch.mm 1024³ at
        # 5 GFLOP/s), which makes every comparison meaningless
        sys.stderr.write("peer: WARNING: no OpenBLAS in this process; torch.mm runs on the reference BLAS. "
                         "Install it: apt-get install libopenblas0-pthread\n")
    ftz = "; flush_denormal on (UMEDPT_PEER_FTZ=1)" if os.environ.get(_FTZ) == "1" else ""
    return f"peer: {'; '.join(desc) or 'no OpenBLAS mapped (reference BLAS: not a fair peer)'}; {env}{ftz}"
