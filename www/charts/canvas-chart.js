// The preamble every hand-drawn canvas chart shares (bars, grouped bars,
// histogram, ROC, scatter): the backing store follows the canvas's CSS box ×
// devicePixelRatio so lines stay sharp, colours and the font come from the
// theme's CSS variables at paint time, and the chart paints itself again when
// its box changes size or the theme signal (app/theme.js) fires: system
// light/dark, or presentation mode's projector palette.

import { onThemeChange } from '../app/theme.js';
import { cssVar } from '../lib/dom.js';

/**
 * The theme's colours and font as CSS colour strings, read now.
 * -> { text, muted, grid, surface, font, colour(name, fallback) }  colour reads any custom property, e.g. '--series-1'
 */
export function chartColours() {
  const colour = (name, fallback = '#06c') => cssVar(name) || fallback;
  return {
    text: colour('--text', '#111'),
    muted: colour('--text-muted', '#555'),
    grid: colour('--grid', '#ddd'),
    surface: colour('--surface', '#fff'),
    font: colour('--font-sans', 'system-ui, sans-serif'),
    colour,
  };
}

/** The backing size a canvas should have: its CSS box × devicePixelRatio, at least `min` (backing pixels). */
function backingSize(canvas, { minWidth, minHeight }) {
  const dpr = window.devicePixelRatio || 1;
  return {
    dpr,
    w: Math.max(minWidth, Math.round(canvas.clientWidth * dpr)),
    h: Math.max(minHeight, Math.round(canvas.clientHeight * dpr)),
  };
}

// Every live chart, held weakly: a chart painted by a plain function (paintHistogram…) has no
// destroy(), so it must not be kept alive by the one theme listener once its canvas is gone.
const charts = new Set();
let listening = false; // one theme listener for all of them, for the life of the page

function repaintAll() {
  for (const ref of charts) {
    const chart = ref.deref();
    if (!chart) charts.delete(ref);
    else if (chart.canvas.isConnected && chart.repaintIf()) chart.draw();
  }
}

/** One canvas chart: sized, cleared and themed before each paint, repainted on resize and theme changes. */
export class CanvasChart {
  /**
   * @param {HTMLCanvasElement} canvas  sized by CSS
   * @param {(frame: { ctx: CanvasRenderingContext2D, w: number, h: number, dpr: number,
   *   colours: ReturnType<typeof chartColours> }) => void} paint  w, h in backing pixels
   * @param {{ minWidth?: number, minHeight?: number, repaintIf?: () => boolean }} [options]
   *   repaintIf: whether a resize or theme change should repaint (default: always)
   */
  constructor(canvas, paint, { minWidth = 100, minHeight = 100, repaintIf = () => true } = {}) {
    this.canvas = canvas;
    this.paint = paint;
    this.min = { minWidth, minHeight };
    this.repaintIf = repaintIf;
    this.frame = 0;
    this.ref = new WeakRef(this);
    charts.add(this.ref);
    if (!listening) onThemeChange(repaintAll);
    listening = true;
    this.resizer = new ResizeObserver(() => this.#resized());
    this.observing = false;
  }

  /** Paints now, at the canvas's current size and in the current theme's colours. */
  draw() {
    if (!this.observing) this.resizer.observe(this.canvas);
    this.observing = true;
    const { canvas } = this;
    const { w, h, dpr } = backingSize(canvas, this.min);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, w, h);
    this.paint({ ctx, w, h, dpr, colours: chartColours() });
  }

  /** Paints on the next animation frame (several calls in one frame paint once). */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Stops repainting; the canvas keeps its last picture. */
  destroy() {
    cancelAnimationFrame(this.frame);
    this.resizer.disconnect();
    charts.delete(this.ref);
  }

  // Repaints when the box changes the backing size; a hidden canvas waits until it is shown, and one
  // taken out of the page stops being observed until it is painted again.
  #resized() {
    const { canvas } = this;
    if (!canvas.isConnected) {
      this.resizer.disconnect();
      this.observing = false;
      return;
    }
    const { w, h } = backingSize(canvas, this.min);
    if (canvas.clientWidth === 0 || (w === canvas.width && h === canvas.height)) return;
    if (this.repaintIf()) this.draw();
  }
}

const painted = new WeakMap();

/**
 * Paints `canvas` with `paint` now, and again (the same call) when the canvas is resized or the theme
 * changes, for as long as the canvas still shows that picture: until something else paints it or sets
 * its data-painted to anything but 'true' (as a lesson does when it clears a chart).
 * @param {HTMLCanvasElement} canvas
 * @param {{ minWidth: number, minHeight: number }} size  the smallest backing size
 * @param {(frame) => void} paint  as for CanvasChart; it sets canvas.dataset.painted = 'true'
 */
export function paintChart(canvas, size, paint) {
  let chart = painted.get(canvas);
  if (!chart) {
    chart = new CanvasChart(canvas, paint, { ...size, repaintIf: () => canvas.dataset.painted === 'true' });
    painted.set(canvas, chart);
  }
  chart.paint = paint;
  chart.min = size;
  chart.draw();
}

/** A straight dashed line, `dash` in CSS pixels. */
export function dashedLine(ctx, dpr, [x0, y0], [x1, y1], { colour, width = 2, dash = [6, 4] }) {
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = width * dpr;
  ctx.setLineDash(dash.map((d) => d * dpr));
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
  ctx.restore();
}

/**
 * Horizontal grid lines across `box` ({ left, right }) at the given ticks, each labelled at the left.
 * @param {{ ctx, dpr, colours }} frame
 * @param {Array<{ y: number, label: string }>} rows  y in backing pixels
 * @param {number} fontSize  CSS pixels
 */
export function gridRows({ ctx, dpr, colours }, box, rows, fontSize = 12) {
  ctx.font = `${fontSize * dpr}px ${colours.font}`;
  ctx.fillStyle = colours.muted;
  ctx.strokeStyle = colours.grid;
  ctx.lineWidth = dpr;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const { y, label } of rows) {
    ctx.beginPath();
    ctx.moveTo(box.left, y);
    ctx.lineTo(box.right, y);
    ctx.stroke();
    ctx.fillText(label, box.left - 6 * dpr, y);
  }
}
