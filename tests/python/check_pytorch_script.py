"""Checks a PyTorch script from the playground's "Show code" against a file the
playground saved for the same settings, with numpy only (no torch: the script
runs on the numpy stand-in in torch_stub.py, so its own nn.Module is what is
checked). Run by tests/pytorch_script.rs:

    python3 check_pytorch_script.py SCRIPT SAVED INPUTS EPS OUT

SCRIPT  the generated script          SAVED  the playground's file (fresh weights)
INPUTS  n × input float32 digits      EPS    n × latent float32: the VAE's ε for the objective
OUT     a directory for what the Rust test reads back:
        numpy.safetensors   random weights in the playground's layout, written with safetensors.numpy
        script.safetensors  the same weights loaded and saved again by the script's load_model/save_model
        recon.f32           numpy's own forward pass of those weights on INPUTS (n × input float32)
        objective.json      {"total": the script's objective on INPUTS (target = INPUTS), or null with dropout}

(a) The script's state dict (names, shapes: dense weights [out, in], transposed
on save; convolution kernels as the file holds them) and its CONFIG equal the
saved file's tensors and metadata; a conv model's nn.Conv2d/nn.ConvTranspose2d
calls have the kernel, stride, padding and output_padding worked out here from
the config; its initialisation has the spread of the engine's (He or Xavier per
layer, with the engine's fans) and zero biases; its optimiser gets the file's
settings. (b) The script loads the numpy-written file and reconstructs as
numpy's forward pass does (for conv models, conv_forward.py's, which crops each
transposed convolution to the size its block started from); the Rust test
checks the engine does too.
"""

import importlib.util
import json
import math
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conv_forward  # noqa: E402
import torch_stub  # noqa: E402

torch_stub.install()
from safetensors import safe_open  # noqa: E402  (patched by install: framework "pt" reads as numpy)
from safetensors.numpy import save_file  # noqa: E402

script_path, saved_path, inputs_path, eps_path, out = sys.argv[1:6]

spec = importlib.util.spec_from_file_location("generated_script", script_path)
script = importlib.util.module_from_spec(spec)
spec.loader.exec_module(script)  # the script trains only under __main__


def read_file(path):
    with safe_open(path, framework="numpy") as f:
        return f.metadata(), {k: f.get_tensor(k) for k in f.keys()}


meta, saved = read_file(saved_path)
config = json.loads(meta["config"])
m, t = config["model"], config["train"]

# (a) Names and shapes: the script's module against the playground's file.
model = script.Autoencoder()
state = model.state_dict()
assert sorted(state) == sorted(saved), f"state dict {sorted(state)} != file {sorted(saved)}"
for name, value in state.items():
    want = saved[name].shape
    have = value.shape[::-1] if len(want) == 2 else value.shape  # only dense weights are transposed
    assert have == want, f"{name}: the script's {value.shape} does not match the file's {want}"
exported = script.to_playground(model)
assert {k: v.shape for k, v in exported.items()} == {k: v.shape for k, v in saved.items()}, "to_playground's shapes"
linears = sorted(torch_stub.LINEARS)
from_file = sorted(tuple(v.shape) for v in saved.values() if v.ndim == 2)
assert linears == from_file, f"nn.Linear(in, out) calls {linears} != the file's dense weights {from_file}"


def image_shapes(m):
    """The input image and each conv block's output (C, H, W), padding k // 2 (src/config.rs conv_shapes)."""
    image = m.get("image")
    if image is None:
        side = round(math.sqrt(m["input"]))
        image = {"channels": 1, "height": side, "width": side}
    shapes = [(image["channels"], image["height"], image["width"])]
    for b in m.get("conv", []):
        k, s, p = b["kernel"], b["stride"], b["kernel"] // 2
        _, h, w = shapes[-1]
        shapes.append((b["channels"], (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1))
    return shapes


def conv_calls(m):
    """The convolutions a conv model is made of, in the order the script builds them: each
    block's Conv2d, then the ConvTranspose2d mirrors from the last block back, each with the
    output_padding that grows it to the size its block started from."""
    shapes, blocks = image_shapes(m), m.get("conv", [])
    window = lambda b: ((b["kernel"],) * 2, (b["stride"],) * 2, (b["kernel"] // 2,) * 2)  # noqa: E731
    calls = [("Conv2d", shapes[i][0], b["channels"], *window(b), (0, 0)) for i, b in enumerate(blocks)]
    for i in reversed(range(len(blocks))):
        k, s, p = blocks[i]["kernel"], blocks[i]["stride"], blocks[i]["kernel"] // 2
        grow = tuple(shapes[i][d] + 2 * p - (shapes[i + 1][d] - 1) * s - k for d in (1, 2))
        assert all(0 <= g < s for g in grow), f"block {i}: output_padding {grow} for stride {s}"
        calls.append(("ConvTranspose2d", shapes[i + 1][0], shapes[i][0], *window(blocks[i]), grow))
    return calls


assert torch_stub.CONVS == conv_calls(m), f"convolutions {torch_stub.CONVS} != {conv_calls(m)}"
assert script.CONFIG == config, f"CONFIG differs from the file's metadata:\n{script.CONFIG}\n{config}"
assert meta["format"] == script.FORMAT

# The same initialisation: each large weight's spread matches the engine's (He and Xavier differ by >10%),
# and so does its largest |w|, the uniform's bound (to 1%: 2000 draws all below 0.99·bound has odds 2e-9),
# which tells apart fans a few percent off (PyTorch's own for a 3×3 stride-2 transposed kernel: 6%).
for name, value in exported.items():
    if name.endswith(".weight") and value.size >= 2000:
        ours, theirs = float(np.std(value)), float(np.std(saved[name]))
        assert abs(ours / theirs - 1) < 0.05, f"{name}: init spread {ours:.4f} in the script, {theirs:.4f} in the engine"
        ours, theirs = float(np.max(np.abs(value))), float(np.max(np.abs(saved[name])))
        assert abs(ours / theirs - 1) < 0.01, f"{name}: init bound {ours:.4f} in the script, {theirs:.4f} in the engine"
    if name.endswith(".bias"):
        assert not np.any(value) and not np.any(saved[name]), f"{name}: biases start at zero, as the engine's"

# The optimiser and its settings.
script.make_optimizer(model)
kind, groups, kwargs = torch_stub.OPTIMIZERS[-1]
assert kwargs["lr"] == t["lr"], kwargs
if t["optimizer"] == "adam":
    assert kind == "Adam" and kwargs["betas"] == (t["beta1"], t["beta2"]) and kwargs["eps"] == t["eps"], kwargs
elif t["optimizer"] == "momentum":
    assert kind == "SGD" and kwargs["momentum"] == t["momentum"], kwargs
else:
    assert kind == "SGD" and "momentum" not in kwargs, kwargs
decayed = {id(p) for g in groups if g.get("weight_decay", 0) > 0 for p in g["params"]}
weight_ids = {id(p) for n, p in model.named_parameters() if n.endswith(".weight")}
assert decayed == (weight_ids if t["weightDecay"] > 0 else set()), "weight decay must apply to exactly the weights"
if t["weightDecay"] > 0:
    assert {g["weight_decay"] for g in groups} == {t["weightDecay"], 0.0}, groups

# (b) Random weights in the playground's layout, written with numpy.
rng = np.random.default_rng(7)
weights = {}
for name, value in saved.items():
    bound = math.sqrt(6 / sum(value.shape)) if name.endswith(".weight") else 0.1
    weights[name] = rng.uniform(-bound, bound, value.shape).astype(np.float32)
numpy_file = os.path.join(out, "numpy.safetensors")
summary = json.dumps({"step": 0, "epoch": 0})
save_file(weights, numpy_file, metadata={"format": script.FORMAT, "config": json.dumps(script.CONFIG), "summary": summary})

x = np.fromfile(inputs_path, dtype="<f4").reshape(-1, m["input"])
ACT = {
    "relu": lambda v: np.maximum(v, 0),
    "leaky_relu": lambda v: np.where(v > 0, v, 0.01 * v),
    "sigmoid": lambda v: np.exp(-np.logaddexp(0, -v)),
    "tanh": np.tanh,
    "identity": lambda v: v,
}


def forward(w, x):
    """Reconstructions (evaluation: no dropout, the VAE decodes μ), in float64, from [in, out] weights
    and, for a conv model, PyTorch-shaped kernels."""
    f64 = lambda name: w[name].astype(np.float64)  # noqa: E731
    layer = lambda h, name: h @ f64(name + ".weight") + f64(name + ".bias")  # noqa: E731
    act = ACT[m["activation"]]
    blocks = m.get("conv", [])
    shapes = image_shapes(m)
    h = x.astype(np.float64)
    if blocks:
        h = h.reshape(-1, *shapes[0])
        for i, b in enumerate(blocks):
            name = f"encoder.{i}"
            h = act(conv_forward.conv2d(h, f64(name + ".weight"), f64(name + ".bias"), b["stride"], b["kernel"] // 2))
        h = h.reshape(len(x), -1)  # channel-major, as PyTorch's flatten(1)
    for i in range(len(m["encoder"])):
        h = act(layer(h, f"encoder.{i}"))
    h = layer(h, "code.mu") if m["kind"] == "vae" else ACT[m["latentActivation"]](layer(h, "code"))
    if blocks:
        h = act(layer(h, "decoder.0")).reshape(-1, *shapes[-1])
        for j in range(1, len(blocks) + 1):
            i = len(blocks) - j
            b, name = blocks[i], f"decoder.{j}"
            w_name, b_name, pad = name + ".weight", name + ".bias", b["kernel"] // 2
            h = conv_forward.conv_transpose2d(h, f64(w_name), f64(b_name), b["stride"], pad, shapes[i][1:])
            h = act(h) if i > 0 else ACT[m["output"]](h)
        return h.reshape(len(x), -1)
    last = len(m["encoder"])
    for i in range(last + 1):
        h = layer(h, f"decoder.{i}")
        h = act(h) if i < last else ACT[m["output"]](h)
    return h


reference = forward(weights, x)
reference.astype("<f4").tofile(os.path.join(out, "recon.f32"))

# The script's own way back in, and its own forward pass.
loaded = script.load_model(numpy_file)
loaded.eval()
theirs = np.asarray(loaded(torch_stub.tensor(x)), dtype=np.float64)
gap = float(np.max(np.abs(theirs - reference)))
assert gap < 1e-5, f"the script's forward pass differs from numpy's by {gap}"

# The script's own save: the file the Rust test loads into the engine.
script_file = os.path.join(out, "script.safetensors")
script.save_model(loaded, script_file, step=3, epoch=1, val_loss=0.5, val_mse=0.25)
meta2, again = read_file(script_file)
assert sorted(again) == sorted(weights) and all(np.array_equal(again[k], weights[k]) for k in weights)
assert json.loads(meta2["summary"]) == {"step": 3, "epoch": 1, "valLoss": 0.5, "valMse": 0.25}

# The objective on the clean inputs (no noise: corrupt() is applied outside it).
total = None
if m["dropout"] == 0:
    if m["kind"] == "vae":
        torch_stub.FIXED_RANDN["value"] = np.fromfile(eps_path, dtype="<f4")
    loaded.train()
    total = float(script.objective(loaded, torch_stub.tensor(x), torch_stub.tensor(x)))
# The validation loss and MSE as the script's evaluate() reports them (no dropout there).
val_loss, val_mse = script.evaluate(loaded, torch_stub.tensor(x))
with open(os.path.join(out, "objective.json"), "w") as f:
    json.dump({"total": total, "evaluate": [float(val_loss), float(val_mse)]}, f)
print(
    f"checked {os.path.basename(script_path)}: {len(state)} tensors, {len(conv_calls(m))} convolutions, "
    f"forward gap {gap:.2e}, objective {total}"
)
