// Small line charts beside the loss chart, drawn with uPlot: any x (steps, a
// noise level) against one or two y axes. `LineChart` shows data it is given;
// `TermsChart` follows the loss terms of the stats events (reconstruction, KL,
// penalties, per trainer) as moving averages, like the loss chart does.

import uPlot from '../vendor/uPlot.esm.js';
import { cssVar } from '../lib/dom.js';
import { onThemeChange } from '../app/theme.js';

const SMOOTHING = 0.95; // as the loss chart: about a 20-step window
const MAX_POINTS = 2000;
const fmt = (v) => (v == null || !Number.isFinite(v) ? '–' : v.toPrecision(3));

export class LineChart {
  /**
   * @param {HTMLElement} container  the chart takes its width
   * @param {{ x: string, y: string, y2?: string, height?: number, points?: boolean,
   *   series: Array<{ label: string, color: string, scale?: 'y' | 'y2', dash?: number[], width?: number }> }} options
   *   color is a CSS custom property name, e.g. '--series-1'; scale 'y2' uses the right-hand axis
   */
  constructor(container, options) {
    this.container = container;
    this.options = { height: 220, points: false, ...options };
    this.data = [[], ...this.options.series.map(() => [])];
    this.plot = null;
    this.frame = 0;
    this.#build();
    this.resizer = new ResizeObserver(() => this.#resize());
    this.resizer.observe(container);
    this.stopTheme = onThemeChange(() => this.#build());
  }

  /** Replaces the data: [xs, ys of series 0, ys of series 1, ...] (null for a gap). Drawn on the next frame. */
  setData(data) {
    this.data = data;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.plot?.setData(this.data);
      this.container.dataset.points = String(this.data[0].length);
    });
  }

  destroy() {
    this.resizer.disconnect();
    this.stopTheme();
    cancelAnimationFrame(this.frame);
    this.plot?.destroy();
  }

  #resize() {
    const width = Math.floor(this.container.clientWidth);
    if (this.plot && width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: this.options.height });
  }

  #build() {
    this.plot?.destroy();
    const { x, y, y2, height, series, points } = this.options;
    const text = cssVar('--text-muted') || '#555';
    const grid = cssVar('--grid') || '#ddd';
    // Presentation mode sets larger type and thicker lines through these variables.
    const lineScale = Number(cssVar('--chart-line-scale')) || 1;
    const font = `${Number(cssVar('--chart-font-size')) || 13}px ${cssVar('--font-sans') || 'system-ui, sans-serif'}`;
    const axis = {
      stroke: text,
      font,
      labelFont: font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      labelSize: 22,
    };
    const tick = (_u, splits) => splits.map((v) => (v == null ? '' : +v.toPrecision(3)));
    const from0 = (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1];
    const axes = [
      { ...axis, label: x },
      { ...axis, label: y, size: 56, values: tick },
    ];
    if (y2) axes.push({ ...axis, label: y2, scale: 'y2', side: 1, size: 56, values: tick, grid: { show: false } });
    this.plot = new uPlot(
      {
        width: Math.max(200, Math.floor(this.container.clientWidth) || 400),
        height,
        scales: { x: { time: false }, y: { range: from0 }, y2: { range: from0 } },
        axes,
        series: [
          { label: x, value: (_u, v) => (v == null ? '–' : String(+v.toPrecision(4))) },
          ...series.map((s) => ({
            label: s.label,
            scale: s.scale ?? 'y',
            stroke: cssVar(s.color) || '#06c',
            width: (s.width ?? 2) * lineScale,
            dash: s.dash,
            value: (_u, v) => fmt(v),
            points: { show: points, size: 6, fill: cssVar(s.color) || '#06c' },
          })),
        ],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      },
      this.data,
      this.container,
    );
    this.container.dataset.points = String(this.data[0].length);
  }
}

/**
 * The loss terms of the stats events over steps, smoothed.
 * series: [{ key: 'kl', trainer: 'main', label, color, scale }] reads
 * msg.trainers[trainer].terms[key] (one value per step).
 */
export class TermsChart {
  constructor(container, { series, ...options }) {
    this.series = series.map((s) => ({ trainer: 'main', ...s }));
    this.chart = new LineChart(container, { x: 'step', series: this.series, ...options });
    this.reset();
  }

  /** Forgets the history (a new run). */
  reset() {
    this.cols = [[], ...this.series.map(() => [])];
    this.ema = this.series.map(() => ({ sum: 0, n: 0, last: null }));
    this.stride = 1;
    this.chart.setData(this.cols);
  }

  /** The latest smoothed value of series `i` (or of the one with key `key`). */
  last(i) {
    const idx = typeof i === 'number' ? i : this.series.findIndex((s) => s.key === i);
    return this.ema[idx]?.last ?? null;
  }

  /** Adds a stats event's steps. */
  push(msg) {
    const main = msg.trainers?.main ?? msg;
    const n = main.losses?.length ?? 0;
    for (let i = 0; i < n; i++) {
      const step = main.firstStep + i;
      this.series.forEach((s, j) => {
        const v = (msg.trainers?.[s.trainer] ?? (s.trainer === 'main' ? msg : null))?.terms?.[s.key]?.[i];
        if (!Number.isFinite(v)) return;
        const e = this.ema[j];
        e.n += 1;
        e.sum = SMOOTHING * e.sum + (1 - SMOOTHING) * v;
        e.last = e.sum / (1 - SMOOTHING ** e.n);
      });
      if (step % this.stride !== 0) continue;
      this.cols[0].push(step);
      this.ema.forEach((e, j) => {
        this.cols[j + 1].push(e.last);
      });
    }
    if (this.cols[0].length > MAX_POINTS) {
      this.stride *= 2;
      const keep = this.cols[0].map((s, i) => (s % this.stride === 0 ? i : -1)).filter((i) => i >= 0);
      this.cols = this.cols.map((col) => keep.map((i) => col[i]));
    }
    this.chart.setData(this.cols);
  }

  destroy() {
    this.chart.destroy();
  }
}
