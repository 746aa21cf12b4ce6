// The recommender's error curves, drawn with uPlot: test RMSE beside the
// baselines over training steps. Unlike charts/line-chart.js its y axis is fitted to
// the data rather than starting at 0, since the gap that matters (0.91 against
// 0.99 stars) would be a hair's width on a 0-to-1 axis.

import uPlot from '../vendor/uPlot.esm.js';
import { cssVar } from '../lib/dom.js';

const fmt = (v) => (v == null || !Number.isFinite(v) ? '–' : v.toFixed(3));

/** A y range around [min, max] with a little room, never below 0. */
export function paddedRange(min, max) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const pad = Math.max((max - min) * 0.08, 0.02);
  return [Math.max(0, min - pad), max + pad];
}

export class RmseChart {
  /**
   * @param {HTMLElement} container
   * @param {{ series: Array<{ label: string, color: string, dash?: number[], width?: number }>, height?: number }} options
   */
  constructor(container, { series, height = 240 }) {
    this.container = container;
    this.series = series;
    this.height = height;
    this.data = [[], ...series.map(() => [])];
    this.frame = 0;
    this.#build();
    this.resizer = new ResizeObserver(() => {
      const width = Math.floor(container.clientWidth);
      if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height });
    });
    this.resizer.observe(container);
    this.scheme = matchMedia('(prefers-color-scheme: dark)');
    this.onScheme = () => this.#build();
    this.scheme.addEventListener('change', this.onScheme);
  }

  /** Replaces the data: [steps, ys of each series]; drawn on the next frame. */
  setData(data) {
    this.data = data;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.plot.setData(this.data);
      this.container.dataset.points = String(this.data[0].length);
    });
  }

  destroy() {
    this.resizer.disconnect();
    this.scheme.removeEventListener('change', this.onScheme);
    cancelAnimationFrame(this.frame);
    this.plot?.destroy();
  }

  #build() {
    this.plot?.destroy();
    const text = cssVar('--text-muted') || '#555';
    const grid = cssVar('--grid') || '#ddd';
    const font = `13px ${cssVar('--font-sans') || 'system-ui, sans-serif'}`;
    const axis = {
      stroke: text,
      font,
      labelFont: font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      labelSize: 22,
    };
    this.plot = new uPlot(
      {
        width: Math.max(200, Math.floor(this.container.clientWidth) || 400),
        height: this.height,
        scales: { x: { time: false }, y: { range: (_u, min, max) => paddedRange(min, max) } },
        axes: [
          { ...axis, label: 'step' },
          { ...axis, label: 'RMSE (stars)', size: 56, values: (_u, s) => s.map((v) => v.toFixed(2)) },
        ],
        series: [
          { label: 'step', value: (_u, v) => (v == null ? '–' : String(v)) },
          ...this.series.map((s) => ({
            label: s.label,
            stroke: cssVar(s.color) || '#06c',
            width: s.width ?? 2,
            dash: s.dash,
            value: (_u, v) => fmt(v),
            points: { show: false },
          })),
        ],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      },
      this.data,
      this.container,
    );
  }
}
