// The pure helpers of the scatter plot (scatter.js), DOM-free so node tests
// them: the data bounds of the points, the linear map from data to pixels and
// back, round tick values and their labels, the point nearest the pointer,
// where to write each label, and the signs that keep a new projection facing
// the way the previous one did.

/**
 * The data bounds of n points (flat [x0, y0, x1, y1, ...]) widened by `margin`
 * of their span on every side. Non-finite points are skipped; a zero span
 * (one point, or all on a line) gets a width of 1 so the scale stays finite.
 * -> { x0, x1, y0, y1 }
 */
export function extentOf(points, margin = 0.06) {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i],
      y = points[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (x0 > x1) return { x0: -1, x1: 1, y0: -1, y1: 1 };
  const widen = (lo, hi) => {
    const span = hi - lo;
    if (span <= 1e-9 * Math.max(1, Math.abs(lo))) return [lo - 0.5, hi + 0.5];
    return [lo - span * margin, hi + span * margin];
  };
  [x0, x1] = widen(x0, x1);
  [y0, y1] = widen(y0, y1);
  return { x0, x1, y0, y1 };
}

/**
 * A linear map from data bounds to a pixel rectangle (y grows upward in data,
 * downward on screen) and back.
 * @param {{ x0, x1, y0, y1 }} ext
 * @param {{ left, top, right, bottom }} area  in pixels
 * -> { px(x), py(y), x(px), y(py) }
 */
export function scaleOf(ext, area) {
  const sx = (area.right - area.left) / (ext.x1 - ext.x0);
  const sy = (area.bottom - area.top) / (ext.y1 - ext.y0);
  return {
    px: (x) => area.left + (x - ext.x0) * sx,
    py: (y) => area.bottom - (y - ext.y0) * sy,
    x: (px) => ext.x0 + (px - area.left) / sx,
    y: (py) => ext.y0 + (area.bottom - py) / sy,
  };
}

/** About `count` round tick values (1, 2 or 5 × 10^k apart) inside [lo, hi]. */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : +v.toPrecision(12));
  return out;
}

/**
 * The index of the point nearest to pixel (px, py) under `scale`, if it lies
 * within `radius` pixels; otherwise -1.
 */
export function nearestPoint(points, scale, px, py, radius) {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0, k = 0; i + 1 < points.length; i += 2, k++) {
    const dx = scale.px(points[i]) - px;
    const dy = scale.py(points[i + 1]) - py;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

/**
 * The median position of each label's points: where to write the label on
 * the plot. -> Array(classes) of { x, y, count } (count 0: no such points).
 */
export function labelCentres(points, labels, classes = 10) {
  const xs = Array.from({ length: classes }, () => []);
  const ys = Array.from({ length: classes }, () => []);
  for (let k = 0; k < labels.length; k++) {
    const l = labels[k];
    const x = points[2 * k],
      y = points[2 * k + 1];
    if (l >= classes || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    xs[l].push(x);
    ys[l].push(y);
  }
  const median = (a) => {
    a.sort((p, q) => p - q);
    const m = a.length >> 1;
    return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
  };
  return xs.map((col, l) =>
    col.length ? { x: median(col), y: median(ys[l]), count: col.length } : { x: 0, y: 0, count: 0 },
  );
}

/**
 * Signs (±1 per axis) that make a new projection of the same points face the
 * way the previous one did: a principal component's sign is arbitrary, and a
 * plot that mirrors itself between two refreshes is hard to follow. Both are
 * flat [x0, y0, ...] of the same points; the sign of Σ prev·next per axis decides.
 * -> [sx, sy]
 */
export function alignSigns(prev, next) {
  if (!prev || prev.length !== next.length) return [1, 1];
  let dx = 0,
    dy = 0;
  for (let i = 0; i + 1 < next.length; i += 2) {
    dx += prev[i] * next[i];
    dy += prev[i + 1] * next[i + 1];
  }
  return [dx < 0 ? -1 : 1, dy < 0 ? -1 : 1];
}

/** A short axis number: 2 significant digits, no trailing zeros. */
export const tickLabel = (v) => String(+v.toPrecision(2));
