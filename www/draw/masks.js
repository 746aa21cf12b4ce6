// Missing pixels for the impute lesson. A mask holds one byte per pixel:
// 1 = observed, 0 = missing (the engine's convention, src/analysis/impute.rs).
// The kinds match the engine's (random dropout, top half, centre square) plus
// a mask the learner erases by hand. Everything here but `paintMasked` is
// pure, so node can test it.

import { PIXELS, SIDE } from '../lib/mnist.js';

export { PIXELS, SIDE };

/** A seeded uniform generator in [0, 1) (mulberry32): the same holes for the same seed. */
export function uniform(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The mask of one image.
 * @param {'random'|'top'|'centre'|'none'} kind
 * @param {{ rate?: number, side?: number, seed?: number }} options
 *   rate: share of pixels missing (random); side: the missing square's side
 *   (centre, placed as the engine places it); seed: the random holes
 */
export function maskOf(kind, { rate = 0.5, side = 14, seed = 1 } = {}) {
  const m = new Uint8Array(PIXELS).fill(1);
  if (kind === 'random') {
    const u = uniform(seed);
    for (let i = 0; i < PIXELS; i++) m[i] = u() >= rate ? 1 : 0;
  } else if (kind === 'top') {
    m.fill(0, 0, (SIDE / 2) * SIDE);
  } else if (kind === 'centre') {
    const s = Math.max(1, Math.min(SIDE, Math.round(side)));
    const start = (SIDE - s) >> 1;
    for (let r = start; r < start + s; r++) m.fill(0, r * SIDE + start, r * SIDE + start + s);
  }
  return m;
}

/**
 * Masks for `n` images in one array (n × 784): `shared` (a hand-made mask)
 * for every image if given, else `kind` with a different random seed per image.
 */
export function masksFor(n, kind, options = {}, shared = null) {
  const out = new Uint8Array(n * PIXELS);
  for (let i = 0; i < n; i++) {
    out.set(shared ?? maskOf(kind, { ...options, seed: (options.seed ?? 1) * 7919 + i }), i * PIXELS);
  }
  return out;
}

/** Number of missing pixels in a mask. */
export function countMissing(mask) {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) n += 1;
  return n;
}

/**
 * Erases (sets to 0) every pixel whose centre lies within `radius` of the
 * segment from (ax, ay) to (bx, by), in pixel units (0..28 across the image).
 * Returns how many pixels were newly erased.
 */
export function eraseSegment(mask, ax, ay, bx, by, radius) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const r2 = radius * radius;
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - radius));
  const x1 = Math.min(SIDE - 1, Math.ceil(Math.max(ax, bx) + radius));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - radius));
  const y1 = Math.min(SIDE - 1, Math.ceil(Math.max(ay, by) + radius));
  let erased = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const t = len2 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
      const ex = px - (ax + t * dx);
      const ey = py - (ay + t * dy);
      if (ex * ex + ey * ey <= r2 && mask[y * SIDE + x] === 1) {
        mask[y * SIDE + x] = 0;
        erased += 1;
      }
    }
  }
  return erased;
}

/**
 * `x` (n × 784) with each missing pixel set to `fill`'s value for that pixel
 * (784 values: the mean image, or zeros): the mean-pixel baseline, and what
 * the autoencoder starts from.
 */
export function fillMissing(x, mask, fill) {
  const out = Float32Array.from(x);
  for (let i = 0; i < out.length; i++) if (mask[i] === 0) out[i] = fill[i % PIXELS];
  return out;
}

/**
 * Mean squared error of `pred` against `truth` over the missing pixels only
 * (observed ones are right by construction and would dilute it), over the
 * first `n` images. NaN when no pixel is missing.
 */
export function missingMse(pred, truth, mask, n = mask.length / PIXELS) {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n * PIXELS; i++) {
    if (mask[i] === 0) {
      sum += (pred[i] - truth[i]) ** 2;
      count += 1;
    }
  }
  return count ? sum / count : NaN;
}

/**
 * Paints one 28×28 image with its missing pixels in the `hole` colour ([r, g, b]),
 * the others blended from paper to ink like draw/images.js does.
 */
export function paintMasked(canvas, x, mask, { offset = 0, palette, hole }) {
  if (canvas.width !== SIDE) canvas.width = SIDE;
  if (canvas.height !== SIDE) canvas.height = SIDE;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(SIDE, SIDE);
  const { paper, ink } = palette;
  for (let i = 0; i < PIXELS; i++) {
    const v = Math.min(1, Math.max(0, x[offset + i] || 0));
    const c = mask[offset + i] === 0 ? hole : [0, 1, 2].map((k) => paper[k] + (ink[k] - paper[k]) * v);
    img.data.set([c[0], c[1], c[2], 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
  canvas.dataset.painted = 'true';
}
