// The Your data lesson's 3-D view of Curve in 3-D: validation points coloured
// by where they lie along the roll, with the autoencoder's reconstructions or
// PCA's (which lie on PCA's plane, drawn too), to turn with the pointer or the
// arrow keys. Only for the curve; other data hide it.

import { h } from '../../lib/dom.js';
import { Scatter3d } from '../../charts/scatter3d.js';
import { card } from '../kit/cards.js';

const POINTS = 600;

/**
 * The plane through points that lie on one (PCA's reconstructions with two
 * components): their mean and two orthonormal directions in it, or null
 * when they span less than a plane. points: n × 3 flat.
 */
export function planeThrough(points) {
  const n = points.length / 3;
  if (n < 3) return null;
  const mean = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) mean[d] += points[i * 3 + d] / n;
  const at = (i) => [0, 1, 2].map((d) => points[i * 3 + d] - mean[d]);
  const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  const longest = (f) => {
    let best = null;
    let len = 0;
    for (let i = 0; i < n; i++) {
      const v = f(at(i));
      const l = Math.sqrt(dot(v, v));
      if (l > len) [best, len] = [v, l];
    }
    return len > 1e-6 ? best.map((x) => x / len) : null;
  };
  const u = longest((v) => v);
  if (!u) return null;
  const w = longest((v) => {
    const k = dot(v, u);
    return v.map((x, d) => x - k * u[d]);
  });
  if (!w) return null;
  // Relative to the spread along u, how far the farthest point leaves the plane: not a plane if far.
  const normal = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
  let off = 0;
  let spread = 0;
  for (let i = 0; i < n; i++) {
    const v = at(i);
    off = Math.max(off, Math.abs(dot(v, normal)));
    spread = Math.max(spread, Math.abs(dot(v, u)));
  }
  return off <= 1e-3 * spread ? { mean, basis: [u, w] } : null;
}

/** -> { el, reset(info), refresh(info, step) } */
export function curveView(lesson) {
  const { client } = lesson;
  const canvas = h('canvas', { id: 'data-3d' });
  const chart = lesson.own(
    new Scatter3d(canvas, { label: 'Curve in 3-D: the validation points', axes: ['x', 'y', 'z'] }),
  );
  const which = h(
    'select',
    { id: 'data-3d-which' },
    h('option', { value: 'ae' }, 'the autoencoder’s reconstructions'),
    h('option', { value: 'pca' }, 'PCA’s reconstructions (on its plane)'),
    h('option', { value: 'samples' }, 'rows the VAE generates from random codes'),
    h('option', { value: 'none' }, 'nothing'),
  );
  const note = h('p', { class: 'hint', id: 'data-3d-note' });
  const el = card(
    { id: 'data-3d-title', title: 'The curve in 3-D' },
    h('label', { class: 'field' }, 'Show with the points: ', which),
    canvas,
    note,
  );
  let points = null; // { values, labels } of the validation points
  let shown = false;
  which.addEventListener('change', () => shown && refresh());

  async function refresh() {
    if (!points) {
      const r = await lesson.current(client.validationImages(POINTS));
      points = { values: r.images, labels: r.labels };
      chart.setPoints(points.values, points.labels, { labelNames: shown.labelNames });
    }
    const mode = which.value;
    if (mode === 'none') {
      chart.setSecond(null);
      chart.setPlane(null);
    } else if (mode === 'samples') {
      // Generated points have no partners: a cloud of their own, not joined to the validation points.
      const z = await lesson.current(client.call('sample', POINTS / 2));
      chart.setSecond(z, { name: 'VAE samples' });
      chart.setPlane(null);
    } else {
      const method = mode === 'ae' ? 'reconstruct' : 'pcaReconstruct';
      const y = await lesson.current(client.call(method, points.values));
      chart.setSecond(y, { name: mode === 'ae' ? 'autoencoder' : 'PCA' });
      chart.setPlane(mode === 'pca' ? planeThrough(y) : null);
    }
    canvas.dataset.step = String(lesson.step);
    canvas.dataset.showing = mode;
    note.textContent =
      mode === 'samples'
        ? 'Points decoded from random codes: where the VAE has learnt the roll, they lie on it.'
        : mode === 'pca'
          ? `PCA with ${lesson.latent} component${lesson.latent === 1 ? '' : 's'} can only put the points on a ${lesson.latent === 1 ? 'line' : lesson.latent === 2 ? 'plane' : 'flat subspace'}: the lines show how far each point moves.`
          : mode === 'ae'
            ? `The autoencoder with a ${lesson.latent}-number code: where it has unrolled the sheet, its reconstructions follow the curve.`
            : 'Drag to turn the view, or use the arrow keys; Home turns it back.';
  }

  return {
    el,
    reset(info, { vae = false } = {}) {
      shown = info.kind === 'curve' ? info : false;
      el.hidden = !shown;
      points = null;
      const samples = which.querySelector('option[value="samples"]');
      samples.hidden = samples.disabled = !vae;
      if (!vae && which.value === 'samples') which.value = 'ae';
    },
    async refresh() {
      if (shown) await refresh();
    },
  };
}
