"""Machine description shared by the peer benchmarks (torch_mm.py, torch_swin.py): the CPU
model from lscpu and the BLAS/LAPACK/oneDNN libraries mapped into this process."""

import ctypes
import os
import subprocess


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
