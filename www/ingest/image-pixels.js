// Decoded pixels (an ImageData-like { data, width, height }: RGBA bytes, not
// premultiplied) to the numbers the autoencoder trains on. Pure (no DOM), so
// node tests it, and done in JavaScript rather than by the canvas's scaler so
// that one file gives the same numbers in every browser.

import { mnistFromGray } from '../draw/draw-pad.js';

/** Ink fainter than this share of the image's range (after the background is removed) is background noise. */
const INK_FLOOR = 0.1;

/**
 * Red, green and blue planes in [0, 1], channel-major (3×H×W), with every
 * pixel composited over white first: a transparent pixel is paper, not black.
 */
export function rgbFromImageData({ data, width, height }) {
  const n = width * height;
  const rgb = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const a = data[i * 4 + 3] / 255;
    const paper = 1 - a;
    rgb[i] = (data[i * 4] / 255) * a + paper;
    rgb[n + i] = (data[i * 4 + 1] / 255) * a + paper;
    rgb[2 * n + i] = (data[i * 4 + 2] / 255) * a + paper;
  }
  return rgb;
}

/** Luminance (ITU-R BT.601 weights, as PIL's convert('L') and MNIST-era tools use) of 3×H×W planes: one H×W plane. */
export function grayFromRgb(rgb, n) {
  const gray = new Float32Array(n);
  for (let i = 0; i < n; i++) gray[i] = 0.299 * rgb[i] + 0.587 * rgb[n + i] + 0.114 * rgb[2 * n + i];
  return gray;
}

/** For each output index along one axis, the source indices it covers and their weights (summing to 1). */
function areaTaps(len, n) {
  const scale = len / n;
  const taps = [];
  for (let o = 0; o < n; o++) {
    const a = o * scale;
    const b = a + scale;
    const list = [];
    for (let i = Math.floor(a); i < Math.min(Math.ceil(b), len); i++) {
      const w = Math.min(b, i + 1) - Math.max(a, i);
      if (w > 1e-9) list.push(i, w / scale);
    }
    taps.push(list);
  }
  return taps;
}

/**
 * Resizes one w×h plane to ow×oh by area averaging: each output pixel is the
 * mean of the source area it covers (fractional at the edges), which neither
 * aliases when shrinking nor blurs more than needed when growing.
 */
export function resizeArea(plane, w, h, ow, oh) {
  if (w === ow && h === oh) return Float32Array.from(plane.subarray(0, w * h));
  const xs = areaTaps(w, ow);
  const ys = areaTaps(h, oh);
  const rows = new Float32Array(h * ow);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < ow; x++) {
      const t = xs[x];
      let s = 0;
      for (let k = 0; k < t.length; k += 2) s += plane[y * w + t[k]] * t[k + 1];
      rows[y * ow + x] = s;
    }
  }
  const out = new Float32Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const t = ys[y];
    for (let k = 0; k < t.length; k += 2) {
      const r = t[k] * ow;
      const wt = t[k + 1];
      for (let x = 0; x < ow; x++) out[y * ow + x] += rows[r + x] * wt;
    }
  }
  return out;
}

/**
 * An image as a small picture: composited over white, resized to size×size
 * (stretched if it is not square), as luminance (1×size×size) or colour
 * (3×size×size, red plane then green then blue), values in [0, 1].
 * @param {{data: Uint8ClampedArray, width: number, height: number}} img
 * @param {number} size
 * @param {boolean} colour
 * @returns {Float32Array}
 */
export function pictureFromImageData(img, size, colour) {
  const { width: w, height: h } = img;
  const n = w * h;
  const rgb = rgbFromImageData(img);
  const planes = colour ? [0, 1, 2].map((c) => rgb.subarray(c * n, (c + 1) * n)) : [grayFromRgb(rgb, n)];
  const out = new Float32Array(planes.length * size * size);
  planes.forEach((p, c) => {
    const small = resizeArea(p, w, h, size, size);
    for (let i = 0; i < small.length; i++) small[i] = Math.min(1, Math.max(0, small[i]));
    out.set(small, c * size * size);
  });
  return out;
}

/** Mean of the outermost ring of pixels of a w×h plane: what the paper looks like. */
export function borderMean(plane, w, h) {
  let s = 0;
  let k = 0;
  for (let x = 0; x < w; x++) {
    s += plane[x] + (h > 1 ? plane[(h - 1) * w + x] : 0);
    k += h > 1 ? 2 : 1;
  }
  for (let y = 1; y < h - 1; y++) {
    s += plane[y * w] + (w > 1 ? plane[y * w + w - 1] : 0);
    k += w > 1 ? 2 : 1;
  }
  return s / k;
}

/**
 * Ink from a luminance plane, as MNIST has it: 1 is ink, 0 is paper. The
 * paper is whatever the border looks like: a light border (mean above one
 * half) means dark ink on light paper, so the plane is inverted. The paper's
 * level becomes 0 and the strongest ink 1; traces fainter than a tenth of that
 * range (scanner or JPEG noise) are cleared. Null when there is no ink (one flat colour).
 */
export function inkFromGray(gray, w, h) {
  const light = borderMean(gray, w, h) > 0.5;
  const ink = new Float32Array(w * h);
  let peak = 0;
  for (let i = 0; i < ink.length; i++) {
    ink[i] = light ? 1 - gray[i] : gray[i];
    if (ink[i] > peak) peak = ink[i];
  }
  const paper = borderMean(ink, w, h);
  const range = peak - paper;
  if (!(range > INK_FLOOR)) return null;
  for (let i = 0; i < ink.length; i++) {
    const v = (ink[i] - paper) / range;
    ink[i] = v <= INK_FLOOR ? 0 : Math.min(1, v);
  }
  return ink;
}

/**
 * An image as an MNIST-style digit, the draw pad's own preprocessing
 * (mnistFromGray): grayscale over white, inverted when the paper is light,
 * cropped to the ink, scaled so the longer side is 20 px and placed in a 28×28
 * frame by its centre of mass. Null when the image has no ink.
 * @param {{data: Uint8ClampedArray, width: number, height: number}} img
 * @returns {Float32Array|null}  784 values in [0, 1]
 */
export function mnistFromImageData(img) {
  const { width: w, height: h } = img;
  const ink = inkFromGray(grayFromRgb(rgbFromImageData(img), w * h), w, h);
  return ink && mnistFromGray(ink, w, h, { threshold: 0 });
}
