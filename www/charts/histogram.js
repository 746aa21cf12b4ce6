// Overlapping histograms on a canvas (the anomaly lesson's reconstruction
// errors: normal digits in one colour, the held-out class in another) with a
// threshold line. Each group is drawn as a share of its own size, so a class of
// 100 digits can be compared with 900 others. The binning and tick helpers
// are pure, so node can test them; `paintHistogram` is the canvas part.

import { dashedLine, gridRows, paintChart } from './canvas-chart.js';
import { describe, say } from './describe.js';
import { grouped } from '../lib/numbers.js';

/**
 * The q-th percentile (0..100) of `values`, interpolating linearly between
 * the two nearest ranks (NumPy's default, as the engine's threshold).
 * NaN for no values.
 */
export function percentile(values, q) {
  const sorted = Float64Array.from(values).sort();
  if (!sorted.length) return NaN;
  const pos = (Math.min(100, Math.max(0, q)) / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Counts `values` into `bins` equal bins over [min, max). A value below min
 * counts in the first bin and one at or above max in the last (`over` says
 * how many did), so nothing drops out of the picture.
 * -> { counts: number[], edges: number[] (bins + 1), over, total }
 */
export function histogram(values, { min, max, bins }) {
  const counts = new Array(bins).fill(0);
  const width = (max - min) / bins;
  let over = 0;
  let total = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    total += 1;
    let b = Math.floor((v - min) / width);
    if (b >= bins) {
      over += 1;
      b = bins - 1;
    }
    counts[Math.max(0, b)] += 1;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + i * width);
  return { counts, edges, over, total };
}

/**
 * Round tick values within [min, max]: about `count` steps, each 1, 2 or 5
 * times a power of ten (whichever is nearest the exact step).
 */
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10]
    .map((m) => m * mag)
    .reduce((best, s) => (Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best));
  const out = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/**
 * The x range for error histograms: from 0 to a little past the `q`-th
 * percentile of all the values (and past the threshold), so a few huge errors
 * do not squash everything else into one bar.
 */
export function displayRange(values, threshold = 0, q = 99.5) {
  const top = Math.max(percentile(values, q), threshold) * 1.1;
  return { min: 0, max: top > 0 && Number.isFinite(top) ? top : 1 };
}

/** Each group in words: how many, its median, and the share at or above the threshold. */
function histogramWords(groups, threshold) {
  const cut = threshold != null && Number.isFinite(threshold);
  const parts = groups.map((g) => {
    const values = Array.from(g.values).filter(Number.isFinite);
    if (!values.length) return '';
    const above = cut ? values.filter((v) => v >= threshold).length / values.length : null;
    return (
      `${g.name ?? 'values'} (${grouped(values.length)}): median ${say(percentile(values, 50))}` +
      (cut ? `, ${(above * 100).toFixed(above < 0.1 ? 1 : 0)}% at or above the threshold` : '')
    );
  });
  if (cut) parts.push(`threshold ${say(threshold)}`);
  return parts.filter(Boolean).join('; ');
}

const tickText = (v) => (v === 0 ? '0' : Math.abs(v) < 0.01 ? v.toExponential(0) : String(+v.toPrecision(3)));

/**
 * Paints overlapping histograms filling the canvas's CSS size, and again on resize and theme changes.
 * @param {HTMLCanvasElement} canvas
 * @param {{ groups: Array<{ values: ArrayLike<number>, color: string }>, min: number, max: number,
 *   bins?: number, threshold?: number|null, xLabel?: string }} spec
 *   color: a CSS custom property name ('--series-1'); each group's bars are its share of its own values;
 *   name: the group in the text alternative ('normal digits')
 */
export function paintHistogram(canvas, { groups, min, max, bins = 40, threshold = null, xLabel = '' }) {
  describe(canvas, () => histogramWords(groups, threshold));
  const hists = groups.map((g) => histogram(g.values, { min, max, bins }));
  const shares = hists.map((hg) => hg.counts.map((c) => (hg.total ? c / hg.total : 0)));
  const top = Math.max(1e-9, ...shares.flat());
  paintChart(canvas, { minWidth: 120, minHeight: 80 }, (frame) => {
    const { ctx, w, h, dpr, colours } = frame;
    const box = { left: 46 * dpr, right: w - 10 * dpr, top: 10 * dpr, bottom: h - (xLabel ? 40 : 24) * dpr };
    const X = (v) => box.left + ((v - min) / (max - min)) * (box.right - box.left);
    const Y = (s) => box.bottom - (s / top) * (box.bottom - box.top);

    gridRows(
      frame,
      box,
      niceTicks(0, top * 100, 4).map((t) => ({ y: Y(t / 100), label: `${t}%` })),
    );
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of niceTicks(min, max, Math.max(2, Math.floor((box.right - box.left) / (70 * dpr))))) {
      ctx.fillText(tickText(t), X(t), box.bottom + 5 * dpr);
    }
    if (xLabel) ctx.fillText(xLabel, (box.left + box.right) / 2, box.bottom + 22 * dpr);

    const bw = (box.right - box.left) / bins;
    groups.forEach((g, i) => {
      const colour = colours.colour(g.color);
      ctx.fillStyle = colour;
      ctx.globalAlpha = 0.45;
      shares[i].forEach((s, b) => {
        if (s > 0) ctx.fillRect(X(hists[i].edges[b]), Y(s), bw, box.bottom - Y(s));
      });
      // The outline keeps each shape readable where the two overlap.
      ctx.globalAlpha = 1;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5 * dpr;
      ctx.beginPath();
      ctx.moveTo(box.left, box.bottom);
      shares[i].forEach((s, b) => {
        ctx.lineTo(X(hists[i].edges[b]), Y(s));
        ctx.lineTo(X(hists[i].edges[b + 1]), Y(s));
      });
      ctx.lineTo(box.right, box.bottom);
      ctx.stroke();
    });
    ctx.fillStyle = colours.grid;
    ctx.fillRect(box.left, box.bottom, box.right - box.left, dpr);

    if (threshold != null && Number.isFinite(threshold)) {
      const x = Math.min(box.right, X(threshold));
      dashedLine(ctx, dpr, [x, box.top], [x, box.bottom], { colour: colours.text });
    }
    canvas.dataset.painted = 'true';
    canvas.dataset.bins = String(bins);
    canvas.dataset.over = String(hists.reduce((n, hg) => n + hg.over, 0));
  });
}
