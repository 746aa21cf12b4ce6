// An eraser on a shown digit: pointer strokes (mouse, finger, pen; see
// pointer-strokes.js) over a 28×28 canvas, upscaled by CSS, mark the pixels
// under them as missing. The digit and its holes are repainted as you go, and
// in the new theme's colours when the theme changes; the mask arithmetic is in
// draw/masks.js.

import { onThemeChange } from '../app/theme.js';
import { PIXELS, SIDE } from '../lib/mnist.js';
import { eraseSegment, paintMasked } from './masks.js';
import { pointerStrokes } from './pointer-strokes.js';

export class MaskPad {
  /**
   * @param {HTMLCanvasElement} canvas  a 28×28 canvas shown large
   * @param {{ onChange?: (pad: MaskPad) => void, onStart?: (pad: MaskPad) => void, radius?: number,
   *   colours: () => { palette, hole } }} options
   *   onStart: a stroke begins (before anything is erased); onChange: at most once per frame while
   *   erasing, and when a stroke ends; radius: the eraser's radius in pixels; colours: read at each paint
   */
  constructor(canvas, { onChange = () => {}, onStart = () => {}, radius = 1.6, colours }) {
    this.canvas = canvas;
    this.onChange = onChange;
    this.onStart = onStart;
    this.radius = radius;
    this.colours = colours;
    this.image = new Float32Array(PIXELS);
    this.mask = new Uint8Array(PIXELS).fill(1);
    this.strokes = pointerStrokes(canvas, {
      units: () => ({ width: SIDE, height: SIDE }),
      onStart: () => this.onStart(this),
      onSegment: (a, b) => this.#erase(a, b),
      onChange: () => this.onChange(this),
    });
    // On the next frame, so that whoever supplies `colours` has seen the new theme first.
    this.themeFrame = 0;
    this.stopTheme = onThemeChange(() => {
      cancelAnimationFrame(this.themeFrame);
      this.themeFrame = requestAnimationFrame(() => {
        if (canvas.dataset.painted === 'true') this.paint();
      });
    });
  }

  /** Shows `image` (784 values) with `mask` (copied) and repaints. */
  show(image, mask) {
    this.image = Float32Array.from(image);
    this.mask = Uint8Array.from(mask);
    this.paint();
  }

  /** Paints the image and its holes in the colours `colours()` gives now. */
  paint() {
    paintMasked(this.canvas, this.image, this.mask, this.colours());
  }

  destroy() {
    this.strokes.destroy();
    this.stopTheme();
    cancelAnimationFrame(this.themeFrame);
  }

  #erase(a, b) {
    if (!eraseSegment(this.mask, a.x, a.y, b.x, b.y, this.radius)) return false;
    this.paint();
    return true;
  }
}
