// Grouped bars on a canvas: for each group (a kind of features) one bar per
// series (all labels, 100 labels), from 0 to 100%, each labelled with its
// value so that a difference of a few points can be read off.

import { gridRows, paintChart } from './canvas-chart.js';
import { describe } from './describe.js';

/**
 * Paints the bars at the canvas's CSS size, and again on resize and theme changes.
 * @param {HTMLCanvasElement} canvas
 * @param {{ groups: Array<{ label: string, values: number[] }>,
 *   series: Array<{ color: string, label?: string }>, format?: (v: number) => string }} spec
 *   values are shares in [0, 1]; color is a CSS custom property name; label names a series in the text
 *   alternative, which gives every bar's value
 */
export function paintGroupedBars(canvas, { groups, series, format = (v) => `${(v * 100).toFixed(1)}%` }) {
  describe(canvas, () =>
    groups
      .map((g) => {
        const bars = g.values.map((v, j) =>
          Number.isFinite(v) ? `${series[j].label ?? `bar ${j + 1}`} ${format(v)}` : '',
        );
        return `${g.label}: ${bars.filter(Boolean).join(', ')}`;
      })
      .join('; '),
  );
  paintChart(canvas, { minWidth: 160, minHeight: 100 }, (frame) => {
    const { ctx, w, h, dpr, colours } = frame;
    const box = { left: 44 * dpr, right: w - 8 * dpr, top: 20 * dpr, bottom: h - 26 * dpr };
    const Y = (v) => box.bottom - Math.max(0, Math.min(1, v)) * (box.bottom - box.top);
    gridRows(
      frame,
      box,
      [0, 0.25, 0.5, 0.75, 1].map((t) => ({ y: Y(t), label: `${t * 100}%` })),
    );

    const slot = (box.right - box.left) / Math.max(1, groups.length);
    const bar = (slot * 0.8) / Math.max(1, series.length);
    ctx.textAlign = 'center';
    groups.forEach((g, i) => {
      const x0 = box.left + i * slot + slot * 0.1;
      g.values.forEach((v, j) => {
        if (!Number.isFinite(v)) return;
        const x = x0 + j * bar;
        ctx.fillStyle = colours.colour(series[j].color);
        ctx.fillRect(x + bar * 0.06, Y(v), bar * 0.88, box.bottom - Y(v));
        ctx.fillStyle = colours.text;
        ctx.textBaseline = 'bottom';
        ctx.font = `${11 * dpr}px ${colours.font}`;
        ctx.fillText(format(v), x + bar / 2, Y(v) - 2 * dpr);
      });
      ctx.fillStyle = colours.text;
      ctx.textBaseline = 'top';
      ctx.font = `${13 * dpr}px ${colours.font}`;
      ctx.fillText(g.label, box.left + (i + 0.5) * slot, box.bottom + 6 * dpr);
    });
    canvas.dataset.painted = 'true';
  });
}
