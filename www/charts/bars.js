// A bar chart on a canvas: one bar per code unit (the sparse lesson's mean
// activations). Bars under `threshold` count as switched off and are drawn
// faint; an optional `target` draws a dashed line (the KL target ρ).

import { dashedLine, paintChart } from './canvas-chart.js';

/**
 * Paints `values` as bars filling the canvas's CSS size (sharp on high-DPI screens), and again on
 * resize and theme changes.
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} values
 * @param {{ threshold?: number, target?: number|null, max?: number }} [options]
 *   max: the top of the scale (default: the largest value)
 */
export function paintBars(canvas, values, { threshold = 0, target = null, max } = {}) {
  paintChart(canvas, { minWidth: 50, minHeight: 30 }, ({ ctx, w, h, dpr, colours }) => {
    const n = values.length;
    const top = Math.max(max ?? 0, ...Array.from(values, (v) => (Number.isFinite(v) ? v : 0)), target ?? 0, 1e-9);
    const pad = 4 * dpr;
    const slot = (w - 2 * pad) / Math.max(1, n);
    const bar = Math.max(1, slot * 0.78);
    const on = colours.colour('--series-1', '#1d4ed8');
    const off = colours.colour('--bar-off', '#c9d1dc');
    const base = h - pad;
    ctx.fillStyle = colours.grid;
    ctx.fillRect(0, base, w, Math.max(1, dpr));
    for (let i = 0; i < n; i++) {
      const v = Math.max(0, Number.isFinite(values[i]) ? values[i] : 0);
      const bh = Math.max(v > 0 ? dpr : 0, ((base - pad) * v) / top);
      ctx.fillStyle = v < threshold ? off : on;
      ctx.fillRect(pad + i * slot + (slot - bar) / 2, base - bh, bar, bh);
    }
    if (target != null) {
      const y = base - ((base - pad) * target) / top;
      dashedLine(ctx, dpr, [0, y], [w, y], { colour: colours.colour('--chart-val', '#c50') });
    }
    canvas.dataset.painted = 'true';
  });
}
