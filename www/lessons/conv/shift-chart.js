// Both networks' error against how far the digits were moved (−4 … +4
// pixels), with rings marking the slider's shift on both curves. A LineChart
// has no per-series point size, so this small chart sits on the shared uPlot
// wrapper (charts/uplot-chart.js) directly: it follows the theme, the
// container's width and the projector's scale, and describes itself in words.

import { formatValue, tickValues, UPlotChart } from '../../charts/uplot-chart.js';

const fromZero = (_u, _min, max) => [0, max > 0 ? max * 1.08 : 0.1];

export class ShiftChart {
  /** @param {HTMLElement} container  the chart takes its width; data-points and data-shift say what it shows */
  constructor(container) {
    this.container = container;
    this.data = [[], [], [], [], []];
    this.chart = new UPlotChart(container, {
      height: 220,
      title: 'Chart of validation MSE by shift (pixels)',
      options: (theme) => this.#options(theme),
      data: () => this.data,
      onDraw: () => {
        container.dataset.points = String(this.data[0].length);
      },
    });
  }

  /**
   * The curves (MSE at each shift) and the slider's shift `at` marked on both; null curves: empty.
   * @param {number[]} shifts  the x values
   */
  show(shifts, dense, conv, at) {
    if (!dense || !conv) {
      this.data = [[], [], [], [], []];
      delete this.container.dataset.shift;
    } else {
      const i = shifts.indexOf(at);
      const mark = (ys) => ys.map((v, j) => (j === i ? v : null));
      this.data = [shifts, dense, conv, mark(dense), mark(conv)];
      this.container.dataset.shift = String(at);
    }
    this.chart.schedule();
  }

  destroy() {
    this.chart.destroy();
  }

  #options({ colour }) {
    const value = formatValue(3);
    const curve = (label, color) => ({
      label,
      stroke: colour(color),
      width: 2,
      value,
      points: { show: true, size: 6, fill: colour(color) },
    });
    const ring = (label, color) => ({
      label,
      spoken: label,
      stroke: colour(color),
      width: 2,
      value,
      points: { show: true, size: 15, width: 3, stroke: colour(color), fill: colour('--surface', '#fff') },
    });
    return {
      scales: { y: { range: fromZero } },
      axes: [
        { label: 'shift (pixels)', values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? v : '')) },
        { label: 'validation MSE', size: 56, values: tickValues(3) },
      ],
      series: [
        { label: 'shift (pixels)', value: (_u, v) => (v == null ? '–' : String(v)) },
        curve('dense', '--series-2'),
        curve('convolutional', '--series-1'),
        ring('dense at the slider', '--series-2'),
        ring('convolutional at the slider', '--series-1'),
      ],
    };
  }
}
