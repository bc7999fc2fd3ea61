"""Reading the model's weights: a .safetensors file is a JSON header plus raw arrays, a
page of code here rather than the ``safetensors`` package (used by search.embeddings and
search.onnx_model)."""

from __future__ import annotations

import json
from pathlib import Path


def load_safetensors(path: Path) -> dict:
    """``{name: array}`` from a .safetensors file: an 8-byte little-endian header length,
    a JSON header giving each tensor's dtype, shape and byte range, then the bytes."""
    import numpy as np

    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8:8 + size])
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data, dtype=dtypes[info["dtype"]], count=(end - start)
                                      // np.dtype(dtypes[info["dtype"]]).itemsize,
                                      offset=8 + size + start).reshape(info["shape"])
    return tensors
