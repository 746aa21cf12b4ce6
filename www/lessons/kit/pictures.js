// What a lesson has painted, kept so it can be painted again in another
// theme. A lesson paints every canvas of its own through `draw` (or the digit
// shortcuts); when the theme signal fires, the palettes are read again from
// the CSS variables (www/css/page.css) and every picture is repainted from the
// data it was last painted with, with no round trip to the worker. It also
// remembers what each digit canvas shows and from which training step, for the
// pictures' text alternatives (kit/alt-text.js), and says when it painted.
// Paints share out the page's time: one task paints for at most SLICE_MS, and
// the pictures asked for after that are painted in the next tasks (a lesson
// opening, or a row of 16 digits arriving, no longer holds the page up while
// every canvas gets its first context).

import { digitPalette, accentPalette } from '../../draw/images.js';
import { DIGIT_SHAPE, paintRowPicture } from '../../draw/row-pictures.js';
import { divergingPalette } from '../../draw/colour-maps.js';

/** The current theme's palettes: digits (paper → ink), heat (paper → --heat), diverging, hole ([r, g, b]). */
export function themePalettes() {
  const heat = accentPalette();
  return { digits: digitPalette(), heat, diverging: divergingPalette(), hole: heat.ink };
}

/** How long one task may spend painting before the rest waits for the next task (ms). */
export const SLICE_MS = 10;

export class Pictures {
  /**
   * @param {{ step?: () => number, onPaint?: (canvas) => void }} [options]
   *   step: the training step a picture painted now shows; onPaint: after each paint (not theme repaints)
   */
  constructor({ step = () => 0, onPaint = () => {} } = {}) {
    this.painters = new Map(); // canvas -> its last paint(palettes)
    this.shown = new WeakMap(); // canvas -> { pixels: 784 values | null, step }
    this.palettes = themePalettes();
    this.step = step;
    this.onPaint = onPaint;
    this.waiting = new Map(); // canvas -> the paint it waits for (the latest asked for), in the order asked
    this.sliceStart = null; // when this task started painting (null: it has not)
    this.later = 0; // the timer of the next slice (0: none)
    /** How one row of the lesson's data is drawn (draw/row-pictures.js rowShape): the digits unless set. */
    this.shape = DIGIT_SHAPE;
  }

  /** The values in one row of the data (784 for the digits). */
  get size() {
    return this.shape.size;
  }

  /**
   * Paints `canvas` with `paint(palettes)`, now if this task has painted for
   * less than SLICE_MS, else in one of the next tasks (in the order asked; only
   * the last paint asked for a canvas), and again with the new palettes
   * whenever the theme changes. What the canvas shows (shownOn) is known at once.
   */
  draw(canvas, paint, { pixels = null } = {}) {
    this.painters.set(canvas, paint);
    this.shown.set(canvas, { pixels, step: this.step() });
    this.waiting.delete(canvas);
    this.waiting.set(canvas, paint);
    if (!this.later) this.paintWaiting();
  }

  /** Paints what waits until this task's slice is spent; the rest in the next task. */
  paintWaiting() {
    this.later = 0;
    for (const [canvas, paint] of this.waiting) {
      const now = performance.now();
      if (this.sliceStart === null) {
        this.sliceStart = now;
        setTimeout(() => {
          this.sliceStart = null;
        });
      } else if (now - this.sliceStart >= SLICE_MS) {
        this.later = setTimeout(() => this.paintWaiting());
        return;
      }
      this.waiting.delete(canvas);
      paint(this.palettes);
      this.onPaint(canvas);
    }
  }

  /** What `canvas` was last painted with: { pixels (one row's values, or null), step }, or null if never. */
  shownOn(canvas) {
    return this.shown.get(canvas) ?? null;
  }

  /**
   * One digit (one row of the lesson's data, drawn as its shape) from `pixels` at `offset`
   * (null: blank paper); gray pictures in the digit palette or, with palette: 'heat', from
   * paper to the heat colour.
   */
  digit(canvas, pixels, { offset = 0, palette = 'digits' } = {}) {
    const { shape } = this;
    this.draw(canvas, (p) => paintRowPicture(canvas, pixels, { offset, shape, palettes: p, palette }), {
      pixels: pixels ? pixels.slice(offset, offset + shape.size) : null,
    });
  }

  /** A row of digit canvases: canvas i shows the row at offset + i × size (null: all blank). */
  row(canvases, pixels, { offset = 0, palette } = {}) {
    canvases.forEach((c, i) => {
      this.digit(c, pixels, { offset: offset + i * this.size, palette });
    });
  }

  /** The theme changed: read the palettes again and repaint every picture still on the page. */
  repaint() {
    this.palettes = themePalettes();
    for (const [canvas, paint] of this.painters) {
      if (this.waiting.has(canvas)) continue; // it will be painted with these palettes
      if (canvas.isConnected) paint(this.palettes);
      else this.painters.delete(canvas); // replaced (e.g. rows rebuilt for another length)
    }
  }
}
