// The ROC curve of an anomaly detector on a square canvas: false-positive
// rate (normal rows flagged: digits, by default) across, true-positive rate (anomalies caught)
// up, the diagonal of guessing, the shaded area under the curve, and the
// point of the current threshold. The rates at a threshold and the area are
// pure helpers, so node can test them.

import { dashedLine, paintChart } from './canvas-chart.js';
import { describe } from './describe.js';

/**
 * The detector at one threshold: every score ≥ threshold is flagged.
 * -> { fpr, tpr, flagged } (rates of the normal and anomalous scores flagged;
 * NaN for a group with no scores)
 */
export function rocPointAt(scores, isAnomaly, threshold) {
  let pos = 0;
  let neg = 0;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i] >= threshold;
    if (isAnomaly[i]) {
      pos += 1;
      if (flagged) tp += 1;
    } else {
      neg += 1;
      if (flagged) fp += 1;
    }
  }
  return { fpr: neg ? fp / neg : NaN, tpr: pos ? tp / pos : NaN, flagged: tp + fp };
}

/** Area under a curve given as points (fpr[i], tpr[i]) in order, by the trapezoid rule. */
export function areaUnder(fpr, tpr) {
  let a = 0;
  for (let i = 1; i < fpr.length; i++) a += ((fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1])) / 2;
  return a;
}

/**
 * Canvas coordinates of the curve's points inside `box` ({ left, top, size }),
 * fpr 0 at the left and tpr 0 at the bottom, skipping points that would land
 * on the same device pixel as the last one kept (a 1,000-point curve on a
 * 300-pixel plot).
 */
export function curvePath(fpr, tpr, box) {
  const out = [];
  let last = null;
  for (let i = 0; i < fpr.length; i++) {
    const p = [box.left + fpr[i] * box.size, box.top + (1 - tpr[i]) * box.size];
    const end = i === fpr.length - 1;
    if (!end && last && Math.abs(p[0] - last[0]) < 1 && Math.abs(p[1] - last[1]) < 1) continue;
    out.push(p);
    last = p;
  }
  return out;
}

/**
 * Paints the ROC curve filling the canvas's CSS size, and again on resize and theme changes.
 * @param {HTMLCanvasElement} canvas
 * @param {{ fpr: ArrayLike<number>, tpr: ArrayLike<number>, point?: { fpr: number, tpr: number }|null,
 *   normal?: string }} spec  normal: what the normal rows are called ("digits", "rows", "images")
 */
export function paintRoc(canvas, { fpr, tpr, point = null, normal = 'digits' }) {
  const pct = (v) => `${Math.round(v * 100)}%`;
  describe(
    canvas,
    () =>
      `area under the curve ${areaUnder(fpr, tpr).toFixed(3)}` +
      (point && Number.isFinite(point.tpr)
        ? `; at the threshold ${pct(point.tpr)} of the anomalies caught and ${pct(point.fpr)} of the normal ${normal} flagged`
        : ''),
  );
  paintChart(canvas, { minWidth: 120, minHeight: 120 }, ({ ctx, w, h, dpr, colours }) => {
    const line = colours.colour('--series-2', '#c50');
    const size = Math.min(w - 62 * dpr, h - 44 * dpr);
    const box = { left: 50 * dpr, top: 8 * dpr, size };
    const X = (v) => box.left + v * size;
    const Y = (v) => box.top + (1 - v) * size;

    ctx.font = `${12 * dpr}px ${colours.font}`;
    ctx.strokeStyle = colours.grid;
    ctx.fillStyle = colours.muted;
    ctx.lineWidth = dpr;
    ctx.beginPath();
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      ctx.moveTo(X(t), Y(0));
      ctx.lineTo(X(t), Y(1));
      ctx.moveTo(X(0), Y(t));
      ctx.lineTo(X(1), Y(t));
    }
    ctx.stroke();
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of [0, 0.5, 1]) ctx.fillText(String(t), X(t), Y(0) + 4 * dpr);
    ctx.fillText(`false-positive rate (normal ${normal} flagged)`, X(0.5), Y(0) + 20 * dpr);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of [0, 0.5, 1]) ctx.fillText(String(t), X(0) - 6 * dpr, Y(t));
    ctx.save();
    ctx.translate(10 * dpr, Y(0.5));
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText('true-positive rate (recall)', 0, 0);
    ctx.restore();

    // Guessing: the diagonal.
    dashedLine(ctx, dpr, [X(0), Y(0)], [X(1), Y(1)], { colour: colours.muted, width: 1, dash: [5, 4] });

    const path = curvePath(fpr, tpr, box);
    if (path.length) {
      ctx.fillStyle = line;
      ctx.globalAlpha = 0.15;
      ctx.beginPath();
      ctx.moveTo(path[0][0], Y(0));
      for (const [x, y] of path) ctx.lineTo(x, y);
      ctx.lineTo(path[path.length - 1][0], Y(0));
      ctx.closePath();
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.strokeStyle = line;
      ctx.lineWidth = 2.5 * dpr;
      ctx.beginPath();
      path.forEach(([x, y], i) => {
        if (i) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
      });
      ctx.stroke();
    }
    if (point && Number.isFinite(point.fpr) && Number.isFinite(point.tpr)) {
      ctx.fillStyle = colours.text;
      ctx.beginPath();
      ctx.arc(X(point.fpr), Y(point.tpr), 5 * dpr, 0, 2 * Math.PI);
      ctx.fill();
    }
    canvas.dataset.painted = 'true';
    canvas.dataset.points = String(path.length);
  });
}
