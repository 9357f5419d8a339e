"""Hand-written safetensors reader and writer shared by the Python tools (no safetensors package).

Used by tools/goldens/make_goldens.py, make_swin_goldens.py, make_optim_goldens.py,
tools/export_torchvision.py and tools/compare_features.py.  Needs numpy; torch only when
writing torch tensors (imported lazily, so compare_features.py runs with numpy alone).

Layout written: u64 little-endian header length N, then N bytes of JSON
{"__metadata__": {str: str, sorted by key}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}
padded with spaces so N % 8 == 0, then the raw little-endian data; tensors sorted by name,
offsets contiguous from 0.  The file is written to PATH.tmp and moved into place with
os.replace, so a reader never sees a half-written file.

Reading accepts F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL.  strict=True additionally
checks that the file has exactly the layout written above (padding, sorted names, contiguous
offsets, no trailing bytes) -- the golden generators use it to verify their own output.
"""

import json
import os
import struct

import numpy as np

# safetensors dtype name -> numpy dtype (BF16 read as its raw 16 bits)
DTYPES = {
    "F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1", "U8": "u1", "BOOL": "?",
}


def _elem_size(dtype):
    if dtype not in DTYPES:
        raise ValueError(f"unsupported dtype {dtype}")
    return np.dtype(DTYPES[dtype]).itemsize


def _count(shape):
    return int(np.prod(shape, dtype=np.int64))


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------


def tensor_entry(t, dtype="F32"):
    """(dtype, shape, raw little-endian bytes) for a torch tensor or numpy array.

    F32: any floating/integer tensor, converted to float32.  F16 / BF16: the tensor must
    already be torch.float16 / torch.bfloat16 (raw bits written as they are).
    """
    if isinstance(t, np.ndarray):
        if dtype != "F32":
            raise ValueError(f"numpy arrays are written as F32 only, not {dtype}")
        a = np.ascontiguousarray(t)
        return "F32", list(a.shape), a.astype("<f4").tobytes()
    import torch

    t = t.detach().contiguous().cpu()
    shape = list(t.shape)
    if dtype == "F32":
        raw = t.to(torch.float32).numpy().astype("<f4").tobytes()
    elif dtype == "F16":
        assert t.dtype == torch.float16, t.dtype
        raw = t.numpy().astype("<f2").tobytes()
    elif dtype == "BF16":
        assert t.dtype == torch.bfloat16, t.dtype
        raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
    else:
        raise ValueError(f"tensor_entry: unsupported dtype {dtype}")
    return dtype, shape, raw


def write_safetensors(path, entries, metadata):
    """Write entries (name -> torch tensor / numpy array, stored F32, or a (dtype, shape, raw)
    tuple from tensor_entry) with __metadata__ metadata (str -> str), atomically."""
    for k, v in metadata.items():
        if not (isinstance(k, str) and isinstance(v, str)):
            raise TypeError(f"metadata must map str to str, got {k!r}: {v!r}")
    header = {"__metadata__": dict(sorted(metadata.items()))}
    blobs = []
    off = 0
    for name in sorted(entries):
        e = entries[name]
        dtype, shape, raw = e if isinstance(e, tuple) else tensor_entry(e)
        if len(raw) != _elem_size(dtype) * _count(shape):
            raise ValueError(f"{name}: {len(raw)} bytes do not match {dtype} {shape}")
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((-len(hjson)) % 8)
    tmp = path + ".tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(hjson)))
            f.write(hjson)
            for raw in blobs:
                f.write(raw)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# --------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------


def _parse(path, strict):
    """Yields (metadata, [(name, dtype, shape, memoryview of the data)]); validates the layout."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: too short for a safetensors file ({len(data)} bytes)")
    (n,) = struct.unpack("<Q", data[:8])
    if 8 + n > len(data):
        raise ValueError(f"{path}: header length {n} exceeds the file size {len(data)}")
    if strict and n % 8 != 0:
        raise ValueError(f"{path}: header not padded to a multiple of 8 ({n} bytes)")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = memoryview(data)[8 + n:]
    meta = header.pop("__metadata__", None) or {}
    names = list(header)
    if strict and names != sorted(names):
        raise ValueError(f"{path}: tensors not sorted by name")
    out = []
    off = 0
    for name in names:
        h = header[name]
        dt = h["dtype"]
        if dt not in DTYPES:
            raise ValueError(f"{path}: tensor {name}: unsupported dtype {dt}")
        shape = [int(s) for s in h["shape"]]
        b, e = h["data_offsets"]
        if not (0 <= b <= e <= len(body)) or e - b != _count(shape) * _elem_size(dt):
            raise ValueError(f"{path}: tensor {name}: bad data_offsets {[b, e]} for {dt} {shape} "
                             f"(data section {len(body)} bytes)")
        if strict and b != off:
            raise ValueError(f"{path}: tensor {name}: offsets not contiguous")
        out.append((name, dt, shape, body[b:e]))
        off = e
    if strict and off != len(body):
        raise ValueError(f"{path}: trailing bytes after the last tensor")
    return meta, out


def read_raw(path, strict=False):
    """Returns (metadata, {name: (dtype, shape, raw bytes)})."""
    meta, items = _parse(path, strict)
    return meta, {name: (dt, shape, bytes(buf)) for name, dt, shape, buf in items}


def _array(dtype, shape, buf):
    a = np.frombuffer(buf, dtype=DTYPES[dtype]).reshape(shape)
    if dtype == "BF16":
        a = (a.astype(np.uint32) << 16).view(np.float32)
    return a


def read_safetensors(path, strict=False, only_dtype=None):
    """Returns (metadata, {name: read-only numpy array}) in the stored dtype (BF16 widened to
    float32).  only_dtype: e.g. "F32" to reject files holding any other dtype."""
    meta, items = _parse(path, strict)
    out = {}
    for name, dt, shape, buf in items:
        if only_dtype is not None and dt != only_dtype:
            raise ValueError(f"{path}: tensor {name} is {dt}, expected {only_dtype}")
        out[name] = _array(dt, shape, buf)
    return meta, out


def decode(dtype, shape, raw):
    """raw bytes -> float64 numpy array (BF16 widened by bit shift)."""
    return _array(dtype, shape, raw).astype(np.float64)
