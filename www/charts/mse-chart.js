// A chart of one model's validation error over training steps against a flat
// reference line (PCA's error at the same code size), drawn with uPlot on a
// log scale: the error falls by an order of magnitude in the first minutes,
// and the interesting part, where the curve crosses the line, sits near the
// bottom. Points arrive every second or so, not every step.

import { formatValue, stepSeries, tickValues, UPlotChart } from './uplot-chart.js';

const fmt = formatValue(3);

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
  let [from, to] = hi / lo < 1.5 ? [lo / 1.25, hi * 1.25] : [lo / 1.15, hi * 1.15];
  // uPlot's log axis counts up from the minimum in steps of its decade and must land on the next power
  // of 10: from 0.0098 it rounds to 0.011 and never stops (an endless array, a page error). Start such a
  // minimum, 9.5 steps or more into its decade, at 9.
  const decade = 10 ** Math.floor(Math.log10(from));
  if (from / decade >= 9.5) from = 9 * decade;
  return [from, to];
}

export class VersusChart {
  /**
   * @param {HTMLElement} container  the chart takes its width
   * @param {{ y: string, curve: string, line: string, height?: number }} options
   *   curve: the model's series label; line: the reference's
   */
  constructor(container, { y, curve, line, height = 260 }) {
    this.options = { y, curve, line };
    this.#clear();
    this.chart = new UPlotChart(container, {
      height,
      options: (theme) => this.#options(theme),
      data: () => this.#data(),
      onDraw: () => {
        container.dataset.points = String(this.steps.length);
      },
    });
  }

  /** Forgets the curve and the line; `line` renames the reference, e.g. 'PCA, k = 8'. */
  reset({ line = this.options.line } = {}) {
    this.options.line = line;
    this.#clear();
    this.chart.build();
  }

  /** The reference value (a flat line), or null. */
  setLine(value) {
    this.ref = value;
    this.chart.schedule();
  }

  /** One measurement of the model at `step` (a later one at the same step replaces it). */
  push(step, value) {
    const n = this.steps.length;
    if (n && this.steps[n - 1] === step) this.curve[n - 1] = value;
    else if (!n || step > this.steps[n - 1]) {
      this.steps.push(step);
      this.curve.push(value);
    }
    this.chart.schedule();
  }

  destroy() {
    this.chart.destroy();
  }

  #clear() {
    this.steps = [];
    this.curve = [];
    this.ref = null;
  }

  #data() {
    // The line spans the steps measured so far (or a short stub before the first measurement).
    const xs = this.steps.length > 1 ? this.steps : [0, Math.max(1, this.steps[0] ?? 0)];
    const curve = this.steps.length > 1 ? this.curve : xs.map((_, i) => (i === 0 ? (this.curve[0] ?? null) : null));
    return [xs, curve, xs.map(() => this.ref)];
  }

  #options({ colour }) {
    const { y, curve, line } = this.options;
    const c1 = colour('--series-1', '#06c');
    const c2 = colour('--series-2', '#c50');
    return {
      scales: { y: { distr: 3, log: 10, range: (u) => logRange([...u.data[1], ...u.data[2]]) } },
      axes: [{ label: 'step' }, { label: y, size: 60, values: tickValues(2) }],
      series: [
        stepSeries(),
        { label: curve, stroke: c1, width: 2.5, value: fmt, points: { size: 6, fill: c1 } },
        { label: line, stroke: c2, width: 2, dash: [6, 4], value: fmt, points: { show: false } },
      ],
    };
  }
}
