"""Runs a generated script's corrupt() (on the numpy stand-in for torch) on
all-white digits and prints what it did, as JSON, for
tests/unit-js/pytorch-script.test.mjs to compare with src/noise.rs:

    python3 check_noise.py SCRIPT  ->  {"changed": share of pixels changed, "zeros": .., "ones": ..,
                                        "min": .., "max": .., "blocks": [zeroed pixels per digit]}
"""

import importlib.util
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_stub  # noqa: E402

torch_stub.install()
spec = importlib.util.spec_from_file_location("generated_script", sys.argv[1])
script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(script)

x = torch_stub.tensor(np.full((200, 784), 1.0))
y = np.asarray(script.corrupt(x))
assert y.shape == x.shape, y.shape
print(
    json.dumps(
        {
            "changed": float(np.mean(y != 1.0)),
            "zeros": float(np.mean(y == 0.0)),
            "ones": float(np.mean(y == 1.0)),
            "min": float(y.min()),
            "max": float(y.max()),
            "blocks": sorted({int(n) for n in np.sum(y == 0.0, axis=1)}),
        }
    )
)
