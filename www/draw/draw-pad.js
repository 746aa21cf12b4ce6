// The draw pad: pointer (mouse, touch, pen) strokes on a canvas, turned into a
// 28×28 input the way MNIST digits were made (LeCun et al.): crop to the ink,
// scale so the larger side is 20 px keeping the aspect ratio, then place it in
// a 28×28 field so that its centre of mass sits at the centre.
//
// `mnistFromGray` is pure (no DOM) so node can test it; `DrawPad` is the canvas
// glue, with the pointer handling in pointer-strokes.js.

import { onThemeChange } from '../app/theme.js';
import { SIDE } from '../lib/mnist.js';
import { pointerStrokes } from './pointer-strokes.js';

/** The side of the pad's output image (an MNIST digit). */
export const SIZE = SIDE;
/** The side of the box the drawing is scaled into, as MNIST did. */
export const BOX = 20;

/**
 * Averages the source rectangle (sx, sy, sw, sh) of a grayscale image into an
 * ow×oh image: each output pixel is the mean of the source area it covers
 * (fractional coverage at the edges), which anti-aliases like MNIST's own
 * downscaling and also works when scaling up.
 */
function resampleArea(gray, width, sx, sy, sw, sh, ow, oh) {
  const taps = (start, len, n) => {
    const scale = len / n;
    const out = [];
    for (let o = 0; o < n; o++) {
      const a = start + o * scale;
      const b = a + scale;
      const list = [];
      // Rounding can put the last tap's end a hair past start + len: never read past the box.
      for (let i = Math.floor(a); i < Math.min(Math.ceil(b), start + len); i++) {
        const w = Math.min(b, i + 1) - Math.max(a, i);
        if (w > 0) list.push([i, w / scale]);
      }
      out.push(list);
    }
    return out;
  };
  const xs = taps(sx, sw, ow);
  const ys = taps(sy, sh, oh);
  // Horizontal pass over the rows we need, then vertical.
  const rows = new Float32Array(sh * ow);
  for (let y = 0; y < sh; y++) {
    const src = (sy + y) * width;
    for (let x = 0; x < ow; x++) {
      let s = 0;
      for (const [i, w] of xs[x]) s += gray[src + i] * w;
      rows[y * ow + x] = s;
    }
  }
  const out = new Float32Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    for (const [j, w] of ys[y]) {
      const r = (j - sy) * ow;
      for (let x = 0; x < ow; x++) out[y * ow + x] += rows[r + x] * w;
    }
  }
  return out;
}

/**
 * Centre of mass of a w×h image, in pixel units where pixel (i, j) spans
 * [i, i+1) × [j, j+1): a single lit pixel at (13, 13) has its centre at (13.5, 13.5),
 * and the centre of a 28×28 field is (14, 14). Returns null for an empty image.
 */
export function centreOfMass(img, w, h) {
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x];
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return m > 0 ? { x: mx / m, y: my / m } : null;
}

/**
 * A drawing as an MNIST-style input.
 * @param {Float32Array|number[]} gray  ink intensity per pixel in [0, 1], row-major
 * @param {number} width
 * @param {number} height
 * @param {{threshold?: number}} [options]  pixels at or below `threshold` count as paper when cropping
 * @returns {Float32Array|null}  784 values in [0, 1], or null when nothing is drawn
 */
export function mnistFromGray(gray, width, height, { threshold = 0.02 } = {}) {
  if (!(width > 0 && height > 0) || gray.length < width * height) return null;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (gray[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;

  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = BOX / Math.max(bw, bh);
  const ow = Math.max(1, Math.min(BOX, Math.round(bw * scale)));
  const oh = Math.max(1, Math.min(BOX, Math.round(bh * scale)));
  const small = resampleArea(gray, width, x0, y0, bw, bh, ow, oh);
  for (let i = 0; i < small.length; i++) small[i] = Math.min(1, Math.max(0, small[i]));

  // MNIST shifts by whole pixels, so the centre of mass lands within half a pixel of (14, 14).
  // The shift is clamped so the drawing is never cut off; only very lopsided strokes need that.
  const c = centreOfMass(small, ow, oh) ?? { x: ow / 2, y: oh / 2 };
  const dx = Math.min(SIZE - ow, Math.max(0, Math.round(SIZE / 2 - c.x)));
  const dy = Math.min(SIZE - oh, Math.max(0, Math.round(SIZE / 2 - c.y)));

  const out = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < oh; y++) {
    out.set(small.subarray(y * ow, (y + 1) * ow), (y + dy) * SIZE + dx);
  }
  return out;
}

/** Ink coverage of a canvas: its alpha channel in [0, 1] (the pad draws on a transparent canvas). */
export function grayFromImageData({ data, width, height }) {
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = data[i * 4 + 3] / 255;
  return gray;
}

/**
 * A canvas you draw digits on. The canvas keeps a fixed backing size and is
 * scaled by CSS; strokes are drawn on transparent pixels so the ink is the alpha
 * channel, and the ink takes the theme's colour again whenever the theme changes.
 */
export class DrawPad {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {{onChange?: (pad: DrawPad) => void, lineWidth?: number, ink?: () => string}} [options]
   *   onChange is called at most once per animation frame while drawing, and when a stroke ends.
   *   lineWidth is in backing pixels; ink returns the stroke colour (read from CSS).
   */
  constructor(canvas, { onChange = () => {}, lineWidth = canvas.width / 13, ink = () => '#000' } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.onChange = onChange;
    this.lineWidth = lineWidth;
    this.ink = ink;
    this.empty = true;
    this.strokes = pointerStrokes(canvas, {
      units: () => canvas,
      onSegment: (a, b) => this.#segment(a, b),
      onChange: () => this.onChange(this),
    });
    this.stopTheme = onThemeChange(() => this.retint());
  }

  /** Erases the drawing. */
  clear() {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.empty = true;
    this.canvas.dataset.empty = 'true';
    this.onChange(this);
  }

  /** The drawing as 784 MNIST-style pixels, or null when the pad is empty. */
  toMnist() {
    if (this.empty) return null;
    const { width, height } = this.canvas;
    return mnistFromGray(grayFromImageData(this.ctx.getImageData(0, 0, width, height)), width, height);
  }

  /** Replaces the drawing with a 28×28 image (e.g. a validation digit), scaled to fill the pad. */
  showDigit(pixels) {
    const { width, height } = this.canvas;
    const tmp = new ImageData(SIZE, SIZE);
    for (let i = 0; i < SIZE * SIZE; i++) tmp.data[i * 4 + 3] = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
    const small = document.createElement('canvas');
    small.width = SIZE;
    small.height = SIZE;
    small.getContext('2d').putImageData(tmp, 0, 0);
    this.ctx.clearRect(0, 0, width, height);
    this.ctx.save();
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.drawImage(small, 0, 0, width, height);
    this.ctx.restore();
    this.retint();
    this.empty = false;
    this.canvas.dataset.empty = 'false';
    this.onChange(this);
  }

  /**
   * Repaints the ink in the current ink colour; the alpha, which is the data, is kept. The pad does this
   * itself on the theme signal (app/theme.js); calling it again does no harm.
   */
  retint() {
    const { ctx, canvas } = this;
    ctx.save();
    ctx.globalCompositeOperation = 'source-in';
    ctx.fillStyle = this.ink();
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.restore();
  }

  /** Removes the listeners. */
  destroy() {
    this.strokes.destroy();
    this.stopTheme();
  }

  #segment(a, b) {
    const { ctx } = this;
    ctx.strokeStyle = this.ink();
    ctx.lineWidth = this.lineWidth;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x + (a.x === b.x && a.y === b.y ? 0.01 : 0), b.y);
    ctx.stroke();
    this.empty = false;
    this.canvas.dataset.empty = 'false';
    return true;
  }
}
