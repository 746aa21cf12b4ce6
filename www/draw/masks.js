// Missing pixels for the impute lesson. A mask holds one byte per pixel:
// 1 = observed, 0 = missing (the engine's convention, src/analysis/impute.rs).
// The kinds match the engine's (random dropout, top half, centre square) plus
// a mask the learner erases by hand. Masks are made for rows of any shape
// (draw/row-pictures.js rowShape; the digits by default): pictures of any
// size and channels, or rows of numbers, whose "top half" is the first half
// of their block of cells (the first sensors, the first columns). Everything
// here but `paintMasked` is pure, so node can test it.

import { PIXELS, SIDE } from '../lib/mnist.js';
import { DIGIT_SHAPE, paintRowPicture } from './row-pictures.js';

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

/** Whether holes of `kind` can be made in rows of `shape`: a centre square needs pictures, erasing by hand the digits' 28×28. */
export function maskFits(kind, shape = DIGIT_SHAPE) {
  if (kind === 'centre') return shape.kind === 'image';
  if (kind === 'erase') return Boolean(shape.digits);
  return true;
}

/**
 * The mask of one row (an image, by default a digit).
 * @param {'random'|'top'|'centre'|'none'} kind
 * @param {{ rate?: number, side?: number, seed?: number }} options
 *   rate: share of pixels missing (random); side: the missing square's side
 *   (centre, placed as the engine places it, in every channel); seed: the random holes
 * @param shape  the rows' shape: the top half is the top rows of each channel, or of a row's block of cells
 */
export function maskOf(kind, { rate = 0.5, side = 14, seed = 1 } = {}, shape = DIGIT_SHAPE) {
  const { size, width, height } = shape;
  const m = new Uint8Array(size).fill(1);
  const planes = shape.kind === 'image' ? shape.channels : 1;
  const plane = shape.kind === 'image' ? width * height : size;
  if (kind === 'random') {
    const u = uniform(seed);
    for (let i = 0; i < size; i++) m[i] = u() >= rate ? 1 : 0;
  } else if (kind === 'top') {
    const top = Math.min(plane, Math.floor(height / 2) * width);
    for (let c = 0; c < planes; c++) m.fill(0, c * plane, c * plane + top);
  } else if (kind === 'centre' && shape.kind === 'image') {
    const s = Math.max(1, Math.min(width, height, Math.round(side)));
    const [r0, c0] = [(height - s) >> 1, (width - s) >> 1];
    for (let c = 0; c < planes; c++) {
      for (let r = r0; r < r0 + s; r++) m.fill(0, c * plane + r * width + c0, c * plane + r * width + c0 + s);
    }
  }
  return m;
}

/**
 * Masks for `n` rows in one array (n × shape.size): `shared` (a hand-made mask)
 * for every row if given, else `kind` with a different random seed per row.
 */
export function masksFor(n, kind, options = {}, shared = null, shape = DIGIT_SHAPE) {
  const out = new Uint8Array(n * shape.size);
  for (let i = 0; i < n; i++) {
    out.set(shared ?? maskOf(kind, { ...options, seed: (options.seed ?? 1) * 7919 + i }, shape), i * shape.size);
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
  for (let i = 0; i < out.length; i++) if (mask[i] === 0) out[i] = fill[i % fill.length];
  return out;
}

/**
 * Mean squared error of `pred` against `truth` over the missing pixels only
 * (observed ones are right by construction and would dilute it), over the
 * first `n` images. NaN when no pixel is missing.
 */
export function missingMse(pred, truth, mask, n = mask.length / PIXELS, size = PIXELS) {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < Math.min(n * size, mask.length, truth.length); i++) {
    if (mask[i] === 0) {
      sum += (pred[i] - truth[i]) ** 2;
      count += 1;
    }
  }
  return count ? sum / count : NaN;
}

/**
 * Paints one row of `shape` with its missing values in the palettes' hole colour: a copy with
 * NaN there, painted as draw/row-pictures.js paints rows (a picture's pixel is a hole when any
 * of its channels is missing).
 */
export function paintMaskedRow(canvas, x, mask, { offset = 0, shape, palettes }) {
  if (shape.kind === 'image' && shape.channels === 1) {
    paintMasked(canvas, x, mask, { offset, palette: palettes.digits, hole: palettes.hole, shape });
    return;
  }
  const row = Float32Array.from(x.subarray(offset, offset + shape.size));
  const plane = shape.kind === 'image' ? shape.width * shape.height : shape.size;
  for (let i = 0; i < row.length; i++) if (mask[offset + i] === 0) row[i] = NaN;
  if (shape.kind === 'image') {
    // A colour picture: paint it, then the holes over it.
    paintRowPicture(
      canvas,
      row.map((v) => (Number.isFinite(v) ? v : 0)),
      { shape, palettes },
    );
    const ctx = canvas.getContext('2d');
    const img = ctx.getImageData(0, 0, shape.width, shape.height);
    for (let i = 0; i < row.length; i++) {
      if (Number.isFinite(row[i])) continue;
      img.data.set([...palettes.hole, 255], (i % plane) * 4);
    }
    ctx.putImageData(img, 0, 0);
    return;
  }
  paintRowPicture(canvas, row, { shape, palettes });
}

/**
 * Paints one gray image (28×28 unless `shape` says) with its missing pixels in the `hole` colour ([r, g, b]),
 * the others blended from paper to ink like draw/images.js does.
 */
export function paintMasked(canvas, x, mask, { offset = 0, palette, hole, shape = DIGIT_SHAPE }) {
  const { width, height } = shape;
  const pixels = width * height;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(width, height);
  const { paper, ink } = palette;
  for (let i = 0; i < pixels; i++) {
    const v = Math.min(1, Math.max(0, x[offset + i] || 0));
    const c = mask[offset + i] === 0 ? hole : [0, 1, 2].map((k) => paper[k] + (ink[k] - paper[k]) * v);
    img.data.set([c[0], c[1], c[2], 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
  canvas.dataset.painted = 'true';
}
