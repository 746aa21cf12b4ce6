// A cloud of points in three dimensions on one canvas, which a reader turns by
// dragging (mouse, pen or finger) or with the arrow keys, and sets back with
// Home or a double-click: the data of "Curve in 3-D", with the autoencoder's
// reconstructions of the same points and PCA's plane beside them. The
// geometry is in projection3d.js (pure, tested in node), and scatter3d-paint.js
// paints it; this file holds the view's state and turns it.
// Sizing, devicePixelRatio, theme colours and repainting on resize and theme
// changes come from canvas-chart.js. A drag only turns the view and asks for
// a frame; the frame paints (at most one per display refresh).

import { CanvasChart } from './canvas-chart.js';
import { describe } from './describe.js';
import { grouped } from '../lib/numbers.js';
import { DEFAULT_ROTATION, boundsOf, clampRotation, dragRotation, keyRotation, planeCorners } from './projection3d.js';
import { paintScatter3d } from './scatter3d-paint.js';

const LEGEND_NAMES = 10; // at most this many label names listed in words

/** The number of points in a flat x, y, z array, or an Error a caller can act on. */
function pointCount(xyz, what) {
  if (!xyz || typeof xyz.length !== 'number' || xyz.length % 3)
    throw new RangeError(`${what}: expected 3 numbers (x, y, z) per point, got ${xyz?.length ?? 'no'} numbers`);
  return xyz.length / 3;
}

/** An angle as a reader hears it: whole degrees. */
const degrees = (a) => `${Math.round(a) + 0}°`;

/**
 * The view. Points are coloured by label with the theme's class colours (as the latent scatter is),
 * or all in --series-1 without labels; nearer points are drawn stronger and over farther ones.
 */
export class Scatter3d {
  /**
   * @param {HTMLCanvasElement} canvas  sized by CSS (the view is square in the middle of its box)
   * @param {{ label: string, axes?: string[], rotation?: { yaw: number, pitch: number },
   *   onRotate?: (rotation: { yaw: number, pitch: number }) => void,
   *   details?: (words: string) => string }} options
   *   label: the accessible name; axes: the three axis names; rotation: the turn to start at and that
   *   Home returns to (degrees); onRotate: after a drag ends and after each key (e.g. to write the URL);
   *   details: rewrites the words of the text alternative (e.g. to add the training step)
   */
  constructor(canvas, { label, axes = ['x', 'y', 'z'], rotation = DEFAULT_ROTATION, onRotate = () => {}, details }) {
    this.canvas = canvas;
    this.axes = axes;
    this.home = clampRotation(rotation);
    this.turn = this.home;
    this.onRotate = onRotate;
    this.details = details ?? ((words) => words);
    this.points = new Float32Array(0);
    this.labels = null;
    this.labelNames = null;
    this.name = 'points';
    this.second = null;
    this.plane = null;
    this.screen = new Float32Array(0); // projected points, both clouds: px, py, depth
    this.behind = new Uint8Array(0);
    this.order = new Uint32Array(0);
    this.drag = null; // { id, x, y } of the pointer turning the view
    this.#refit();

    canvas.classList.add('scatter3d');
    canvas.tabIndex = 0;
    canvas.setAttribute('role', 'application'); // the arrow keys turn the view instead of moving a reader on
    canvas.setAttribute('aria-roledescription', '3-D view');
    canvas.setAttribute('aria-label', `${label}. Drag, or use the arrow keys, to turn it; Home turns it back.`);
    canvas.style.touchAction = 'none'; // a finger turns the view instead of scrolling the page
    this.listeners = {
      pointerdown: (e) => this.#down(e),
      pointermove: (e) => this.#move(e),
      pointerup: (e) => this.#up(e),
      pointercancel: (e) => this.#up(e),
      dblclick: () => this.#turnTo(this.home),
      keydown: (e) => this.#key(e),
    };
    for (const [type, fn] of Object.entries(this.listeners)) canvas.addEventListener(type, fn);
    this.chart = new CanvasChart(canvas, (frame) => paintScatter3d(this, frame), { minWidth: 120, minHeight: 120 });
    this.#changed();
  }

  /**
   * New points (flat x, y, z: n × 3) and optionally a label per point (colours, and names for a legend).
   * `name` names them in the key when a second cloud is shown without labels. The view is fitted to them
   * afresh; the turn stays.
   */
  setPoints(xyz, labels = null, { labelNames = null, name = 'points' } = {}) {
    const n = pointCount(xyz, 'setPoints');
    if (labels && labels.length !== n) throw new RangeError(`setPoints: ${n} points but ${labels.length} labels`);
    this.points = xyz;
    this.labels = labels;
    this.labelNames = labelNames;
    this.name = name;
    this.canvas.dataset.points = String(n);
    this.#refit();
    this.#changed();
    return this;
  }

  /**
   * A second cloud drawn as small hollow rings (e.g. the autoencoder's reconstructions of the same
   * points), or null for none. When it has as many points as the first, a faint line joins each point
   * to its partner.
   */
  setSecond(xyz, { name = 'reconstructions' } = {}) {
    if (xyz) pointCount(xyz, 'setSecond');
    this.second = xyz ? { xyz, name } : null;
    this.#refit();
    this.#changed();
    return this;
  }

  /**
   * PCA's plane: a translucent quad through `mean` spanning the points' extent along the two `basis`
   * vectors (orthogonal, as principal directions are), or null for none. Points behind it show through it.
   */
  setPlane(plane) {
    if (plane && (plane.mean?.length !== 3 || plane.basis?.length !== 2 || plane.basis.some((b) => b.length !== 3)))
      throw new RangeError('setPlane: expected { mean: [x, y, z], basis: [[x, y, z], [x, y, z]] }');
    this.plane = plane ? { mean: plane.mean, basis: plane.basis, name: plane.name ?? 'PCA’s plane' } : null;
    this.#refit();
    this.#changed();
    return this;
  }

  /** The current turn, in degrees: { yaw (about the y axis), pitch (tilt toward the reader) }. */
  get rotation() {
    return { ...this.turn };
  }

  /** Turns the view (degrees; yaw wraps, pitch is clamped to ±90°). Does not call onRotate. */
  setRotation(rotation) {
    this.turn = clampRotation({ ...this.turn, ...rotation });
    this.#changed();
    return this;
  }

  /** Paints again at the canvas's current size (it also does so by itself when its box changes). */
  resize() {
    this.chart.draw();
  }

  /** Paints again on the next frame, in the theme's current colours. */
  repaint() {
    this.chart.schedule();
  }

  /** Stops listening and repainting; the canvas keeps its last picture. */
  destroy() {
    this.chart.destroy();
    for (const [type, fn] of Object.entries(this.listeners)) this.canvas.removeEventListener(type, fn);
  }

  /** The words of the text alternative, without the accessible name. */
  words() {
    const n = this.points.length / 3;
    if (!n) return 'no points yet.';
    const parts = [`${grouped(n)} points`];
    if (this.labels) {
      const names = this.labelNames ?? [];
      const listed = names.slice(0, LEGEND_NAMES).join(', ');
      const more = names.length > LEGEND_NAMES ? ` and ${names.length - LEGEND_NAMES} more` : '';
      parts[0] += names.length ? `, coloured by label (${listed}${more})` : ', coloured by label';
    }
    if (this.second) {
      const m = this.second.xyz.length / 3;
      parts.push(`${grouped(m)} ${this.second.name} as rings${m === n ? ', each joined to its point' : ''}`);
    }
    if (this.plane) parts.push(`${this.plane.name} as a see-through plane`);
    const { yaw, pitch } = this.turn;
    const [x, y, z] = this.axes;
    parts.push(`axes ${x}, ${y} and ${z}, turned ${degrees(yaw)} about ${y} and tilted ${degrees(pitch)}.`);
    return parts.join('; ');
  }

  // The fit depends on the data only, never on the turn, so the cloud keeps its size while it turns.
  #refit() {
    const bounds = boundsOf(this.points, this.second?.xyz);
    this.bounds = bounds ?? { min: [-1, -1, -1], max: [1, 1, 1] };
    this.corners = this.plane ? planeCorners(this.points, this.plane) : null;
    const total = (this.points.length + (this.second?.xyz.length ?? 0)) / 3;
    if (this.screen.length < 3 * total) {
      this.screen = new Float32Array(3 * total);
      this.behind = new Uint8Array(total);
      this.order = new Uint32Array(total);
    }
  }

  #changed() {
    const { yaw, pitch } = this.turn;
    this.canvas.dataset.rotation = `${yaw.toFixed(1)},${pitch.toFixed(1)}`;
    describe(this.canvas, () => this.details(this.words()));
    this.chart.schedule();
  }

  #turnTo(rotation) {
    this.setRotation(rotation);
    this.onRotate(this.rotation);
  }

  #down(e) {
    if (this.drag || (e.pointerType === 'mouse' && e.button !== 0)) return;
    this.drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
    this.canvas.setPointerCapture?.(e.pointerId);
    this.canvas.dataset.dragging = 'true';
  }

  #move(e) {
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    this.turn = dragRotation(this.turn, e.clientX - d.x, e.clientY - d.y);
    d.x = e.clientX;
    d.y = e.clientY;
    this.#changed(); // paints on the next frame, however many moves arrive before it
  }

  #up(e) {
    if (!this.drag || e.pointerId !== this.drag.id) return;
    this.drag = null;
    delete this.canvas.dataset.dragging;
    this.onRotate(this.rotation);
  }

  #key(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const next = keyRotation(this.turn, e.key, { shift: e.shiftKey, home: this.home });
    if (!next) return;
    e.preventDefault();
    this.#turnTo(next);
  }
}
