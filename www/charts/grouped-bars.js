// Grouped bars on a canvas: for each group (a kind of features) one bar per
// series (all labels, 100 labels), from 0 to 100%, each labelled with its
// value so that a difference of a few points can be read off.

import { cssVar } from '../lib/dom.js';

/**
 * @param {HTMLCanvasElement} canvas  drawn at its CSS size
 * @param {{ groups: Array<{ label: string, values: number[] }>,
 *   series: Array<{ color: string }>, format?: (v: number) => string }} spec
 *   values are shares in [0, 1]; color is a CSS custom property name
 */
export function paintGroupedBars(canvas, { groups, series, format = (v) => `${(v * 100).toFixed(1)}%` }) {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(160, Math.round(canvas.clientWidth * dpr));
  const h = Math.max(100, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, w, h);
  const text = cssVar('--text') || '#111';
  const muted = cssVar('--text-muted') || '#555';
  const grid = cssVar('--grid') || '#ddd';
  const font = cssVar('--font-sans') || 'sans-serif';
  const box = { left: 44 * dpr, right: w - 8 * dpr, top: 20 * dpr, bottom: h - 26 * dpr };
  const Y = (v) => box.bottom - Math.max(0, Math.min(1, v)) * (box.bottom - box.top);

  ctx.font = `${12 * dpr}px ${font}`;
  ctx.fillStyle = muted;
  ctx.strokeStyle = grid;
  ctx.lineWidth = dpr;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    ctx.beginPath();
    ctx.moveTo(box.left, Y(t));
    ctx.lineTo(box.right, Y(t));
    ctx.stroke();
    ctx.fillText(`${t * 100}%`, box.left - 6 * dpr, Y(t));
  }

  const slot = (box.right - box.left) / Math.max(1, groups.length);
  const bar = (slot * 0.8) / Math.max(1, series.length);
  ctx.textAlign = 'center';
  groups.forEach((g, i) => {
    const x0 = box.left + i * slot + slot * 0.1;
    g.values.forEach((v, j) => {
      if (!Number.isFinite(v)) return;
      const x = x0 + j * bar;
      ctx.fillStyle = cssVar(series[j].color) || '#06c';
      ctx.fillRect(x + bar * 0.06, Y(v), bar * 0.88, box.bottom - Y(v));
      ctx.fillStyle = text;
      ctx.textBaseline = 'bottom';
      ctx.font = `${11 * dpr}px ${font}`;
      ctx.fillText(format(v), x + bar / 2, Y(v) - 2 * dpr);
    });
    ctx.fillStyle = text;
    ctx.textBaseline = 'top';
    ctx.font = `${13 * dpr}px ${font}`;
    ctx.fillText(g.label, box.left + (i + 0.5) * slot, box.bottom + 6 * dpr);
  });
  canvas.dataset.painted = 'true';
}
