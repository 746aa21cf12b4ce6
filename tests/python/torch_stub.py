"""A tiny stand-in for the parts of PyTorch that the playground's generated
script (www/state/pytorch-script.js) uses, on numpy, so the script's own
nn.Module, save/load functions, forward pass and objective run without torch.

It records what the script asks for (every nn.Linear(in, out), every
convolution's arguments, the optimiser and its arguments) and computes what
PyTorch would: nn.Linear holds its weight as [out, in] and computes x @ W.T + b;
nn.Conv2d ([out, in, k, k]) and nn.ConvTranspose2d ([in, out, k, k]) follow
PyTorch's definitions, the transposed one's output size included
((n − 1)·s − 2p + k + output_padding, output_padding < stride); the init
functions use PyTorch's bounds and fans (C·k² for a kernel); state_dict names
nested modules "parent.child.weight". Not a general torch: a call the script
makes and this module lacks fails loudly (AttributeError).

install() puts torch, torch.nn, torch.nn.functional, torch.optim, torchvision
and safetensors.torch into sys.modules, and lets safetensors.safe_open read
framework="pt" files as numpy (the metadata is all the script reads that way).
"""

import math
import sys
import types
from collections import OrderedDict

import numpy as np
import safetensors
import safetensors.numpy

LINEARS = []  # (in_features, out_features) of every nn.Linear made
CONVS = []  # (class name, in, out, kernel, stride, padding, output_padding) of every convolution made, pairs as (h, w)
OPTIMIZERS = []  # (class name, param groups, keyword arguments) of every optimiser made
FIXED_RANDN = {"value": None}  # torch.randn_like returns this (reshaped) when set
_rng = np.random.default_rng(0)


class Tensor(np.ndarray):
    """A float32 numpy array with the tensor methods the script calls."""

    def t(self):
        return self.T

    def detach(self):
        return self

    def cpu(self):
        return self

    def to(self, *args, **kwargs):
        return self

    def contiguous(self):
        return np.ascontiguousarray(self).view(Tensor)

    def clone(self):
        return self.copy()

    def float(self):
        return self.astype(np.float32)

    def dim(self):
        return self.ndim

    def flatten(self, start_dim=0):
        """torch's flatten(start_dim), not numpy's flatten(order)."""
        return self.reshape(*self.shape[:start_dim], -1)

    def numpy(self):
        return np.asarray(self)

    def abs(self):
        return np.abs(self)

    def clamp(self, lo=None, hi=None):
        return np.clip(self, lo, hi)

    def masked_fill(self, mask, value):
        out = self.copy()
        out[np.asarray(mask)] = value
        return out


def tensor(a):
    return np.array(a, dtype=np.float32).view(Tensor)


class Parameter(Tensor):
    pass


def _parameter(shape):
    return np.zeros(shape, dtype=np.float32).view(Parameter)


class Module:
    def __init__(self):
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_params", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if isinstance(value, Module):
            self._modules[name] = value
        elif isinstance(value, Parameter):
            self._params[name] = value
        object.__setattr__(self, name, value)

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def named_parameters(self, prefix=""):
        for name, p in self._params.items():
            yield prefix + name, p
        for name, m in self._modules.items():
            yield from m.named_parameters(f"{prefix}{name}.")

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def state_dict(self):
        return OrderedDict(self.named_parameters())

    def load_state_dict(self, state, strict=True):
        own = self.state_dict()
        missing, unexpected = set(own) - set(state), set(state) - set(own)
        if missing or unexpected:
            raise RuntimeError(f"load_state_dict: missing {sorted(missing)}, unexpected {sorted(unexpected)}")
        for name, p in own.items():
            value = np.asarray(state[name])
            if value.shape != p.shape:
                raise RuntimeError(f"size mismatch for {name}: {value.shape} in the file, {p.shape} in the model")
            p[...] = value

    def modules(self):
        yield self
        for m in self._modules.values():
            yield from m.modules()

    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self):
        return self.train(False)

    def to(self, *args, **kwargs):
        return self


def _default_init(layer):
    """PyTorch's own default for Linear and convolutions, which the script replaces:
    U(±1/√fan_in) for the weight and the bias alike."""
    bound = 1 / math.sqrt(_fans(layer.weight)[0])
    layer.weight[...] = _rng.uniform(-bound, bound, layer.weight.shape)
    layer.bias[...] = _rng.uniform(-bound, bound, layer.bias.shape)


class Linear(Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        LINEARS.append((in_features, out_features))
        self.weight = _parameter((out_features, in_features))
        self.bias = _parameter((out_features,))
        _default_init(self)

    def forward(self, x):
        return (x @ self.weight.T + self.bias).view(Tensor)


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _f32(a):
    return np.asarray(a, dtype=np.float32).view(Tensor)


class Conv2d(Module):
    """PyTorch's Conv2d (zero padding, no dilation or groups): weight [out, in, kH, kW]."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = _pair(kernel_size), _pair(stride), _pair(padding)
        CONVS.append(("Conv2d", in_channels, out_channels, self.kernel_size, self.stride, self.padding, (0, 0)))
        self.weight = _parameter((out_channels, in_channels, *self.kernel_size))
        self.bias = _parameter((out_channels,))
        _default_init(self)

    def forward(self, x):
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        n, _, h, w = x.shape
        ho, wo = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
        xp = np.pad(np.asarray(x, np.float64), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        out = np.zeros((n, self.weight.shape[0], ho, wo)) + np.asarray(self.bias)[None, :, None, None]
        for u in range(kh):
            for v in range(kw):
                patch = xp[:, :, u : u + sh * (ho - 1) + 1 : sh, v : v + sw * (wo - 1) + 1 : sw]
                out += np.einsum("nchw,oc->nohw", patch, np.asarray(self.weight, np.float64)[:, :, u, v])
        return _f32(out)


class ConvTranspose2d(Module):
    """PyTorch's ConvTranspose2d (zero padding, no dilation or groups): weight [in, out, kH, kW];
    input pixel i reaches output pixels i·s − p + u; the output has (n − 1)·s − 2p + k + output_padding."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = _pair(kernel_size), _pair(stride), _pair(padding)
        self.output_padding = _pair(output_padding)
        window = (self.kernel_size, self.stride, self.padding, self.output_padding)
        CONVS.append(("ConvTranspose2d", in_channels, out_channels, *window))
        self.weight = _parameter((in_channels, out_channels, *self.kernel_size))
        self.bias = _parameter((out_channels,))
        _default_init(self)

    def forward(self, x):
        (kh, kw), (sh, sw), (ph, pw), (oh, ow) = self.kernel_size, self.stride, self.padding, self.output_padding
        if oh >= sh or ow >= sw or min(oh, ow) < 0:
            raise RuntimeError(f"output padding must be smaller than either stride or dilation: {self.output_padding}")
        n, _, h, w = x.shape
        ho, wo = (h - 1) * sh - 2 * ph + kh + oh, (w - 1) * sw - 2 * pw + kw + ow
        full = np.zeros((n, self.weight.shape[1], (h - 1) * sh + kh + oh, (w - 1) * sw + kw + ow))
        for u in range(kh):
            for v in range(kw):
                full[:, :, u : u + sh * (h - 1) + 1 : sh, v : v + sw * (w - 1) + 1 : sw] += np.einsum(
                    "nchw,co->nohw", np.asarray(x, np.float64), np.asarray(self.weight, np.float64)[:, :, u, v]
                )
        out = full[:, :, ph : ph + ho, pw : pw + wo] + np.asarray(self.bias)[None, :, None, None]
        return _f32(out)


class ModuleList(Module):
    def __init__(self, modules=()):
        super().__init__()
        for i, m in enumerate(modules):
            setattr(self, str(i), m)

    def __iter__(self):
        return iter(self._modules.values())

    def __len__(self):
        return len(self._modules)

    def __getitem__(self, index):
        items = list(self._modules.values())
        return ModuleList(items[index]) if isinstance(index, slice) else items[index]


class ModuleDict(Module):
    def __init__(self, modules=None):
        super().__init__()
        for name, m in (modules or {}).items():
            setattr(self, name, m)

    def __getitem__(self, name):
        return self._modules[name]

    def values(self):
        return self._modules.values()


class Dropout(Module):
    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        keep = _rng.random(x.shape) >= self.p
        return (x * keep / (1 - self.p)).astype(np.float32)


def _fans(w):
    """PyTorch's _calculate_fan_in_and_fan_out: size(1)·k·k and size(0)·k·k (for a
    ConvTranspose2d weight [in, out, k, k] that makes out·k² its "fan-in")."""
    field = math.prod(w.shape[2:])
    return w.shape[1] * field, w.shape[0] * field


def kaiming_uniform_(w, a=0, mode="fan_in", nonlinearity="leaky_relu"):
    assert mode == "fan_in", mode
    gain = math.sqrt(2.0) if nonlinearity == "relu" else math.sqrt(2.0 / (1 + a * a))
    if nonlinearity not in ("relu", "leaky_relu"):
        raise NotImplementedError(nonlinearity)
    bound = gain * math.sqrt(3.0 / _fans(w)[0])
    w[...] = _rng.uniform(-bound, bound, w.shape)
    return w


def xavier_uniform_(w, gain=1.0):
    fan_in, fan_out = _fans(w)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    w[...] = _rng.uniform(-bound, bound, w.shape)
    return w


def uniform_(w, a=0.0, b=1.0):
    w[...] = _rng.uniform(a, b, w.shape)
    return w


def zeros_(w):
    w[...] = 0
    return w


def _sigmoid(x):
    return np.exp(-np.logaddexp(0, -x)).astype(np.float32).view(Tensor)


def _mean(x):
    return tensor(np.mean(x, dtype=np.float64))


class _Optimizer:
    def __init__(self, params, **kwargs):
        groups = list(params)
        if groups and not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        OPTIMIZERS.append((type(self).__name__, groups, kwargs))


class Adam(_Optimizer):
    pass


class SGD(_Optimizer):
    pass


class no_grad:
    """Works as `with torch.no_grad():` and as `@torch.no_grad()`."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        return fn


def _randn_like(x):
    fixed = FIXED_RANDN["value"]
    if fixed is not None:
        return tensor(np.reshape(fixed, x.shape))
    return tensor(_rng.standard_normal(x.shape))


def _module(name, **attrs):
    m = types.ModuleType(name)
    m.__dict__.update(attrs)
    sys.modules[name] = m
    return m


def install():
    """Registers the stand-ins; call before importing a generated script."""
    functional = _module(
        "torch.nn.functional",
        relu=lambda x: np.maximum(x, 0).view(Tensor),
        leaky_relu=lambda x, negative_slope=0.01: np.where(x > 0, x, negative_slope * x).astype(np.float32).view(Tensor),
        mse_loss=lambda y, t: _mean((np.asarray(y, np.float64) - t) ** 2),
        binary_cross_entropy_with_logits=lambda z, t: _mean(
            np.maximum(z, 0) - z * np.asarray(t, np.float64) + np.log1p(np.exp(-np.abs(z)))
        ),
        binary_cross_entropy=lambda p, t: _mean(
            -(t * np.maximum(np.log(p), -100.0) + (1 - t) * np.maximum(np.log1p(-p), -100.0))
        ),
    )
    init = _module(
        "torch.nn.init",
        kaiming_uniform_=kaiming_uniform_,
        xavier_uniform_=xavier_uniform_,
        uniform_=uniform_,
        zeros_=zeros_,
    )
    nn = _module(
        "torch.nn",
        Module=Module,
        Linear=Linear,
        Conv2d=Conv2d,
        ConvTranspose2d=ConvTranspose2d,
        ModuleList=ModuleList,
        ModuleDict=ModuleDict,
        Dropout=Dropout,
        Parameter=Parameter,
        init=init,
        functional=functional,
    )
    optim = _module("torch.optim", Adam=Adam, SGD=SGD)
    torch = _module(
        "torch",
        Tensor=Tensor,
        nn=nn,
        optim=optim,
        no_grad=no_grad,
        tensor=tensor,
        sigmoid=_sigmoid,
        tanh=lambda x: np.tanh(x).view(Tensor),
        exp=lambda x: np.exp(x).view(Tensor),
        log=lambda x: np.log(x).view(Tensor),
        sign=lambda x: np.sign(x).view(Tensor),
        where=lambda c, a, b: tensor(np.where(c, a, b)),
        ones_like=lambda x: tensor(np.ones_like(x)),
        full_like=lambda x, v: tensor(np.full_like(x, v)),
        randn_like=_randn_like,
        rand_like=lambda x: tensor(_rng.random(x.shape)),
        randint=lambda lo, hi, shape, device=None: _rng.integers(lo, hi, shape),
        arange=lambda n, device=None: np.arange(n),
        randperm=lambda n, device=None: _rng.permutation(n),
        manual_seed=lambda seed: None,
        seed=lambda: None,
        cuda=types.SimpleNamespace(is_available=lambda: False),
    )
    tv = _module("torchvision")
    tv.datasets = _module("torchvision.datasets", MNIST=None)
    _module(
        "safetensors.torch",
        load_file=lambda path: {k: tensor(v) for k, v in safetensors.numpy.load_file(path).items()},
        save_file=lambda tensors, path, metadata=None: safetensors.numpy.save_file(
            {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()}, path, metadata=metadata
        ),
    )
    real_open = safetensors.safe_open
    safetensors.safe_open = lambda path, framework, **kw: real_open(path, framework="numpy", **kw)
    return torch
