// Small line charts beside the loss chart, drawn with uPlot: any x (steps, a
// noise level) against one or two y axes. `LineChart` shows data it is given;
// `TermsChart` follows the loss terms of the stats events (reconstruction, KL,
// penalties, per trainer) as moving averages, like the loss chart does.

import { formatValue, tickValues, UPlotChart } from './uplot-chart.js';

const SMOOTHING = 0.95; // as the loss chart: about a 20-step window
const MAX_POINTS = 2000;

/** The default y range: from 0 to a little above the largest value. */
const fromZero = (_min, max) => [0, max > 0 ? max * 1.08 : 1];

export class LineChart {
  /**
   * @param {HTMLElement} container  the chart takes its width
   * @param {{ x: string, y: string, y2?: string, height?: number, points?: boolean,
   *   series: Array<{ label: string, color: string, scale?: 'y' | 'y2', dash?: number[], width?: number }>,
   *   range?: (min: number, max: number) => [number, number], tick?: (v: number) => string|number,
   *   format?: (v: number) => string, log?: boolean }} options
   *   color is a CSS custom property name, e.g. '--series-1'; scale 'y2' uses the right-hand axis;
   *   range: the y axes' range from the data's (default from 0); tick, format: y tick labels and legend values;
   *   log: a base-10 logarithmic y axis (values ≤ 0 are gaps)
   */
  constructor(container, options) {
    this.options = { height: 220, points: false, range: fromZero, ...options };
    this.data = [[], ...this.options.series.map(() => [])];
    this.chart = new UPlotChart(container, {
      height: this.options.height,
      options: (theme) => this.#options(theme),
      data: () => this.data,
      onDraw: () => {
        container.dataset.points = String(this.data[0].length);
      },
    });
  }

  /** Replaces the data: [xs, ys of series 0, ys of series 1, ...] (null for a gap). Drawn on the next frame. */
  setData(data) {
    this.data = data;
    this.chart.schedule();
  }

  destroy() {
    this.chart.destroy();
  }

  #options({ colour }) {
    const { x, y, y2, series, points, range, tick, format, log } = this.options;
    const values = tick ? (_u, splits) => splits.map(tick) : tickValues(3);
    const value = format ? (_u, v) => (v == null || !Number.isFinite(v) ? '–' : format(v)) : formatValue(3);
    const yRange = (_u, min, max) => range(min, max);
    const axes = [{ label: x }, { label: y, size: 56, values }];
    if (y2) axes.push({ label: y2, scale: 'y2', side: 1, size: 56, values, grid: { show: false } });
    return {
      scales: log ? { y: { distr: 3, log: 10 } } : { y: { range: yRange }, y2: { range: yRange } },
      axes,
      series: [
        // Whole numbers (steps) as they are; others (a noise level) to 4 significant digits.
        { label: x, value: (_u, v) => (v == null ? '–' : String(Number.isInteger(v) ? v : +v.toPrecision(4))) },
        ...series.map((s) => ({
          label: s.label,
          scale: s.scale ?? 'y',
          stroke: colour(s.color),
          width: s.width ?? 2,
          dash: s.dash,
          value,
          points: { show: points, size: 6, fill: colour(s.color) },
        })),
      ],
    };
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
