"""Reads a model file saved by Autoencoder Playground with Python's own
`safetensors` package and checks it against what the Rust test says it holds.
Run by tests/checkpoint.rs: python3 read_checkpoint.py FILE EXPECTED_JSON"""
import json
import sys

import numpy as np
from safetensors import safe_open

path, expected = sys.argv[1], json.loads(sys.argv[2])
with safe_open(path, framework="numpy") as f:
    meta = f.metadata()
    assert meta["format"] == "autoencoder-playground/1", meta["format"]
    config = json.loads(meta["config"])
    assert config["model"]["latent"] == expected["latent"], config
    names = sorted(f.keys())
    assert names == sorted(expected["names"]), names
    w = f.get_tensor("encoder.0.weight")
    assert w.dtype == np.float32 and list(w.shape) == expected["shape"], (w.dtype, w.shape)
    assert abs(float(w.sum()) - expected["sum"]) < 1e-3 * max(1.0, abs(expected["sum"])), (float(w.sum()), expected["sum"])
print("python safetensors read", len(names), "tensors")
