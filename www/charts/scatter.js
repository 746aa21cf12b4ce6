// A scatter plot of points in a plane on one canvas: the codes of the
// validation digits, coloured by label. The scale helpers are pure and sit in
// scatter-scale.js (node tests them; this module exports them too);
// `ScatterPlot` draws with them and turns the pointer into data coordinates
// for hover and click. Sizing, theme colours and repainting on resize and
// theme changes come from canvas-chart.js.

import { CanvasChart, dashedLine } from './canvas-chart.js';
import { extentOf, labelCentres, nearestPoint, niceTicks, scaleOf, tickLabel } from './scatter-scale.js';

export { alignSigns, extentOf, labelCentres, nearestPoint, niceTicks, scaleOf, tickLabel } from './scatter-scale.js';

/**
 * The plot. Points are drawn in the colour of their label (`colours[label]`,
 * CSS colour strings, or a function returning them, asked again at each paint
 * so the points follow the theme); `marks` adds a clicked point, a path between two
 * points, a star for the drawing, and rings around chosen points.
 */
export class ScatterPlot {
  /**
   * @param {HTMLCanvasElement} canvas  sized by CSS
   * @param {{ colours: string[] | (() => string[]), xLabel?: string, yLabel?: string,
   *   onHover?: (index: number, event: PointerEvent) => void,   index -1: no point under the pointer
   *   onPick?: ({ x, y, index }) => void,   a click (or a drag with the button down) at data (x, y); index: the point under it or -1
   *   names?: () => string[] | null }} options  the words written at each label's points (null: the label's number, as for digits; '' writes none)
   */
  constructor(
    canvas,
    { colours, xLabel = 'x', yLabel = 'y', onHover = () => {}, onPick = () => {}, names = () => null },
  ) {
    this.canvas = canvas;
    this.names = names;
    this.colours = colours;
    this.labels = { x: xLabel, y: yLabel };
    this.points = new Float32Array(0);
    this.pointLabels = new Uint8Array(0);
    this.ext = extentOf(this.points);
    this.marks = {};
    this.trails = null;
    this.scale = null;
    this.dpr = window.devicePixelRatio || 1;
    this.dragging = false;
    this.onHover = onHover;
    this.onPick = onPick;
    this.listeners = {
      pointermove: (e) => this.#move(e),
      pointerleave: () => onHover(-1, null),
      pointerdown: (e) => {
        if (e.button !== 0) return;
        this.dragging = e.pointerType === 'mouse';
        this.#pick(e);
      },
      pointerup: () => {
        this.dragging = false;
      },
      keydown: (e) => this.#key(e),
    };
    for (const [type, fn] of Object.entries(this.listeners)) canvas.addEventListener(type, fn);
    this.chart = new CanvasChart(canvas, (frame) => this.#paint(frame));
    this.draw();
  }

  /** New points (flat x, y pairs) and their labels; the bounds follow them. */
  setPoints(points, labels) {
    this.points = points;
    this.pointLabels = labels;
    this.ext = extentOf(points);
    this.canvas.dataset.points = String(labels.length);
    this.draw();
  }

  /**
   * Fading trails behind the points: `frames` are earlier positions of the same points (each flat x, y
   * pairs like setPoints', oldest first, the last usually where they are now), or null for none. Each
   * trail is drawn in its point's colour, the segment from frame i to i + 1 with opacity
   * `alpha(i, frames.length)` (default: fading from 0.55 at the newest to nearly nothing).
   * The canvas's data-trails says how many positions per point are drawn (0: none).
   */
  setTrails(frames, alpha = (i, count) => (0.55 * (i + 1)) / (count - 1)) {
    this.trails = frames?.length ? { frames, alpha } : null;
    this.draw();
  }

  /** Axis names, e.g. 'z₁' or 'PC 1'. */
  setAxisLabels(x, y) {
    this.labels = { x, y };
    this.draw();
  }

  /**
   * What is drawn over the points: { click: {x, y}, path: [{x, y}, {x, y}],
   * star: {x, y}, rings: [index, ...] }, each optional.
   */
  setMarks(marks) {
    this.marks = { ...this.marks, ...marks };
    this.draw();
  }

  /** The pixel position (CSS pixels, relative to the canvas) of data point (x, y), or null before the first draw. */
  toPixel(x, y) {
    if (!this.scale) return null;
    const dpr = this.dpr;
    return { left: this.scale.px(x) / dpr, top: this.scale.py(y) / dpr };
  }

  /** Redraws on the next frame. */
  draw() {
    this.chart.schedule();
  }

  destroy() {
    this.chart.destroy();
    for (const [type, fn] of Object.entries(this.listeners)) this.canvas.removeEventListener(type, fn);
  }

  #event(e) {
    const r = this.canvas.getBoundingClientRect();
    return { px: (e.clientX - r.left) * this.dpr, py: (e.clientY - r.top) * this.dpr };
  }

  #move(e) {
    if (!this.scale) return;
    const { px, py } = this.#event(e);
    this.onHover(nearestPoint(this.points, this.scale, px, py, 7 * this.dpr), e);
    if (this.dragging && e.buttons & 1) this.#pick(e);
  }

  // Arrow keys move the picked point by 2% of the plot (10% with Shift); Enter or space picks the centre first.
  #key(e) {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    const { x0, x1, y0, y1 } = this.ext;
    const at = this.marks.click ?? { x: (x0 + x1) / 2, y: (y0 + y1) / 2 };
    let next;
    if (moves[e.key]) {
      const f = e.shiftKey ? 0.1 : 0.02;
      const [dx, dy] = moves[e.key];
      next = {
        x: Math.min(x1, Math.max(x0, at.x + dx * f * (x1 - x0))),
        y: Math.min(y1, Math.max(y0, at.y + dy * f * (y1 - y0))),
      };
    } else if (e.key === 'Enter' || e.key === ' ') next = at;
    else return;
    e.preventDefault();
    const p = this.scale ? { px: this.scale.px(next.x), py: this.scale.py(next.y) } : null;
    this.onPick({ ...next, index: p ? nearestPoint(this.points, this.scale, p.px, p.py, 7 * this.dpr) : -1 });
  }

  #pick(e) {
    if (!this.scale) return;
    const { px, py } = this.#event(e);
    const a = this.area;
    if (px < a.left || px > a.right || py < a.top || py > a.bottom) return;
    this.onPick({
      x: this.scale.x(px),
      y: this.scale.y(py),
      index: nearestPoint(this.points, this.scale, px, py, 7 * this.dpr),
    });
  }

  // The trails under the points, one stroke per segment age and colour; -> positions drawn per point.
  #paintTrails(ctx, s, dpr, labelColours, n) {
    const { frames, alpha } = this.trails ?? { frames: [] };
    const count = frames.length;
    if (count < 2 || !n || frames.some((f) => f.length !== 2 * n)) return 0;
    ctx.lineWidth = 1.3 * dpr;
    ctx.lineCap = 'round';
    for (let i = 0; i + 1 < count; i++) {
      const a = frames[i],
        b = frames[i + 1];
      ctx.globalAlpha = alpha(i, count);
      for (let l = 0; l < labelColours.length; l++) {
        ctx.strokeStyle = labelColours[l];
        ctx.beginPath();
        for (let k = 0; k < n; k++) {
          if (this.pointLabels[k] !== l) continue;
          ctx.moveTo(s.px(a[2 * k]), s.py(a[2 * k + 1]));
          ctx.lineTo(s.px(b[2 * k]), s.py(b[2 * k + 1]));
        }
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
    return count;
  }

  #paint({ ctx, w, h: hgt, dpr, colours }) {
    const c = this.canvas;
    this.dpr = dpr;
    const { font, muted, text, surface, grid } = colours;
    const labelColours = typeof this.colours === 'function' ? this.colours() : this.colours;

    const inset = { left: 40 * dpr, top: 10 * dpr, right: 12 * dpr, bottom: 34 * dpr };
    this.area = { left: inset.left, top: inset.top, right: w - inset.right, bottom: hgt - inset.bottom };
    const a = this.area;
    const s = scaleOf(this.ext, a);
    this.scale = s;

    // Grid and tick labels.
    ctx.font = `${11 * dpr}px ${font}`;
    ctx.lineWidth = Math.max(1, dpr);
    ctx.strokeStyle = grid;
    ctx.fillStyle = muted;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of niceTicks(this.ext.x0, this.ext.x1, Math.max(3, Math.round((a.right - a.left) / (70 * dpr))))) {
      const x = Math.round(s.px(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, a.top);
      ctx.lineTo(x, a.bottom);
      ctx.stroke();
      ctx.fillText(tickLabel(v), x, a.bottom + 4 * dpr);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of niceTicks(this.ext.y0, this.ext.y1, Math.max(3, Math.round((a.bottom - a.top) / (60 * dpr))))) {
      const y = Math.round(s.py(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(a.left, y);
      ctx.lineTo(a.right, y);
      ctx.stroke();
      ctx.fillText(tickLabel(v), a.left - 5 * dpr, y);
    }
    ctx.fillStyle = text;
    ctx.font = `600 ${12 * dpr}px ${font}`;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(`${this.labels.x} →`, a.right, hgt - 2 * dpr);
    ctx.save();
    ctx.translate(11 * dpr, a.top);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(`${this.labels.y} →`, 0, 0);
    ctx.restore();

    // Points, in label order so no class always hides under another.
    ctx.save();
    ctx.beginPath();
    ctx.rect(a.left, a.top, a.right - a.left, a.bottom - a.top);
    ctx.clip();
    const n = this.pointLabels.length;
    c.dataset.trails = String(this.#paintTrails(ctx, s, dpr, labelColours, n));
    const r = 2.6 * dpr;
    ctx.globalAlpha = 0.8;
    for (let k = 0; k < n; k++) {
      ctx.fillStyle = labelColours[this.pointLabels[k]] ?? muted;
      ctx.beginPath();
      ctx.arc(s.px(this.points[2 * k]), s.py(this.points[2 * k + 1]), r, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.globalAlpha = 1;

    // Each label written at the median of its points, with a halo to stay readable.
    ctx.font = `700 ${15 * dpr}px ${font}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    const names = this.names();
    labelCentres(this.points, this.pointLabels, labelColours.length).forEach((cen, l) => {
      const name = names ? (names[l] ?? '') : String(l);
      if (!cen.count || !name) return;
      const x = s.px(cen.x),
        y = s.py(cen.y);
      ctx.lineWidth = 4 * dpr;
      ctx.strokeStyle = surface;
      ctx.strokeText(name, x, y);
      ctx.fillStyle = labelColours[l];
      ctx.fillText(name, x, y);
    });

    const { click, path, star, rings } = this.marks;
    ctx.lineWidth = 2 * dpr;
    if (path) {
      const [p, q] = path.map(({ x, y }) => [s.px(x), s.py(y)]);
      dashedLine(ctx, dpr, p, q, { colour: text, dash: [5, 4] });
    }
    for (const k of rings ?? []) {
      if (k < 0 || k >= n) continue;
      ctx.strokeStyle = text;
      ctx.beginPath();
      ctx.arc(s.px(this.points[2 * k]), s.py(this.points[2 * k + 1]), 6 * dpr, 0, 2 * Math.PI);
      ctx.stroke();
    }
    if (star) {
      const x = s.px(star.x),
        y = s.py(star.y);
      ctx.fillStyle = text;
      ctx.strokeStyle = surface;
      ctx.beginPath();
      for (let i = 0; i < 10; i++) {
        const rad = (i % 2 ? 3.5 : 9) * dpr;
        const ang = -Math.PI / 2 + (i * Math.PI) / 5;
        ctx.lineTo(x + rad * Math.cos(ang), y + rad * Math.sin(ang));
      }
      ctx.closePath();
      ctx.stroke();
      ctx.fill();
    }
    if (click) {
      const x = s.px(click.x),
        y = s.py(click.y);
      const arm = 9 * dpr;
      for (const [colour, width] of [
        [surface, 5 * dpr],
        [text, 2 * dpr],
      ]) {
        ctx.strokeStyle = colour;
        ctx.lineWidth = width;
        ctx.beginPath();
        ctx.moveTo(x - arm, y);
        ctx.lineTo(x + arm, y);
        ctx.moveTo(x, y - arm);
        ctx.lineTo(x, y + arm);
        ctx.stroke();
      }
    }
    ctx.restore();
    c.dataset.painted = String(n > 0);
    // Where the first point is drawn (CSS pixels from the canvas's top left), for tests and tools that point at it.
    if (n)
      c.dataset.firstPoint = `${(s.px(this.points[0]) / dpr).toFixed(1)},${(s.py(this.points[1]) / dpr).toFixed(1)}`;
    else delete c.dataset.firstPoint;
  }
}
