// The live loss chart, drawn with uPlot (vendored to www/vendor/ by `npm run vendor`).
//
// Training loss arrives once per minibatch and is noisy, so the chart shows the
// raw batch loss faintly and an exponential moving average (debiased, as in
// TensorBoard) on top; validation loss arrives once per epoch and is drawn as
// points joined by a line. Hovering shows the values in the legend.

import uPlot from '../vendor/uPlot.esm.js';
import { cssVar } from '../lib/dom.js';
import { onThemeChange } from '../app/theme.js';

/** Weight of the past in the moving average: about a 20-step window. */
const SMOOTHING = 0.95;
/** Past this many points the history is thinned 2:1, so redraws stay cheap on long runs. */
const MAX_POINTS = 4000;

function lastDefined(col, idx) {
  for (let i = Math.min(idx ?? col.length - 1, col.length - 1); i >= 0; i--) if (col[i] != null) return col[i];
  return null;
}

const fmt = (v) => (v == null || !Number.isFinite(v) ? '–' : v.toPrecision(4));

export class LossChart {
  /**
   * @param {HTMLElement} container  the chart takes its width
   * @param {{log?: boolean, height?: number, lossName?: string}} [options]
   */
  constructor(container, { log = false, height = 260, lossName = 'loss' } = {}) {
    this.container = container;
    this.log = log;
    this.height = height;
    this.lossName = lossName;
    this.plot = null;
    this.frame = 0;
    this.reset();
    this.resizer = new ResizeObserver(() => this.#resize());
    this.resizer.observe(container);
    this.stopTheme = onThemeChange(() => this.#build());
  }

  /** Clears the history (a new trainer); `lossName` labels the y axis, e.g. "MSE". */
  reset({ lossName = this.lossName } = {}) {
    this.lossName = lossName;
    this.data = [[], [], [], []]; // step, batch loss, smoothed, validation
    this.ema = 0;
    this.count = 0;
    this.stride = 1;
    this.lastSmoothed = null;
    this.lastVal = null;
    this.#build();
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
    this.#schedule();
  }

  /** Switches the y axis between linear and logarithmic. */
  setLog(log) {
    if (log === this.log) return;
    this.log = log;
    this.#build();
  }

  /** Stops observing the page. */
  destroy() {
    this.resizer.disconnect();
    this.stopTheme();
    cancelAnimationFrame(this.frame);
    this.plot?.destroy();
  }

  // Keeps every other point (and every validation point), and from now on only every stride-th step.
  #thin() {
    this.stride *= 2;
    const keep = (i) => this.data[0][i] % this.stride === 0 || this.data[3][i] != null;
    const idx = this.data[0].map((_, i) => i).filter(keep);
    this.data = this.data.map((col) => idx.map((i) => col[i]));
  }

  #schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.plot?.setData(this.data);
    });
  }

  #resize() {
    const width = Math.floor(this.container.clientWidth);
    if (this.plot && width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: this.#height() });
  }

  /** The height asked for, unless the page's layout sets --chart-height (the compact and presentation layouts do). */
  #height() {
    return Number(cssVar('--chart-height', this.container)) || this.height;
  }

  #build() {
    this.plot?.destroy();
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
    };
    const opts = {
      width: Math.max(200, Math.floor(this.container.clientWidth) || 480),
      height: this.#height(),
      scales: {
        x: { time: false },
        y: this.log ? { distr: 3, log: 10 } : { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] },
      },
      axes: [
        { ...axis, label: 'step', labelSize: 22 },
        {
          ...axis,
          label: `loss (${this.lossName})`,
          labelSize: 22,
          size: 60,
          values: (_u, splits) => splits.map((v) => (v == null ? '' : +v.toPrecision(3))),
        },
      ],
      series: [
        { label: 'step', value: (_u, v) => (v == null ? '–' : String(v)) },
        {
          label: 'batch loss',
          stroke: cssVar('--chart-raw') || '#9ab',
          width: lineScale,
          value: (_u, v) => fmt(v),
          points: { show: false },
        },
        {
          label: 'training (smoothed)',
          stroke: cssVar('--chart-train') || '#06c',
          width: 2.5 * lineScale,
          value: (_u, v) => fmt(v),
          points: { show: false },
        },
        {
          label: 'validation',
          stroke: cssVar('--chart-val') || '#c50',
          width: 2 * lineScale,
          dash: [6 * lineScale, 4 * lineScale],
          spanGaps: true,
          // Validation points are sparse: under the cursor, show the latest one at or before it.
          value: (u, v, si, idx) => fmt(v ?? lastDefined(u.data[si], idx)),
          points: { show: true, size: 7 * lineScale, fill: cssVar('--chart-val') || '#c50' },
        },
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    this.plot = new uPlot(opts, this.data, this.container);
  }
}
