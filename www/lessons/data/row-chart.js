// One row of data and the network's reconstruction of it, drawn for what the
// row is (the data's info.view, worker/data-source.js): sensor signals as
// lines, one lane per sensor; table columns or 3-D points as paired bars (or,
// past BAR_LIMIT columns, two heat strips); images as pictures. The original
// is in the text colour, the reconstruction in the accent colour.

import { paintChart } from '../../charts/canvas-chart.js';
import { describe, say } from '../../charts/describe.js';

/** More columns than this are drawn as two heat strips instead of bars. */
export const BAR_LIMIT = 48;

/** [lo, hi] of the finite values of the arrays, widened so a flat row still has a height. */
export function valueRange(...arrays) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    if (!a) continue;
    for (const v of a) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi >= lo)) return [-1, 1];
  if (hi - lo < 1e-6) return [lo - 1, hi + 1];
  return [lo, hi];
}

function lanes({ ctx, w, h, dpr, colours }, values, recon, signals) {
  const ink = colours.text;
  const accent = colours.colour('--series-2', '#c50');
  const count = signals.names.length;
  const len = signals.length;
  const laneH = h / count;
  ctx.font = `${11 * dpr}px ${colours.font}`;
  ctx.textBaseline = 'top';
  for (let s = 0; s < count; s++) {
    const part = (a) => (a ? a.subarray(s * len, (s + 1) * len) : null);
    const [x, y] = [part(values), part(recon)];
    const [lo, hi] = valueRange(x, y);
    const top = s * laneH + 4 * dpr;
    const H = laneH - 8 * dpr;
    const X = (i) => 4 * dpr + (i * (w - 8 * dpr)) / (len - 1);
    const Y = (v) => top + H - ((v - lo) / (hi - lo)) * H;
    ctx.strokeStyle = colours.grid;
    ctx.lineWidth = dpr;
    ctx.beginPath();
    ctx.moveTo(0, (s + 1) * laneH);
    ctx.lineTo(w, (s + 1) * laneH);
    ctx.stroke();
    ctx.fillStyle = colours.muted;
    ctx.fillText(signals.names[s], 4 * dpr, s * laneH + 2 * dpr);
    for (const [a, colour, dash] of [
      [x, ink, []],
      [y, accent, [4, 3]],
    ]) {
      if (!a) continue;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1.5 * dpr;
      ctx.setLineDash(dash.map((d) => d * dpr));
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < len; i++) {
        if (!Number.isFinite(a[i])) {
          pen = false;
          continue;
        }
        if (pen) ctx.lineTo(X(i), Y(a[i]));
        else ctx.moveTo(X(i), Y(a[i]));
        pen = true;
      }
      ctx.stroke();
      ctx.setLineDash([]);
    }
  }
}

function bars({ ctx, w, h, dpr, colours }, values, recon) {
  const ink = colours.text;
  const accent = colours.colour('--series-2', '#c50');
  const n = values.length;
  const [lo0, hi0] = valueRange(values, recon);
  const [lo, hi] = [Math.min(lo0, 0), Math.max(hi0, 0)];
  const pad = 3 * dpr;
  const Y = (v) => pad + ((hi - v) / (hi - lo)) * (h - 2 * pad);
  const slot = (w - 2 * pad) / n;
  const bar = Math.max(1, slot * 0.36);
  ctx.fillStyle = colours.grid;
  ctx.fillRect(0, Y(0), w, Math.max(1, dpr));
  for (let i = 0; i < n; i++) {
    for (const [a, colour, at] of [
      [values, ink, 0.12],
      [recon, accent, 0.52],
    ]) {
      if (!a || !Number.isFinite(a[i])) continue;
      const [y0, y1] = [Y(0), Y(a[i])];
      ctx.fillStyle = colour;
      ctx.fillRect(pad + i * slot + slot * at, Math.min(y0, y1), bar, Math.max(dpr, Math.abs(y1 - y0)));
    }
  }
}

function strips({ ctx, w, h, colours }, values, recon) {
  const [lo, hi] = valueRange(values, recon);
  const accent = colours.colour('--series-2', '#c50');
  const n = values.length;
  for (const [a, row] of [
    [values, 0],
    [recon, 1],
  ]) {
    if (!a) continue;
    for (let i = 0; i < n; i++) {
      const v = a[i];
      ctx.globalAlpha = Number.isFinite(v) ? 0.1 + (0.9 * (v - lo)) / (hi - lo) : 0;
      ctx.fillStyle = row ? accent : colours.text;
      ctx.fillRect((i * w) / n, (row * h) / 2, Math.ceil(w / n), h / 2 - 1);
    }
  }
  ctx.globalAlpha = 1;
}

/** A gray (1 channel) or colour (3 channels, C×H×W) image in [0, 1] onto a canvas of its own size. */
export function paintPicture(canvas, values, { channels, height, width }) {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(width, height);
  const plane = width * height;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = values[(channels === 3 ? c * plane : 0) + p];
      img.data[p * 4 + c] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
    }
    img.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  canvas.dataset.painted = 'true';
}

/**
 * Paints one row (and its reconstruction, or null) on `canvas`, for the data's `info`;
 * images go to `canvas` (the original) and `reconCanvas`.
 */
export function paintRow(canvas, { values, recon = null, info, reconCanvas = null, name = 'row' }) {
  if (info.view === 'image') {
    paintPicture(canvas, values, info.shape);
    if (reconCanvas && recon) paintPicture(reconCanvas, recon, info.shape);
    return;
  }
  let err = 0;
  let n = 0;
  if (recon) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) continue;
      err += (values[i] - recon[i]) ** 2;
      n += 1;
    }
  }
  describe(
    canvas,
    `${name}: ${values.length} values${recon ? `, reconstructed with error (MSE) ${say(n ? err / n : 0)}` : ''}`,
  );
  paintChart(canvas, { minWidth: 60, minHeight: 40 }, (frame) => {
    if (info.view === 'signals') lanes(frame, values, recon, info.signals);
    else if (values.length <= BAR_LIMIT) bars(frame, values, recon);
    else strips(frame, values, recon);
    canvas.dataset.painted = 'true';
  });
}
