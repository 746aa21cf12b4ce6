// Python text for the PyTorch script (www/state/pytorch-script.js): literals,
// safe docstring text, and the engine's activations (src/nn/activation.rs)
// written as PyTorch code.

/** A Python literal for a JSON-like value. */
export function py(value) {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'float("nan")';
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${py(k)}: ${py(v)}`)
      .join(', ')}}`;
  return JSON.stringify(String(value));
}

/** Text for a docstring or comment: printable, no quotes or backslashes that could end it. */
export const plain = (text) => String(text).replace(/[^\x20-\x7e\u00a0-\uffff]|["\\]/g, '');

/** f(v) for an activation of src/nn/activation.rs, as PyTorch code. */
export function activate(kind, v) {
  return (
    {
      relu: `F.relu(${v})`,
      leaky_relu: `F.leaky_relu(${v}, 0.01)`,
      sigmoid: `torch.sigmoid(${v})`,
      tanh: `torch.tanh(${v})`,
    }[kind] ?? v
  );
}

/** f'(a) written from h = f(a), as the engine's `derivative_from_output`. */
export function slope(kind, h) {
  return (
    {
      relu: `(${h} > 0).float()`,
      leaky_relu: `torch.where(${h} > 0, torch.ones_like(${h}), torch.full_like(${h}, 0.01))`,
      sigmoid: `${h} * (1 - ${h})`,
      tanh: `1 - ${h}**2`,
    }[kind] ?? `torch.ones_like(${h})`
  );
}

export const ACT_NAMES = {
  relu: 'ReLU',
  leaky_relu: 'leaky ReLU',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  identity: 'no activation',
};
export const NOISE_NAMES = {
  gaussian: 'Gaussian noise',
  masking: 'masking noise',
  salt_pepper: 'salt-and-pepper noise',
  block: 'block occlusion',
};
export const reluLike = (kind) => kind === 'relu' || kind === 'leaky_relu';
export const capital = (text) => text[0].toUpperCase() + text.slice(1);
