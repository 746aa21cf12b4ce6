// The straight line between two images in pixel space: a cross-fade, what
// interpolation looks like without a model (the latent lesson sets it beside
// the decoder's path between the two digits' codes).

/**
 * `steps` images on the straight line from image a to image b, both ends
 * included: (1 − t)·a + t·b for t = 0, 1/(steps−1), …, 1.
 * -> Float32Array steps × a.length
 */
export function pixelBlend(a, b, steps) {
  if (a.length !== b.length)
    throw new Error(`pixelBlend: the images differ in size (${a.length} and ${b.length} values)`);
  if (!(Number.isInteger(steps) && steps >= 2))
    throw new Error(`pixelBlend: steps must be a whole number of at least 2, got ${steps}`);
  const n = a.length;
  const out = new Float32Array(steps * n);
  for (let s = 0; s < steps; s++) {
    const t = s / (steps - 1);
    for (let i = 0; i < n; i++) out[s * n + i] = (1 - t) * a[i] + t * b[i];
  }
  return out;
}
