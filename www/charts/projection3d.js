// The geometry of the 3-D point view (scatter3d.js), DOM-free so node tests it:
// a turn (yaw, then pitch, in degrees) as a rotation matrix, an orthographic
// projection onto the canvas, the order to paint points in (far first, so
// nearer points cover farther ones), a fit that keeps every point in view
// whichever way the cloud is turned, PCA's plane as a quad, and the keys that
// turn the view.
//
// View coordinates: u to the right, v up, d the depth (larger is farther from
// the reader). At yaw 0 and pitch 0 the reader looks down the data's −z axis:
// x points right, y up and z toward the reader, a right-handed frame, so a
// helix is never shown mirrored. Yaw turns the cloud about its y axis (a
// positive yaw carries the front to the right), then pitch tilts it about the
// screen's horizontal (a positive pitch carries the front down and shows the top).

const DEG = Math.PI / 180;

/** How far one arrow-key press turns the view, in degrees (Shift: the larger step). */
export const KEY_STEP = 5;
export const KEY_STEP_LARGE = 15;

/** How far a drag of one CSS pixel turns the view, in degrees. */
export const DRAG_STEP = 0.5;

/** The turn a view starts at and Home returns to: a little from the side and above, so depth shows. */
export const DEFAULT_ROTATION = Object.freeze({ yaw: 30, pitch: 20 });

/**
 * A turn kept in range: yaw wrapped into (−180°, 180°], pitch clamped to [−90°, 90°] (past straight
 * down the view would turn upside down). Non-finite angles count as 0. -> { yaw, pitch }
 */
export function clampRotation({ yaw, pitch }) {
  let y = Number.isFinite(yaw) ? yaw % 360 : 0;
  if (y > 180) y -= 360;
  if (y <= -180) y += 360;
  const p = Number.isFinite(pitch) ? Math.max(-90, Math.min(90, pitch)) : 0;
  return { yaw: y + 0, pitch: p + 0 }; // + 0 turns −0 into 0
}

/**
 * The 3×3 matrix taking a data vector to view coordinates for a turn of `yaw` then `pitch` (degrees):
 * rows are the u (right), v (up) and d (depth, away from the reader) axes written in data coordinates.
 * It is orthonormal; u × v points toward the reader (−d), so nothing is mirrored.
 */
export function rotationMatrix({ yaw, pitch }) {
  const cy = Math.cos(yaw * DEG),
    sy = Math.sin(yaw * DEG);
  const cp = Math.cos(pitch * DEG),
    sp = Math.sin(pitch * DEG);
  // Rx(pitch) · Ry(yaw), with its third row negated: depth grows away from the reader.
  return [
    [cy, 0, sy],
    [sp * sy, cp, -sp * cy],
    [cp * sy, -sp, -cp * cy],
  ];
}

/**
 * The bounding box of every finite point of the given clouds (each flat x, y, z triples; null skipped).
 * A flat side (all points at one x, say) is widened to the box's largest side, or to 1 when all are
 * flat, so axes and the fit stay finite. -> { min: [3], max: [3] } or null when there is no point.
 */
export function boundsOf(...clouds) {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (const xyz of clouds) {
    if (!xyz) continue;
    for (let i = 0; i + 2 < xyz.length; i += 3) {
      const x = xyz[i],
        y = xyz[i + 1],
        z = xyz[i + 2];
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
      if (x < min[0]) min[0] = x;
      if (x > max[0]) max[0] = x;
      if (y < min[1]) min[1] = y;
      if (y > max[1]) max[1] = y;
      if (z < min[2]) min[2] = z;
      if (z > max[2]) max[2] = z;
    }
  }
  if (!(min[0] <= max[0])) return null;
  const spans = min.map((lo, a) => max[a] - lo);
  const widest = Math.max(...spans);
  for (let a = 0; a < 3; a++) {
    if (spans[a] > 1e-9 * Math.max(1, Math.abs(min[a]), widest)) continue;
    const half = widest > 0 ? widest / 2 : 0.5;
    const mid = (min[a] + max[a]) / 2;
    min[a] = mid - half;
    max[a] = mid + half;
  }
  return { min, max };
}

/**
 * Where the view looks and how much it magnifies: the box's centre lands at the middle of `area` and
 * the sphere around the box (through its corners, and through any `extra` points such as the plane's
 * corners) just fits the shorter side, so no turn ever takes a point out of the area.
 * @param {{ min: number[], max: number[] }} bounds  from boundsOf
 * @param {number[][]} extra  more points that must stay in view
 * @param {{ left, top, right, bottom }} area  in pixels
 * -> { centre: [3], radius, scale (pixels per data unit), cx, cy (pixels) }
 */
export function fitView(bounds, extra, area) {
  const centre = bounds.min.map((lo, a) => (lo + bounds.max[a]) / 2);
  let r2 = 0;
  for (let a = 0; a < 3; a++) r2 += ((bounds.max[a] - bounds.min[a]) / 2) ** 2;
  for (const p of extra) {
    const d2 = (p[0] - centre[0]) ** 2 + (p[1] - centre[1]) ** 2 + (p[2] - centre[2]) ** 2;
    if (d2 > r2) r2 = d2;
  }
  const radius = Math.sqrt(r2) || 1;
  const half = Math.max(0, Math.min(area.right - area.left, area.bottom - area.top) / 2);
  return {
    centre,
    radius,
    scale: half / radius,
    cx: (area.left + area.right) / 2,
    cy: (area.top + area.bottom) / 2,
  };
}

/**
 * One point on the canvas: -> [px, py, depth], px and py in pixels (py grows downward), depth in data
 * units from the view's centre (larger is farther).
 */
export function projectPoint(p, m, fit) {
  const x = p[0] - fit.centre[0],
    y = p[1] - fit.centre[1],
    z = p[2] - fit.centre[2];
  return [
    fit.cx + fit.scale * (m[0][0] * x + m[0][1] * y + m[0][2] * z),
    fit.cy - fit.scale * (m[1][0] * x + m[1][1] * y + m[1][2] * z),
    m[2][0] * x + m[2][1] * y + m[2][2] * z,
  ];
}

/**
 * Every point of a cloud on the canvas, written into `out` from triple `at` on (so two clouds can share
 * one buffer): out[3k] = px, out[3k + 1] = py, out[3k + 2] = depth, as projectPoint. No allocation:
 * this runs on every frame of a drag.
 */
export function projectInto(xyz, m, fit, out, at = 0) {
  const [c0, c1, c2] = fit.centre;
  const { scale: s, cx, cy } = fit;
  const [r0, r1, r2] = m;
  for (let i = 0, o = 3 * at; i + 2 < xyz.length; i += 3, o += 3) {
    const x = xyz[i] - c0,
      y = xyz[i + 1] - c1,
      z = xyz[i + 2] - c2;
    out[o] = cx + s * (r0[0] * x + r0[1] * y + r0[2] * z);
    out[o + 1] = cy - s * (r1[0] * x + r1[1] * y + r1[2] * z);
    out[o + 2] = r2[0] * x + r2[1] * y + r2[2] * z;
  }
  return out;
}

const INDEX = 2 ** 21; // sort keys hold the point's index below this, its depth and group above
const LEVELS = 2 ** 30; // depth steps: ties closer than 1 / LEVELS of the depth range keep index order
let keys = new Float64Array(0); // scratch, so a drag's frames allocate nothing

/**
 * The order to paint `count` projected points in (`screen` as projectInto writes it): farthest first,
 * so nearer points cover farther ones. With `behind` (1 for a point on the far side of a plane), all
 * points behind come first, each group far to near, and the plane is painted between the groups.
 * `order` is reused when it is long enough. Non-finite depths go first (they are not drawn anyway).
 * Each point becomes one number (group, depth step, index) sorted natively: a comparator function
 * made this the slowest part of a frame. -> Uint32Array of point indices
 */
export function depthOrder(screen, count, behind = null, order = null) {
  const out = order && order.length >= count ? order.subarray(0, count) : new Uint32Array(count);
  const depth = (k) => {
    const d = screen[3 * k + 2];
    return Number.isFinite(d) ? d : Infinity;
  };
  if (count >= INDEX) {
    for (let k = 0; k < count; k++) out[k] = k;
    return out.sort(behind ? (a, b) => behind[b] - behind[a] || depth(b) - depth(a) : (a, b) => depth(b) - depth(a));
  }
  let lo = Infinity,
    hi = -Infinity;
  for (let k = 0; k < count; k++) {
    const d = screen[3 * k + 2];
    if (!Number.isFinite(d)) continue;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const step = hi > lo ? (LEVELS - 2) / (hi - lo) : 0;
  if (keys.length < count) keys = new Float64Array(count);
  const key = keys.subarray(0, count);
  for (let k = 0; k < count; k++) {
    const d = screen[3 * k + 2];
    const far = Number.isFinite(d) ? 1 + Math.round((hi - d) * step) : 0; // 0 first: the farthest
    const group = behind && !behind[k] ? LEVELS : 0;
    key[k] = (group + far) * INDEX + k;
  }
  key.sort();
  for (let k = 0; k < count; k++) out[k] = key[k] % INDEX;
  return out;
}

/** The normal of a plane spanned by two vectors (their cross product, not normalised). */
export function planeNormal([a, b]) {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * Which points lie behind a plane as seen by the reader: 1 where the plane stands between the reader
 * and the point along the line of sight, else 0 (a plane seen edge-on hides nothing). For an infinite
 * plane this is exact, so painting the points behind, then the plane, then the rest is right wherever
 * they overlap. Written into `out` from index `at` on.
 */
export function behindPlane(xyz, plane, m, out, at = 0) {
  const n = planeNormal(plane.basis);
  let facing = m[2][0] * n[0] + m[2][1] * n[1] + m[2][2] * n[2]; // depth axis · normal
  if (Math.abs(facing) <= 1e-9 * Math.hypot(...n)) facing = 0; // edge-on, give or take rounding
  const [o0, o1, o2] = plane.mean;
  for (let i = 0, k = at; i + 2 < xyz.length; i += 3, k++) {
    const side = (xyz[i] - o0) * n[0] + (xyz[i + 1] - o1) * n[1] + (xyz[i + 2] - o2) * n[2];
    out[k] = side * facing > 0 ? 1 : 0;
  }
  return out;
}

/**
 * PCA's plane as a quad: the four corners (in order around it) of the rectangle through `mean` that
 * spans the points' extent along each basis vector (the vectors need not be unit length, but should be
 * orthogonal, as principal directions are). -> [[3] × 4], or null when no point is finite.
 */
export function planeCorners(xyz, { mean, basis }) {
  const lo = [Infinity, Infinity],
    hi = [-Infinity, -Infinity];
  const len2 = basis.map((b) => b[0] * b[0] + b[1] * b[1] + b[2] * b[2] || 1);
  for (let i = 0; i + 2 < xyz.length; i += 3) {
    const x = xyz[i] - mean[0],
      y = xyz[i + 1] - mean[1],
      z = xyz[i + 2] - mean[2];
    if (!Number.isFinite(x + y + z)) continue;
    for (let j = 0; j < 2; j++) {
      const t = (x * basis[j][0] + y * basis[j][1] + z * basis[j][2]) / len2[j];
      if (t < lo[j]) lo[j] = t;
      if (t > hi[j]) hi[j] = t;
    }
  }
  if (!(lo[0] <= hi[0])) return null;
  const at = (s, t) => [0, 1, 2].map((a) => mean[a] + s * basis[0][a] + t * basis[1][a]);
  return [at(lo[0], lo[1]), at(hi[0], lo[1]), at(hi[0], hi[1]), at(lo[0], hi[1])];
}

/**
 * The turn a key gives when the view has focus: ← → turn (yaw) by KEY_STEP degrees, ↑ ↓ tilt (pitch),
 * Shift for KEY_STEP_LARGE; Home goes back to `home`. ↑ tilts the front up and → carries it to the
 * right, as dragging that way does. -> a new, clamped { yaw, pitch }, or null for any other key.
 */
export function keyRotation(rotation, key, { shift = false, home = DEFAULT_ROTATION } = {}) {
  if (key === 'Home') return clampRotation(home);
  const step = shift ? KEY_STEP_LARGE : KEY_STEP;
  const turns = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const turn = turns[key];
  if (!turn) return null;
  return clampRotation({ yaw: rotation.yaw + turn[0] * step, pitch: rotation.pitch + turn[1] * step });
}

/** The turn after a drag of (dx, dy) CSS pixels: right turns the front right, down tilts it down. */
export function dragRotation(rotation, dx, dy) {
  return clampRotation({ yaw: rotation.yaw + dx * DRAG_STEP, pitch: rotation.pitch + dy * DRAG_STEP });
}
