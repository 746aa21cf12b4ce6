// The recommender's error curves, drawn with uPlot: test RMSE beside the
// baselines over training steps. Unlike other line charts its y axis is fitted to
// the data rather than starting at 0, since the gap that matters (0.91 against
// 0.99 stars) would be a hair's width on a 0-to-1 axis.

import { LineChart } from './line-chart.js';

/** A y range around [min, max] with a little room, never below 0. */
export function paddedRange(min, max) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const pad = Math.max((max - min) * 0.08, 0.02);
  return [Math.max(0, min - pad), max + pad];
}

/** RMSE in stars over training steps: a line chart with a fitted y axis and values to the hundredth. */
export class RmseChart extends LineChart {
  /**
   * @param {HTMLElement} container
   * @param {{ series: Array<{ label: string, color: string, dash?: number[], width?: number }>, height?: number }} options
   */
  constructor(container, { series, height = 240 }) {
    super(container, {
      x: 'step',
      y: 'RMSE (stars)',
      series,
      height,
      range: paddedRange,
      tick: (v) => v.toFixed(2),
      format: (v) => v.toFixed(3),
    });
  }
}
