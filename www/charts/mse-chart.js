// A chart of one model's validation error over training steps against a flat
// reference line (PCA's error at the same code size), drawn with uPlot on a
// log scale: the error falls by an order of magnitude in the first minutes,
// and the interesting part, where the curve crosses the line, sits near the
// bottom. Points arrive every second or so, not every step.

import uPlot from '../vendor/uPlot.esm.js';
import { cssVar } from '../lib/dom.js';

const fmt = (v) => (v == null || !Number.isFinite(v) ? '–' : v.toPrecision(3));

/** The y range of the log axis: the data's span widened by 15% each way (a flat line gets ±25%). */
export function logRange(values) {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo > hi) return [0.001, 1];
  if (hi / lo < 1.5) return [lo / 1.25, hi * 1.25];
  return [lo / 1.15, hi * 1.15];
}

export class VersusChart {
  /**
   * @param {HTMLElement} container  the chart takes its width
   * @param {{ y: string, curve: string, line: string, height?: number }} options
   *   curve: the model's series label; line: the reference's
   */
  constructor(container, { y, curve, line, height = 260 }) {
    this.container = container;
    this.options = { y, curve, line, height };
    this.frame = 0;
    this.plot = null;
    this.reset();
    this.resizer = new ResizeObserver(() => {
      const width = Math.floor(container.clientWidth);
      if (this.plot && width > 0 && width !== this.plot.width) this.plot.setSize({ width, height });
    });
    this.resizer.observe(container);
    this.scheme = matchMedia('(prefers-color-scheme: dark)');
    this.onScheme = () => this.#build();
    this.scheme.addEventListener('change', this.onScheme);
  }

  /** Forgets the curve and the line; `line` renames the reference, e.g. 'PCA, k = 8'. */
  reset({ line = this.options.line } = {}) {
    this.options.line = line;
    this.steps = [];
    this.curve = [];
    this.ref = null;
    this.#build();
  }

  /** The reference value (a flat line), or null. */
  setLine(value) {
    this.ref = value;
    this.#schedule();
  }

  /** One measurement of the model at `step` (a later one at the same step replaces it). */
  push(step, value) {
    const n = this.steps.length;
    if (n && this.steps[n - 1] === step) this.curve[n - 1] = value;
    else if (!n || step > this.steps[n - 1]) {
      this.steps.push(step);
      this.curve.push(value);
    }
    this.#schedule();
  }

  destroy() {
    this.resizer.disconnect();
    this.scheme.removeEventListener('change', this.onScheme);
    cancelAnimationFrame(this.frame);
    this.plot?.destroy();
  }

  #data() {
    // The line spans the steps measured so far (or a short stub before the first measurement).
    const xs = this.steps.length > 1 ? this.steps : [0, Math.max(1, this.steps[0] ?? 0)];
    const curve = this.steps.length > 1 ? this.curve : xs.map((_, i) => (i === 0 ? (this.curve[0] ?? null) : null));
    return [xs, curve, xs.map(() => this.ref)];
  }

  #schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const data = this.#data();
      this.plot?.setData(data);
      this.container.dataset.points = String(this.steps.length);
    });
  }

  #build() {
    this.plot?.destroy();
    const { y, curve, line, height } = this.options;
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
    const c1 = cssVar('--series-1') || '#06c';
    const c2 = cssVar('--series-2') || '#c50';
    this.plot = new uPlot(
      {
        width: Math.max(200, Math.floor(this.container.clientWidth) || 400),
        height,
        scales: {
          x: { time: false },
          y: { distr: 3, log: 10, range: (u) => logRange([...u.data[1], ...u.data[2]]) },
        },
        axes: [
          { ...axis, label: 'step' },
          {
            ...axis,
            label: y,
            size: 60,
            values: (_u, splits) => splits.map((v) => (v == null ? '' : +v.toPrecision(2))),
          },
        ],
        series: [
          { label: 'step', value: (_u, v) => (v == null ? '–' : String(v)) },
          { label: curve, stroke: c1, width: 2.5, value: (_u, v) => fmt(v), points: { size: 6, fill: c1 } },
          { label: line, stroke: c2, width: 2, dash: [6, 4], value: (_u, v) => fmt(v), points: { show: false } },
        ],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
      },
      this.#data(),
      this.container,
    );
    this.container.dataset.points = String(this.steps.length);
  }
}
