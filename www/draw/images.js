// Grayscale images as canvases: Float32Array (values in [0, 1]) -> ImageData -> canvas,
// each pixel blended from the theme's paper colour (0) to its ink (1).
// Canvases keep their natural 28×28 size and are upscaled by CSS with
// `image-rendering: pixelated`, so every pixel the network sees stays crisp.

import { SIDE } from '../lib/mnist.js';

/** Parses a CSS colour like "#1b1f24" or "rgb(27, 31, 36)" into [r, g, b]. */
export function parseColour(text, fallback = [0, 0, 0]) {
  const s = String(text).trim();
  let m = /^#([0-9a-f]{6})$/i.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  m = /^#([0-9a-f]{3})$/i.exec(s);
  if (m) return [...m[1]].map((c) => parseInt(c + c, 16));
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return fallback;
}

/** A CSS custom property of `el` as [r, g, b]. */
export function cssColour(name, fallback, el = document.documentElement) {
  return parseColour(getComputedStyle(el).getPropertyValue(name), fallback);
}

/** The digit palette of the current theme: CSS --digit-paper and --digit-ink. */
export function digitPalette(el = document.documentElement) {
  return { paper: cssColour('--digit-paper', [255, 255, 255], el), ink: cssColour('--digit-ink', [0, 0, 0], el) };
}

/** A palette from paper to the theme's --heat colour, for maps of change or activation. */
export function accentPalette(el = document.documentElement) {
  return { paper: cssColour('--digit-paper', [255, 255, 255], el), ink: cssColour('--heat', [200, 60, 20], el) };
}

/** Fills every pixel of `data` (RGBA bytes) with the opaque colour [r, g, b]. */
function fillColour(data, colour) {
  for (let i = 0; i < data.length; i += 4) {
    data[i] = colour[0];
    data[i + 1] = colour[1];
    data[i + 2] = colour[2];
    data[i + 3] = 255;
  }
}

/**
 * Paints `count` w×h tiles side by side in one canvas, `cols` per row with a
 * `gap`-pixel border of the `background` colour: the canvas is sized to fit,
 * then `tile(k, put)` is called for each tile k, with put(x, y, [r, g, b])
 * setting a pixel of that tile. One canvas, one putImageData: cheap for
 * hundreds of digits.
 */
export function paintTiles(canvas, { count, cols, width = SIDE, height = SIDE, gap = 1, background, tile }) {
  const rows = Math.ceil(count / cols);
  const W = cols * width + (cols + 1) * gap;
  const H = rows * height + (rows + 1) * gap;
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(W, H);
  const d = img.data;
  fillColour(d, background);
  for (let k = 0; k < count; k++) {
    const ox = gap + (k % cols) * (width + gap);
    const oy = gap + Math.floor(k / cols) * (height + gap);
    tile(k, (x, y, c) => {
      const o = ((oy + y) * W + ox + x) * 4;
      d[o] = c[0];
      d[o + 1] = c[1];
      d[o + 2] = c[2];
    });
  }
  ctx.putImageData(img, 0, 0);
  inked.add(canvas);
  canvas.dataset.painted = 'true';
}

/**
 * Paints `count` w×h images from `pixels` (from `offset`) as tiles (a sample
 * grid or a decoded manifold), each pixel blended from paper (0) to ink (1).
 */
export function paintMosaic(
  canvas,
  pixels,
  { count, cols, width = SIDE, height = SIDE, gap = 1, offset = 0, palette },
) {
  const { paper, ink } = palette;
  const c = [0, 0, 0];
  paintTiles(canvas, {
    count,
    cols,
    width,
    height,
    gap,
    background: paper,
    tile: (k, put) => {
      const from = offset + k * width * height;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const v = Math.min(1, Math.max(0, pixels[from + y * width + x] || 0));
          for (let i = 0; i < 3; i++) c[i] = paper[i] + (ink[i] - paper[i]) * v;
          put(x, y, c);
        }
      }
    },
  });
}

/**
 * Paints one w×h image from `pixels` (starting at `offset`) onto `canvas`,
 * blending from paper (0) to ink (1). Values outside [0, 1] are clamped.
 */
export function paintImage(canvas, pixels, { offset = 0, width = SIDE, height = SIDE, palette }) {
  paintMosaic(canvas, pixels, { count: 1, cols: 1, width, height, gap: 0, offset, palette });
}

/** Canvases that have held an image painted here (and so have a 2-D context). Others that did say so by data-painted. */
const inked = new WeakSet();

/**
 * Shows an all-paper image (nothing to show yet): the same colour as paintImage
 * of zeros. A canvas that never held an image gets no 2-D context for it (a
 * lesson has dozens of blank pictures when it opens, and creating their
 * contexts was most of the time it took to show): its CSS background is the
 * paper colour and its pixels stay transparent until an image covers them all.
 */
export function paintBlank(canvas, { width = SIDE, height = SIDE, palette }) {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const [r, g, b] = palette.paper.map((v) => Math.round(Math.min(255, Math.max(0, v))));
  const paper = `rgb(${r}, ${g}, ${b})`;
  canvas.style.backgroundColor = paper;
  if (inked.has(canvas) || canvas.dataset.painted === 'true') {
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = paper;
    ctx.fillRect(0, 0, width, height);
  }
  canvas.dataset.painted = 'false';
}
