// The arithmetic of the Convolutional lesson, with no DOM (node can test it):
// the image after each conv block, how many weights and biases a conv or a
// dense autoencoder has (the same counts as src/config.rs), the dense network
// that matches a conv one's count, and digits moved within their 28×28 frame.

import { PIXELS, SIDE } from '../../lib/mnist.js';
import { convShapes, parameterCount } from '../../state/url-state.js';

const block = (channels) => ({ channels, kernel: 3, stride: 2 });
/** The lesson's default conv blocks: 8 and 16 channels, 28×28 → 14×14 → 7×7. */
export const SMALL = Object.freeze([block(8), block(16)]);
/** Shaped like the Keras blog's conv autoencoder: 16, 8, 8 channels down to 8×4×4. */
export const BLOG = Object.freeze([block(16), block(8), block(8)]);

// The images after each conv block (the 1×28×28 input first), as the engine pads them.
export { convShapes };

/** Values in one image of this shape (C·H·W). */
export const sizeOf = ({ channels, height, width }) => channels * height * width;

/** Weights and biases of a conv autoencoder (the count of src/config.rs, via the settings' own). */
export const convParameterCount = (blocks, latent) => parameterCount({ conv: blocks, latent });

/** Weights and biases of a dense autoencoder (784 → encoder → latent → mirrored → 784). */
export function denseParameterCount(encoder, latent) {
  const enc = [PIXELS, ...encoder, latent];
  const widths = [...enc, ...enc.slice(0, -1).reverse()];
  let n = 0;
  for (let i = 1; i < widths.length; i++) n += widths[i - 1] * widths[i] + widths[i];
  return n;
}

/**
 * The dense autoencoder with about `target` weights and biases: one hidden layer
 * and the same code size when a hidden layer at least as wide as the code fits
 * the budget; otherwise no hidden layer and as large a code as the budget allows
 * (each code number costs two 784-wide rows of weights, 1,569 parameters).
 * -> { encoder, latent, params }
 */
export function matchDense(target, latent) {
  // 784·h + h + h·L + L + L·h + h + h·784 + 784 = (1570 + 2L)·h + L + 784
  const h = Math.round((target - latent - PIXELS) / (2 * PIXELS + 2 + 2 * latent));
  if (h >= latent) return { encoder: [h], latent, params: denseParameterCount([h], latent) };
  const code = Math.max(1, Math.round((target - PIXELS) / (2 * PIXELS + 1)));
  return { encoder: [], latent: code, params: denseParameterCount([], code) };
}

/** The layer shapes as text: '1×28×28 → 8×14×14 → 16×7×7 → 16' (the encoder; the decoder mirrors it). */
export function convShapeText(blocks, latent) {
  return [...convShapes(blocks).map((s) => `${s.channels}×${s.height}×${s.width}`), String(latent)].join(' → ');
}

/** '784 → 17 → 16 → 17 → 784' */
export function denseShapeText(encoder, latent) {
  const enc = [PIXELS, ...encoder, latent];
  return [...enc, ...enc.slice(0, -1).reverse()].join(' → ');
}

/**
 * `count` 28×28 images moved by (dx, dy) pixels (right and down are positive) within
 * their frame: what leaves the frame is lost, what comes in is blank (0).
 */
export function shiftImages(images, count, dx, dy = 0) {
  const out = new Float32Array(count * PIXELS);
  for (let i = 0; i < count; i++) {
    const o = i * PIXELS;
    for (let y = Math.max(0, dy); y < Math.min(SIDE, SIDE + dy); y++) {
      for (let x = Math.max(0, dx); x < Math.min(SIDE, SIDE + dx); x++) {
        out[o + y * SIDE + x] = images[o + (y - dy) * SIDE + (x - dx)];
      }
    }
  }
  return out;
}
