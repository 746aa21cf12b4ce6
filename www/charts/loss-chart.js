// The live loss chart, drawn with uPlot (vendored to www/vendor/ by `npm run vendor`).
//
// Training loss arrives once per minibatch and is noisy, so the chart shows the
// raw batch loss faintly and an exponential moving average (debiased, as in
// TensorBoard) on top; validation loss arrives once per epoch and is drawn as
// points joined by a line. Hovering shows the values in the legend.

import { cssVar } from '../lib/dom.js';
import { formatValue, stepSeries, tickValues, UPlotChart } from './uplot-chart.js';

/** Weight of the past in the moving average: about a 20-step window. */
const SMOOTHING = 0.95;
/** Past this many points the history is thinned 2:1, so redraws stay cheap on long runs. */
const MAX_POINTS = 4000;

function lastDefined(col, idx) {
  for (let i = Math.min(idx ?? col.length - 1, col.length - 1); i >= 0; i--) if (col[i] != null) return col[i];
  return null;
}

const fmt = formatValue(4);

export class LossChart {
  /**
   * @param {HTMLElement} container  the chart takes its width
   * @param {{log?: boolean, height?: number, lossName?: string}} [options]
   *   height: unless the page's layout sets --chart-height (the compact and presentation layouts do)
   */
  constructor(container, { log = false, height = 260, lossName = 'loss' } = {}) {
    this.log = log;
    this.lossName = lossName;
    this.#clear();
    this.chart = new UPlotChart(container, {
      height: () => Number(cssVar('--chart-height', container)) || height,
      options: (theme) => this.#options(theme),
      data: () => this.data,
    });
  }

  /** Clears the history (a new trainer); `lossName` labels the y axis, e.g. "MSE". */
  reset({ lossName = this.lossName } = {}) {
    this.lossName = lossName;
    this.#clear();
    this.chart.build();
  }

  /**
   * Adds consecutive minibatches: `losses[i]` is the loss of step `firstStep + i`;
   * `epochs` lists validation losses [{ step, valLoss }] at the steps where an epoch ended.
   */
  push(firstStep, losses, epochs = []) {
    const val = new Map(epochs.map((e) => [e.step, e.valLoss]));
    const [xs, raw, smooth, vals] = this.data;
    for (let i = 0; i < losses.length; i++) {
      const step = firstStep + i;
      const loss = losses[i];
      if (Number.isFinite(loss)) {
        this.count += 1;
        this.ema = SMOOTHING * this.ema + (1 - SMOOTHING) * loss;
        this.lastSmoothed = this.ema / (1 - SMOOTHING ** this.count);
      }
      const v = val.has(step) ? val.get(step) : null;
      if (v != null) this.lastVal = v;
      if (step % this.stride !== 0 && v == null) continue;
      xs.push(step);
      raw.push(Number.isFinite(loss) ? loss : null);
      smooth.push(this.lastSmoothed);
      vals.push(v);
    }
    if (xs.length > MAX_POINTS) this.#thin();
    this.chart.schedule();
  }

  /** Switches the y axis between linear and logarithmic. */
  setLog(log) {
    if (log === this.log) return;
    this.log = log;
    this.chart.build();
  }

  /** Stops observing the page. */
  destroy() {
    this.chart.destroy();
  }

  #clear() {
    this.data = [[], [], [], []]; // step, batch loss, smoothed, validation
    this.ema = 0;
    this.count = 0;
    this.stride = 1;
    this.lastSmoothed = null;
    this.lastVal = null;
  }

  // Keeps every other point (and every validation point), and from now on only every stride-th step.
  #thin() {
    this.stride *= 2;
    const keep = (i) => this.data[0][i] % this.stride === 0 || this.data[3][i] != null;
    const idx = this.data[0].map((_, i) => i).filter(keep);
    this.data = this.data.map((col) => idx.map((i) => col[i]));
  }

  #options({ colour }) {
    const val = colour('--chart-val', '#c50');
    return {
      scales: {
        y: this.log ? { distr: 3, log: 10 } : { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] },
      },
      axes: [{ label: 'step' }, { label: `loss (${this.lossName})`, size: 60, values: tickValues(3) }],
      series: [
        stepSeries(),
        {
          label: 'batch loss',
          describe: false,
          stroke: colour('--chart-raw', '#9ab'),
          width: 1,
          value: fmt,
          points: { show: false },
        },
        {
          label: 'training (smoothed)',
          spoken: 'training loss (smoothed)',
          stroke: colour('--chart-train', '#06c'),
          width: 2.5,
          value: fmt,
          points: { show: false },
        },
        {
          label: 'validation',
          spoken: 'validation loss',
          stroke: val,
          width: 2,
          dash: [6, 4],
          spanGaps: true,
          // Validation points are sparse: under the cursor, show the latest one at or before it.
          value: (u, v, si, idx) => fmt(u, v ?? lastDefined(u.data[si], idx)),
          points: { show: true, size: 7, fill: val },
        },
      ],
    };
  }
}
