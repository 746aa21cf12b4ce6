// One row of any data as a small picture, so the lessons' grids, strips and
// mosaics (built for 28×28 digits) show whatever the run trains on: the
// digits, pictures of another size (gray, or colour painted as it is), or
// rows of numbers (a table's columns, sensor windows) as a block of cells in
// the diverging palette, blue below zero and red above, at a scale fixed for
// the data set so that a row and its reconstruction are coloured alike.
// `rowShape` says how a data set's rows are drawn (worker/data-source.js info).

import { PIXELS, SIDE } from '../lib/mnist.js';
import { paintBlank, paintImage, paintTiles } from './images.js';
import { diverging } from './colour-maps.js';

/** The digits' rows: 28×28 gray pictures. */
export const DIGIT_SHAPE = Object.freeze({
  kind: 'image',
  size: PIXELS,
  channels: 1,
  height: SIDE,
  width: SIDE,
  digits: true,
});

/**
 * How the rows of data described by `info` are drawn (null: the digits):
 * { kind: 'image', size, channels, height, width, digits } or
 * { kind: 'values', size, height, width, scale } (a block of cells: sensors one line
 * per signal, other rows about square; `scale` is set once rows are seen, see valueScale).
 */
export function rowShape(info) {
  if (!info) return DIGIT_SHAPE;
  const size = info.width;
  if (info.view === 'image') {
    const { channels, height, width } = info.shape;
    return {
      kind: 'image',
      size,
      channels,
      height,
      width,
      digits: channels === 1 && height === SIDE && width === SIDE,
    };
  }
  if (info.view === 'signals' && info.signals?.names?.length) {
    const height = info.signals.names.length;
    return { kind: 'values', size, height, width: Math.ceil(size / height), scale: 1, digits: false };
  }
  const width = Math.ceil(Math.sqrt(size));
  return { kind: 'values', size, height: Math.ceil(size / width), width, scale: 1, digits: false };
}

/**
 * The scale rows of numbers are coloured at: the 98th percentile of the finite |values|
 * (so a few outliers do not wash out the rest), and 1 when there are none.
 */
export function valueScale(values) {
  const a = [];
  for (const v of values) if (Number.isFinite(v)) a.push(Math.abs(v));
  if (!a.length) return 1;
  a.sort((x, y) => x - y);
  const q = a[Math.min(a.length - 1, Math.floor(0.98 * a.length))];
  return q > 1e-6 ? q : 1;
}

/**
 * Paints the row of `values` at `offset` (null: blank) drawn as `shape`, with the theme's
 * `palettes` (kit/pictures.js themePalettes); `palette` picks the gray pictures' palette.
 * Missing values (NaN) show in the palettes' hole colour.
 */
export function paintRowPicture(canvas, values, { offset = 0, shape, palettes, palette = 'digits' }) {
  const { width, height } = shape;
  if (!values || values.length < offset + shape.size) {
    // Nothing yet, or past the rows there are (a small data set has fewer validation rows than a grid shows).
    paintBlank(canvas, { width, height, palette: palettes.digits });
    return;
  }
  if (shape.kind === 'image' && shape.channels === 1) {
    paintImage(canvas, values, { offset, width, height, palette: palettes[palette] });
    return;
  }
  const plane = width * height;
  const c = [0, 0, 0];
  paintTiles(canvas, {
    count: 1,
    cols: 1,
    width,
    height,
    gap: 0,
    background: palettes.digits.paper,
    tile: (_, put) => {
      for (let p = 0; p < plane; p++) {
        const [x, y] = [p % width, Math.floor(p / width)];
        if (shape.kind === 'image') {
          for (let k = 0; k < 3; k++)
            c[k] = Math.round(255 * Math.min(1, Math.max(0, values[offset + k * plane + p] || 0)));
          put(x, y, c);
        } else if (p < shape.size) {
          const v = values[offset + p];
          put(x, y, Number.isFinite(v) ? diverging(v / shape.scale, palettes.diverging) : palettes.hole);
        }
      }
    },
  });
}
