"""A saved convolutional model's forward pass in numpy (float64), written from
PyTorch's definitions of Conv2d and ConvTranspose2d, against the engine's
reconstructions. Run by tests/checkpoint.rs:

    python3 conv_forward.py MODEL.safetensors INPUT.f32 ENGINE_OUTPUT.f32

The .f32 files are little-endian float32 rows of C*H*W values (channel-major).
Prints the largest difference; fails above 1e-5."""
import json
import sys

import numpy as np
from safetensors import safe_open

ACT = {
    "relu": lambda v: np.maximum(v, 0.0),
    "leaky_relu": lambda v: np.where(v > 0.0, v, 0.01 * v),
    "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
    "tanh": np.tanh,
    "identity": lambda v: v,
}


def conv2d(x, w, b, stride, pad):
    """x [N,C,H,W], w [O,C,k,k] (torch.nn.Conv2d.weight), zero padding."""
    n, _, h, wd = x.shape
    k = w.shape[2]
    ho, wo = (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((n, w.shape[0], ho, wo)) + b[None, :, None, None]
    for u in range(k):
        for v in range(k):
            patch = xp[:, :, u : u + stride * (ho - 1) + 1 : stride, v : v + stride * (wo - 1) + 1 : stride]
            out += np.einsum("nchw,oc->nohw", patch, w[:, :, u, v])
    return out


def conv_transpose2d(x, w, b, stride, pad, size):
    """x [N,C,h,w], w [C,O,k,k] (torch.nn.ConvTranspose2d.weight); output cropped to `size`,
    which is what output_padding chooses in PyTorch."""
    n, _, h, wd = x.shape
    k = w.shape[2]
    hc = max((h - 1) * stride + k, size[0] + pad)
    wc = max((wd - 1) * stride + k, size[1] + pad)
    canvas = np.zeros((n, w.shape[1], hc, wc))
    for u in range(k):
        for v in range(k):
            canvas[:, :, u : u + stride * (h - 1) + 1 : stride, v : v + stride * (wd - 1) + 1 : stride] += np.einsum(
                "nchw,co->nohw", x, w[:, :, u, v]
            )
    return canvas[:, :, pad : pad + size[0], pad : pad + size[1]] + b[None, :, None, None]


def main(path, input_path, output_path):
    with safe_open(path, framework="numpy") as f:
        config = json.loads(f.metadata()["config"])
        t = {name: f.get_tensor(name).astype(np.float64) for name in f.keys()}
    m = config["model"]
    blocks = m["conv"]
    image = m.get("image")
    if image is None:
        side = int(round(m["input"] ** 0.5))
        image = {"channels": 1, "height": side, "width": side}
    act, code_act, out_act = ACT[m["activation"]], ACT[m["latentActivation"]], ACT[m["output"]]
    x = np.fromfile(input_path, dtype="<f4").astype(np.float64)
    x = x.reshape(-1, image["channels"], image["height"], image["width"])
    n = x.shape[0]
    sizes, h = [x.shape[1:]], x
    for i, blk in enumerate(blocks):
        h = act(conv2d(h, t[f"encoder.{i}.weight"], t[f"encoder.{i}.bias"], blk["stride"], blk["kernel"] // 2))
        sizes.append(h.shape[1:])
    last = h.shape[1:]
    flat = h.reshape(n, -1)
    code_name = "code.mu" if m.get("kind") == "vae" else "code"  # the VAE reconstructs from its mean
    z = code_act(flat @ t[f"{code_name}.weight"] + t[f"{code_name}.bias"])
    g = act(z @ t["decoder.0.weight"] + t["decoder.0.bias"]).reshape(n, *last)
    for j in range(1, len(blocks) + 1):
        i = len(blocks) - j
        size = sizes[i][1:]
        g = conv_transpose2d(g, t[f"decoder.{j}.weight"], t[f"decoder.{j}.bias"], blocks[i]["stride"], blocks[i]["kernel"] // 2, size)
        g = out_act(g) if i == 0 else act(g)
    want = np.fromfile(output_path, dtype="<f4").astype(np.float64).reshape(g.shape)
    diff = float(np.abs(g - want).max())
    print(f"numpy forward of {len(blocks)} conv blocks: max |numpy - engine| = {diff:.2e}")
    assert diff < 1e-5, diff


if __name__ == "__main__":
    main(*sys.argv[1:4])
