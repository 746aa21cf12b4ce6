// Arithmetic on rows of the lesson's data held as flat Float32Arrays (784
// values a digit, or `size` a row of other data): batching the lesson's rows
// with the drawing, so one worker round trip answers for both, and the mean
// squared error of two rows.

import { PIXELS } from '../../lib/mnist.js';

/**
 * `count` rows of `size` values with the drawing (if any) appended as one more;
 * the answer splits into rows and drawing at count * size.
 */
export function withDrawing(images, count, drawing, size = PIXELS) {
  const x = new Float32Array((count + (drawing ? 1 : 0)) * size);
  x.set(images.subarray(0, count * size));
  if (drawing) x.set(drawing, count * size);
  return x;
}

/** Mean of squared differences of two equal-length arrays (cells missing in either are left out). */
export function mse(a, b) {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    if (!Number.isFinite(d)) continue;
    s += d * d;
    n += 1;
  }
  return n ? s / n : 0;
}
