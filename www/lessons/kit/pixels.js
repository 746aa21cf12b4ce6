// Arithmetic on MNIST images held as flat Float32Arrays (784 values each):
// batching the lesson's digits with the drawing, so one worker round trip
// answers for both, and the mean squared error of two images.

import { PIXELS } from '../../lib/mnist.js';

/**
 * `count` digits with the drawing (if any) appended as one more; the answer
 * splits into rows and drawing at count * PIXELS.
 */
export function withDrawing(images, count, drawing) {
  const x = new Float32Array((count + (drawing ? 1 : 0)) * PIXELS);
  x.set(images.subarray(0, count * PIXELS));
  if (drawing) x.set(drawing, count * PIXELS);
  return x;
}

/** Mean of squared differences of two equal-length arrays. */
export function mse(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}
