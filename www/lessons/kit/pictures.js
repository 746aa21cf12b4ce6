// What a lesson has painted, kept so it can be painted again in another
// theme. A lesson paints every canvas of its own through `draw` (or the digit
// shortcuts); when the theme signal fires, the palettes are read again from
// the CSS variables (www/css/page.css) and every picture is repainted from the
// data it was last painted with, with no round trip to the worker.

import { PIXELS } from '../../lib/mnist.js';
import { paintImage, paintBlank, digitPalette, accentPalette } from '../../draw/images.js';
import { divergingPalette } from '../../draw/colour-maps.js';

/** The current theme's palettes: digits (paper → ink), heat (paper → --heat), diverging, hole ([r, g, b]). */
export function themePalettes() {
  const heat = accentPalette();
  return { digits: digitPalette(), heat, diverging: divergingPalette(), hole: heat.ink };
}

export class Pictures {
  constructor() {
    this.painters = new Map(); // canvas -> its last paint(palettes)
    this.palettes = themePalettes();
  }

  /** Paints `canvas` with `paint(palettes)` now, and again with the new palettes whenever the theme changes. */
  draw(canvas, paint) {
    this.painters.set(canvas, paint);
    paint(this.palettes);
  }

  /**
   * One digit from `pixels` at `offset` (null: blank paper), in the digit
   * palette or, with palette: 'heat', from paper to the heat colour.
   */
  digit(canvas, pixels, { offset = 0, palette = 'digits' } = {}) {
    this.draw(canvas, (p) =>
      pixels ? paintImage(canvas, pixels, { offset, palette: p[palette] }) : paintBlank(canvas, { palette: p.digits }),
    );
  }

  /** A row of digit canvases: canvas i shows the image at offset + i × 784 (null: all blank). */
  row(canvases, pixels, { offset = 0, palette } = {}) {
    canvases.forEach((c, i) => {
      this.digit(c, pixels, { offset: offset + i * PIXELS, palette });
    });
  }

  /** The theme changed: read the palettes again and repaint every picture still on the page. */
  repaint() {
    this.palettes = themePalettes();
    for (const [canvas, paint] of this.painters) {
      if (canvas.isConnected) paint(this.palettes);
      else this.painters.delete(canvas); // replaced (e.g. rows rebuilt for another length)
    }
  }
}
