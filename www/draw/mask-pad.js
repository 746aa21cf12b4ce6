// An eraser on a shown digit: pointer strokes (mouse, finger, pen) over a
// 28×28 canvas, upscaled by CSS, mark the pixels under them as missing. The
// digit and its holes are repainted as you go; the mask arithmetic is in
// draw/masks.js.

import { eraseSegment, paintMasked, PIXELS, SIDE } from './masks.js';

export class MaskPad {
  /**
   * @param {HTMLCanvasElement} canvas  a 28×28 canvas shown large
   * @param {{ onChange?: (pad: MaskPad) => void, onStart?: (pad: MaskPad) => void, radius?: number,
   *   colours: () => { palette, hole } }} options
   *   onStart: a stroke begins (before anything is erased); onChange: at most once per frame while
   *   erasing, and when a stroke ends; radius: the eraser's radius in pixels
   */
  constructor(canvas, { onChange = () => {}, onStart = () => {}, radius = 1.6, colours }) {
    this.canvas = canvas;
    this.onChange = onChange;
    this.onStart = onStart;
    this.radius = radius;
    this.colours = colours;
    this.image = new Float32Array(PIXELS);
    this.mask = new Uint8Array(PIXELS).fill(1);
    this.pointerId = null;
    this.last = null;
    this.frame = 0;
    this.abort = new AbortController();
    const opts = { signal: this.abort.signal };
    canvas.addEventListener('pointerdown', (e) => this.#down(e), opts);
    canvas.addEventListener('pointermove', (e) => this.#move(e), opts);
    canvas.addEventListener('pointerup', (e) => this.#up(e), opts);
    canvas.addEventListener('pointercancel', (e) => this.#up(e), opts);
    canvas.addEventListener('lostpointercapture', (e) => this.#up(e), opts);
  }

  /** Shows `image` (784 values) with `mask` (copied) and repaints. */
  show(image, mask) {
    this.image = Float32Array.from(image);
    this.mask = Uint8Array.from(mask);
    this.paint();
  }

  paint() {
    paintMasked(this.canvas, this.image, this.mask, this.colours());
  }

  destroy() {
    this.abort.abort();
    cancelAnimationFrame(this.frame);
  }

  #point(e) {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * SIDE) / r.width, y: ((e.clientY - r.top) * SIDE) / r.height };
  }

  #down(e) {
    if (this.pointerId !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    this.pointerId = e.pointerId;
    this.canvas.setPointerCapture(e.pointerId);
    this.onStart(this);
    const p = this.#point(e);
    this.last = p;
    this.#erase(p, p);
  }

  #move(e) {
    if (e.pointerId !== this.pointerId) return;
    e.preventDefault();
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const p = this.#point(ev);
      this.#erase(this.last, p);
      this.last = p;
    }
  }

  #up(e) {
    if (e.pointerId !== this.pointerId) return;
    this.pointerId = null;
    this.last = null;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.onChange(this);
  }

  #erase(a, b) {
    if (!eraseSegment(this.mask, a.x, a.y, b.x, b.y, this.radius)) return;
    this.paint();
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.onChange(this);
      });
    }
  }
}
