// Many rows of any data as one mosaic canvas (a grid of samples, a decoded
// map of the code space): each tile is one row drawn at its shape by
// paintRowPicture (row-pictures.js), so a mosaic of colour pictures or of
// table rows reads like the lesson's other small pictures. Gray pictures
// (the digits among them) keep the one-pass gray mosaic of images.js.

import { paintBlank, paintMosaic } from './images.js';
import { paintRowPicture } from './row-pictures.js';

/** The mosaic's size in canvas pixels: `count` tiles of `shape`, `cols` to a row, with a `gap`-pixel border. */
export function mosaicSize({ count, cols, gap = 1, shape }) {
  const rows = Math.ceil(count / cols);
  return { width: cols * shape.width + (cols + 1) * gap, height: rows * shape.height + (rows + 1) * gap };
}

/** One tile's canvas, painted by paintRowPicture and copied into the mosaic (reused: the mosaic is painted in one go). */
let scratch = null;

/**
 * Paints `count` rows of `values` (null: blank paper of the mosaic's size) as tiles drawn as
 * `shape` (row-pictures.js rowShape), `cols` per row, with the theme's `palettes`.
 */
export function paintRowMosaic(canvas, values, { count, cols, gap = 1, shape, palettes }) {
  const size = mosaicSize({ count, cols, gap, shape });
  if (!values) {
    paintBlank(canvas, { ...size, palette: palettes.digits });
    return;
  }
  if (shape.kind === 'image' && shape.channels === 1) {
    paintMosaic(canvas, values, {
      count,
      cols,
      gap,
      width: shape.width,
      height: shape.height,
      palette: palettes.digits,
    });
    return;
  }
  if (canvas.width !== size.width) canvas.width = size.width;
  if (canvas.height !== size.height) canvas.height = size.height;
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = `rgb(${palettes.digits.paper.map(Math.round).join(', ')})`;
  ctx.fillRect(0, 0, size.width, size.height);
  scratch ??= document.createElement('canvas');
  for (let k = 0; k < count; k++) {
    paintRowPicture(scratch, values, { offset: k * shape.size, shape, palettes });
    const x = gap + (k % cols) * (shape.width + gap);
    const y = gap + Math.floor(k / cols) * (shape.height + gap);
    ctx.drawImage(scratch, x, y);
  }
  canvas.dataset.painted = 'true';
}
