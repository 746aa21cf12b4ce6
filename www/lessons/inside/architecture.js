// Pure helpers of the Inside view (no DOM, so node tests them): the layers of
// a config as the engine names them, the grid a layer's units are drawn in,
// how a value becomes a cell's colour, Adam's update for one weight, and the
// stages of one step in slow motion.

import { convShapes } from '../../state/url-state.js';

/**
 * The layers of a model config, input to output, with the engine's names
 * (src/model/inside.rs layer_names): input, encoder.0…, code (code.mu for a
 * VAE), decoder.0… -> [{ name, kind: 'input'|'hidden'|'code'|'output', width, activation }]
 */
export function architecture(model) {
  const input = model.input ?? 784;
  // A conv block's units are its feature maps' C·H·W values.
  const conv = model.conv ?? [];
  const encoder = conv.length
    ? convShapes(conv, Math.sqrt(input))
        .slice(1)
        .map((s) => s.channels * s.height * s.width)
    : (model.encoder ?? []);
  const act = model.activation ?? 'relu';
  const layers = [{ name: 'input', kind: 'input', width: input, activation: 'pixels' }];
  encoder.forEach((w, i) => {
    layers.push({ name: `encoder.${i}`, kind: 'hidden', width: w, activation: act });
  });
  const vae = model.kind === 'vae';
  layers.push({
    name: vae ? 'code.mu' : 'code',
    kind: 'code',
    width: model.latent,
    activation: vae ? 'identity' : (model.latentActivation ?? 'identity'),
  });
  [...encoder].reverse().forEach((w, i) => {
    layers.push({ name: `decoder.${i}`, kind: 'hidden', width: w, activation: act });
  });
  layers.push({
    name: `decoder.${encoder.length}`,
    kind: 'output',
    width: input,
    activation: model.output ?? 'sigmoid',
  });
  return layers;
}

/** The widths of the layers, input to output. */
export const widths = (model) => architecture(model).map((l) => l.width);

/** Columns and rows of the grid a layer of `width` units is drawn as (28×28 for 784; about square otherwise). */
export function gridShape(width) {
  if (width === 784) return { cols: 28, rows: 28 };
  const cols = Math.max(1, Math.ceil(Math.sqrt(width)));
  return { cols, rows: Math.ceil(width / cols) };
}

/** The unit under a point of a grid of `cols`×`rows` drawn over w×h pixels, or -1 outside the units. */
export function unitAt(x, y, { cols, rows, width: n }, w, h) {
  const c = Math.floor((x / w) * cols);
  const r = Math.floor((y / h) * rows);
  if (c < 0 || r < 0 || c >= cols || r >= rows) return -1;
  const i = r * cols + c;
  return i < n ? i : -1;
}

/**
 * How a layer's values are coloured: pixels and sigmoid outputs in [0, 1] as
 * they are; non-negative values (ReLU) scaled by the layer's largest; signed
 * values (identity, tanh, leaky ReLU) by the largest |value|, diverging.
 * -> { signed: boolean, scale: number } (t = value / scale in [0, 1] or [−1, 1])
 */
export function colourScale(values, activation) {
  if (activation === 'pixels' || activation === 'sigmoid') return { signed: false, scale: 1 };
  let max = 0;
  let min = 0;
  for (const v of values) {
    if (v > max) max = v;
    if (v < min) min = v;
  }
  if (min >= 0) return { signed: false, scale: max > 0 ? max : 1 };
  const m = Math.max(max, -min);
  return { signed: true, scale: m > 0 ? m : 1 };
}

/** Adam's update of one weight, from its bias-corrected moments: lr · m̂ / (√v̂ + ε). */
export const adamUpdate = (lr, mHat, vHat, eps) => (lr * mHat) / (Math.sqrt(vHat) + eps);

/** Adam's bias correction: m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ). */
export const biasCorrect = (moment, beta, t) => moment / (1 - beta ** t);

/** The relative difference of two numbers (0 when both are 0). */
export function relDiff(a, b) {
  const d = Math.abs(a - b);
  const s = Math.max(Math.abs(a), Math.abs(b));
  return s === 0 ? 0 : d / s;
}

/**
 * The stages of one traced step, in the order Next walks them:
 * batch, forward (one a layer), loss, backward (one a layer, output first), optimiser, after.
 * -> [{ id, kind, layer? }]
 */
export function slowStages(trace) {
  const stages = [{ id: 'batch', kind: 'batch' }];
  for (const l of trace.layers) stages.push({ id: `forward:${l.name}`, kind: 'forward', layer: l.name });
  stages.push({ id: 'loss', kind: 'loss' });
  for (const g of trace.grads) stages.push({ id: `grad:${g.name}`, kind: 'grad', layer: g.name });
  stages.push({ id: 'optimizer', kind: 'optimizer' });
  stages.push({ id: 'after', kind: 'after' });
  return stages;
}

/** Keeps a per-layer history of layerStats answers: { steps, series: { name: { grad: [], ratio: [] } } }. */
export class LayerHistory {
  constructor(max = 600) {
    this.max = max;
    this.reset();
  }

  reset() {
    this.steps = [];
    this.names = [];
    this.grad = [];
    this.ratio = [];
  }

  /** Adds one answer at `step` (ignored if it is not after the last one, or the layers changed). */
  push(step, { names, gradNorm, updateRatio }) {
    if (this.steps.length && step <= this.steps.at(-1)) return false;
    if (names.join() !== this.names.join()) {
      this.reset();
      this.names = [...names];
      this.grad = names.map(() => []);
      this.ratio = names.map(() => []);
    }
    this.steps.push(step);
    // A log chart has no place for 0: a gap instead.
    const pos = (v) => (v > 0 && Number.isFinite(v) ? v : null);
    names.forEach((_, i) => {
      this.grad[i].push(pos(gradNorm[i]));
      this.ratio[i].push(pos(updateRatio[i]));
    });
    if (this.steps.length > this.max) {
      this.steps.shift();
      for (const col of [...this.grad, ...this.ratio]) col.shift();
    }
    return true;
  }
}
