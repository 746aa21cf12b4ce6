// The shape of the model the settings describe: each conv block's image, the
// layer widths and labels of the whole autoencoder, and its parameter count,
// as src/config.rs counts them. No DOM here, so node can test it; url-state.js
// re-exports all of it.

/** Pixels of an MNIST digit, the input of every digits lesson. */
export const INPUT_PIXELS = 784;

/**
 * The images after each conv block, the 1×28×28 input first: [{ channels, height,
 * width }], as src/config.rs conv_shapes (padding ⌊k/2⌋). Stops at a block whose
 * kernel is larger than its input (the engine says why).
 */
export function convShapes(blocks, side = Math.sqrt(INPUT_PIXELS), image = null) {
  let shape = image ?? { channels: 1, height: side, width: side };
  const shapes = [shape];
  for (const b of blocks) {
    if (b.kernel > Math.min(shape.height, shape.width)) break;
    const out = (n) => Math.floor((n + 2 * Math.floor(b.kernel / 2) - b.kernel) / b.stride) + 1;
    shape = { channels: b.channels, height: out(shape.height), width: out(shape.width) };
    shapes.push(shape);
  }
  return shapes;
}

const sizeOf = (s) => s.channels * s.height * s.width;

/** Layer widths of the whole autoencoder, e.g. [784, 256, 32, 256, 784]; a conv block counts its C·H·W values. */
export function layerWidths(state, data = null) {
  const conv = state.conv ?? [];
  const hidden = conv.length ? convShapes(conv, undefined, data?.shape).slice(1).map(sizeOf) : state.encoder;
  const enc = [data?.width ?? INPUT_PIXELS, ...hidden, state.latent];
  return [...enc, ...enc.slice(0, -1).reverse()];
}

/** Layer labels for the shape line: widths, and C×H×W for conv blocks (1×28×28 → 16×14×14 → … → 32 → …). */
export function layerLabels(state, data = null) {
  const conv = state.conv ?? [];
  if (!conv.length) return layerWidths(state, data).map(String);
  const enc = [
    ...convShapes(conv, undefined, data?.shape).map((s) => `${s.channels}×${s.height}×${s.width}`),
    String(state.latent),
  ];
  return [...enc, ...enc.slice(0, -1).reverse()];
}

/** Weights and biases of encoder + mirrored decoder (the same count as src/config.rs). */
export function parameterCount(state, data = null) {
  const conv = state.conv ?? [];
  if (conv.length) {
    const shapes = convShapes(conv, undefined, data?.shape);
    let n = 0;
    for (let i = 1; i < shapes.length; i++) {
      const [a, b, k] = [shapes[i - 1].channels, shapes[i].channels, conv[i - 1].kernel];
      n += 2 * a * b * k * k + a + b;
    }
    const flat = sizeOf(shapes[shapes.length - 1]);
    return n + 2 * flat * state.latent + flat + state.latent;
  }
  const w = layerWidths(state, data);
  let n = 0;
  for (let i = 1; i < w.length; i++) n += w[i - 1] * w[i] + w[i];
  return n;
}
