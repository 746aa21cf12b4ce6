// Colours for pictures of what a network learned: one colour per digit class
// (the latent scatter), and a diverging map for signed weights (the filters),
// where 0 is the paper colour and the two signs are two hues. The colour
// maths is pure (node tests it); the palettes for the page read its CSS
// variables, so they follow whatever theme is on (light, dark, projector),
// and only `paintFilterMosaic` touches a canvas.

import { parseColour, cssColour, paintTiles } from './images.js';
import { PIXELS, SIDE } from '../lib/mnist.js';

/** Relative luminance (0 black to 1 white) of an [r, g, b] colour, as WCAG defines it. */
export function luminance([r, g, b]) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The current theme's colour for each digit 0–9 (CSS --class-0 … --class-9), as CSS colour strings. */
export function digitColours(el = document.documentElement) {
  const css = getComputedStyle(el);
  return Array.from({ length: 10 }, (_, d) => css.getPropertyValue(`--class-${d}`).trim() || '#888888');
}

/** WCAG contrast ratio of two CSS colours (1 to 21). */
export function contrastRatio(a, b) {
  const [hi, lo] = [luminance(parseColour(a)), luminance(parseColour(b))].sort((p, q) => q - p);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The current theme's diverging palette as [r, g, b]: CSS --diverging-neg and
 * --diverging-pos at the ends, the digit paper (--digit-paper) at zero.
 */
export function divergingPalette(el = document.documentElement) {
  return {
    neg: cssColour('--diverging-neg', [33, 102, 172], el),
    mid: cssColour('--digit-paper', [255, 255, 255], el),
    pos: cssColour('--diverging-pos', [178, 24, 43], el),
  };
}

/**
 * The colour of t in [−1, 1]: mid at 0, blending linearly to neg at −1 and
 * pos at +1; t outside is clamped, NaN counts as 0. -> [r, g, b] (0–255 integers)
 */
export function diverging(t, { neg, mid, pos }) {
  const v = Number.isFinite(t) ? Math.max(-1, Math.min(1, t)) : 0;
  const end = v < 0 ? neg : pos;
  const a = Math.abs(v);
  return [0, 1, 2].map((i) => Math.round(mid[i] + (end[i] - mid[i]) * a));
}

/**
 * Filter j of a layer as a 784-pixel image scaled into [−1, 1] by its own
 * largest absolute weight (so 0 stays 0 and each filter uses the whole map).
 * layout 'columns': weights is inputs × units (column j is unit j: the encoder's
 * first layer); 'rows': units × outputs (row j: the decoder's last layer).
 * -> { image: Float32Array, max } (max: that largest |weight|; an all-zero filter stays 0)
 */
export function filterImage(weights, units, j, layout, pixels = PIXELS) {
  const image = new Float32Array(pixels);
  let max = 0;
  for (let p = 0; p < pixels; p++) {
    const w = layout === 'columns' ? weights[p * units + j] : weights[j * pixels + p];
    image[p] = Number.isFinite(w) ? w : 0;
    max = Math.max(max, Math.abs(image[p]));
  }
  if (max > 0) for (let p = 0; p < pixels; p++) image[p] /= max;
  return { image, max };
}

/**
 * Paints the first `count` filters of a layer as a mosaic of 28×28 tiles,
 * `cols` per row with a `gap`-pixel border of the palette's mid colour.
 */
export function paintFilterMosaic(
  canvas,
  weights,
  { units, count = units, layout, cols, gap = 1, palette, side = SIDE },
) {
  paintTiles(canvas, {
    count,
    cols,
    width: side,
    height: side,
    gap,
    background: palette.mid,
    tile: (j, put) => {
      const { image } = filterImage(weights, units, j, layout, side * side);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) put(x, y, diverging(image[y * side + x], palette));
      }
    },
  });
}
