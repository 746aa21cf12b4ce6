// A bar chart on a canvas: one bar per code unit (the sparse lesson's mean
// activations). Bars under `threshold` count as switched off and are drawn
// faint; an optional `target` draws a dashed line (the KL target ρ).

import { cssVar } from '../lib/dom.js';

/**
 * Paints `values` as bars filling the canvas's CSS size (sharp on high-DPI screens).
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} values
 * @param {{ threshold?: number, target?: number|null, max?: number }} [options]
 *   max: the top of the scale (default: the largest value)
 */
export function paintBars(canvas, values, { threshold = 0, target = null, max } = {}) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(50, Math.round(canvas.clientWidth * dpr));
  const h = Math.max(30, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, w, h);
  const n = values.length;
  const top = Math.max(max ?? 0, ...Array.from(values, (v) => (Number.isFinite(v) ? v : 0)), target ?? 0, 1e-9);
  const pad = 4 * dpr;
  const slot = (w - 2 * pad) / Math.max(1, n);
  const bar = Math.max(1, slot * 0.78);
  const on = cssVar('--series-1') || '#1d4ed8';
  const off = cssVar('--bar-off') || '#c9d1dc';
  const base = h - pad;
  ctx.fillStyle = cssVar('--grid') || '#ddd';
  ctx.fillRect(0, base, w, Math.max(1, dpr));
  for (let i = 0; i < n; i++) {
    const v = Math.max(0, Number.isFinite(values[i]) ? values[i] : 0);
    const bh = Math.max(v > 0 ? dpr : 0, ((base - pad) * v) / top);
    ctx.fillStyle = v < threshold ? off : on;
    ctx.fillRect(pad + i * slot + (slot - bar) / 2, base - bh, bar, bh);
  }
  if (target != null) {
    const y = base - ((base - pad) * target) / top;
    ctx.strokeStyle = cssVar('--chart-val') || '#c50';
    ctx.lineWidth = 2 * dpr;
    ctx.setLineDash([6 * dpr, 4 * dpr]);
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(w, y);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  canvas.dataset.painted = 'true';
}
