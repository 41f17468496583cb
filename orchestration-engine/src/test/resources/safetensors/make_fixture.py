"""Writes reference.safetensors the way the reference implementation (huggingface/safetensors) lays a file
out, without depending on it: little-endian u64 header length, JSON header with "__metadata__" first and
tensors keyed by name (sorted), data sorted by dtype width (largest first) then name, header padded with
spaces to a multiple of 8. Mixed dtypes (F32, F16, BF16, F64) exercise conversion. Run: python3 make_fixture.py
"""
import json
import struct

import numpy as np

tensors = {
    "fc.weight": np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5,
    "fc.bias": np.array([1.5, -2.25], dtype=np.float16),
    "emb": np.array([0.1, -3.0, 1e-3], dtype=np.float64),
}
bf16_values = np.array([1.0, -0.5, 3.140625, 0.0], dtype=np.float32)  # exactly representable in bfloat16
bf16 = (bf16_values.view(np.uint32) >> 16).astype(np.uint16)

entries = [(name, arr, {np.float32: "F32", np.float16: "F16", np.float64: "F64"}[arr.dtype.type])
           for name, arr in tensors.items()]
entries.append(("scale", bf16, "BF16"))
width = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2}
entries.sort(key=lambda e: (-width[e[2]], e[0]))

header = {"__metadata__": {"format": "pt", "source": "make_fixture.py"}}
data = b""
for name, arr, dtype in entries:
    raw = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
    header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
ordered = {"__metadata__": header.pop("__metadata__")}
ordered.update(sorted(header.items()))
h = json.dumps(ordered, separators=(",", ":")).encode()
h += b" " * ((8 - len(h) % 8) % 8)
with open("reference.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + data)
