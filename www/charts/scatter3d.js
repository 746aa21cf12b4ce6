// A cloud of points in three dimensions on one canvas, which a reader turns by
// dragging (mouse, pen or finger) or with the arrow keys, and sets back with
// Home or a double-click: the data of "Curve in 3-D", with the autoencoder's
// reconstructions of the same points and PCA's plane beside them. The
// geometry is in projection3d.js (pure, tested in node); this file paints it.
// Sizing, devicePixelRatio, theme colours and repainting on resize and theme
// changes come from canvas-chart.js. A drag only turns the view and asks for
// a frame; the frame paints (at most one per display refresh).

import { CanvasChart } from './canvas-chart.js';
import { describe } from './describe.js';
import { digitColours } from '../draw/colour-maps.js';
import { grouped } from '../lib/numbers.js';
import {
  DEFAULT_ROTATION,
  behindPlane,
  boundsOf,
  clampRotation,
  depthOrder,
  dragRotation,
  fitView,
  keyRotation,
  planeCorners,
  projectInto,
  projectPoint,
  rotationMatrix,
} from './projection3d.js';

const ALPHA_LEVELS = 8; // depth shading in a few steps, so runs of one colour share a fill
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
    this.chart = new CanvasChart(canvas, (frame) => this.#paint(frame), { minWidth: 120, minHeight: 120 });
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

  #paint({ ctx, w, h, dpr, colours }) {
    const { font, muted, text, surface } = colours;
    const palette = this.labels ? digitColours() : null;
    const single = colours.colour('--series-1', '#1d4ed8');
    const ringSingle = colours.colour('--series-2', '#c2410c');
    const colourOf = (k) => (palette ? palette[this.labels[k] % palette.length] : null);
    const legend = this.#legend(ctx, w, dpr, { font, text, single, ringSingle, palette, colours });

    const inset = 18 * dpr; // room for the axis names
    const fit = fitView(this.bounds, this.corners ?? [], {
      left: inset,
      top: inset + legend.height,
      right: w - inset,
      bottom: h - inset,
    });
    const m = rotationMatrix(this.turn);
    const n = this.points.length / 3;
    const second = this.second?.xyz;
    const total = n + (second ? second.length / 3 : 0);
    const { screen } = this;
    projectInto(this.points, m, fit, screen, 0);
    if (second) projectInto(second, m, fit, screen, n);
    let behind = null;
    if (this.plane && this.corners) {
      behind = this.behind;
      behindPlane(this.points, this.plane, m, behind, 0);
      if (second) behindPlane(second, this.plane, m, behind, n);
    }
    const order = depthOrder(screen, total, behind, this.order);

    this.#paintAxes(ctx, m, fit, dpr, { font, muted, surface });

    // Each reconstruction joined to its point, faintly, under everything else.
    if (second && second.length === this.points.length) {
      ctx.strokeStyle = muted;
      ctx.globalAlpha = 0.35;
      ctx.lineWidth = Math.max(1, 0.8 * dpr);
      ctx.beginPath();
      for (let k = 0; k < n; k++) {
        ctx.moveTo(screen[3 * k], screen[3 * k + 1]);
        ctx.lineTo(screen[3 * (n + k)], screen[3 * (n + k) + 1]);
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
    }

    const hidden = behind ? behind.reduce((sum, b, k) => (k < total ? sum + b : sum), 0) : 0;
    const plane = behind ? () => this.#paintPlane(ctx, m, fit, dpr, colours) : () => {};
    const styleOf = (k) => (k < n ? (colourOf(k) ?? single) : (colourOf(k - n) ?? ringSingle));
    this.#paintMarks(ctx, dpr, { order, n, hidden, plane, styleOf, radius: fit.radius });

    this.#paintLegend(ctx, dpr, legend, { font, text });
    this.canvas.dataset.painted = String(n > 0);
    // Where the first point is drawn (CSS pixels from the canvas's top left), for tests that point at it.
    if (n && Number.isFinite(screen[0] + screen[1]))
      this.canvas.dataset.firstPoint = `${(screen[0] / dpr).toFixed(1)},${(screen[1] / dpr).toFixed(1)}`;
    else delete this.canvas.dataset.firstPoint;
  }

  // Far to near, the plane between the points behind it and the rest; nearer points stronger. Points
  // in a row of one colour, kind and shade share one fill or stroke, so the canvas does little per point.
  #paintMarks(ctx, dpr, { order, n, hidden, plane, styleOf, radius }) {
    const { screen } = this;
    const dot = 2.6 * dpr,
      ring = 2.4 * dpr;
    let style = '',
      ringRun = false,
      alpha = -1,
      open = false;
    const flush = () => {
      if (!open) return;
      ctx.globalAlpha = alpha;
      if (ringRun) ctx.stroke();
      else ctx.fill();
      open = false;
    };
    ctx.lineWidth = 1.3 * dpr;
    for (let i = 0; i <= order.length; i++) {
      if (i === hidden) {
        flush();
        plane();
      }
      if (i === order.length) break;
      const k = order[i];
      const x = screen[3 * k],
        y = screen[3 * k + 1],
        depth = screen[3 * k + 2];
      if (!Number.isFinite(x + y + depth)) continue;
      const isRing = k >= n;
      const colour = styleOf(k);
      const near = Math.round(((1 - depth / radius) / 2) * (ALPHA_LEVELS - 1)); // 0 far … 7 near
      const shade = 0.4 + (0.55 * Math.max(0, Math.min(ALPHA_LEVELS - 1, near))) / (ALPHA_LEVELS - 1);
      if (!open || colour !== style || isRing !== ringRun || shade !== alpha) {
        flush();
        style = colour;
        ringRun = isRing;
        alpha = shade;
        open = true;
        if (isRing) ctx.strokeStyle = colour;
        else ctx.fillStyle = colour;
        ctx.beginPath();
      }
      const r = isRing ? ring : dot;
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
    }
    flush();
    ctx.globalAlpha = 1;
  }

  // The three axes from the box's low corner along each of its edges, each named at its far end.
  #paintAxes(ctx, m, fit, dpr, { font, muted, surface }) {
    const { min, max } = this.bounds;
    const origin = projectPoint(min, m, fit);
    ctx.strokeStyle = muted;
    ctx.lineWidth = Math.max(1, dpr);
    ctx.font = `600 ${12 * dpr}px ${font}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    for (let a = 0; a < 3; a++) {
      const end = min.slice();
      end[a] = max[a];
      const [ex, ey] = projectPoint(end, m, fit);
      ctx.beginPath();
      ctx.moveTo(origin[0], origin[1]);
      ctx.lineTo(ex, ey);
      ctx.stroke();
      // The name just beyond the end, along the axis (or above the end when the axis points at the reader).
      const dx = ex - origin[0],
        dy = ey - origin[1];
      const len = Math.hypot(dx, dy);
      const off = 10 * dpr;
      const lx = len > 1 ? ex + (dx / len) * off : ex;
      const ly = len > 1 ? ey + (dy / len) * off : ey - off;
      ctx.lineWidth = 3 * dpr;
      ctx.strokeStyle = surface;
      ctx.strokeText(this.axes[a], lx, ly);
      ctx.fillStyle = muted;
      ctx.fillText(this.axes[a], lx, ly);
      ctx.strokeStyle = muted;
      ctx.lineWidth = Math.max(1, dpr);
    }
  }

  #paintPlane(ctx, m, fit, dpr, colours) {
    const quad = this.corners.map((p) => projectPoint(p, m, fit));
    const colour = colours.colour('--series-3', '#15803d');
    ctx.beginPath();
    ctx.moveTo(quad[0][0], quad[0][1]);
    for (const [x, y] of quad.slice(1)) ctx.lineTo(x, y);
    ctx.closePath();
    ctx.fillStyle = colour;
    ctx.globalAlpha = 0.16;
    ctx.fill();
    ctx.globalAlpha = 0.8;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5 * dpr;
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1.3 * dpr;
  }

  // The key, in lines across the top (the cloud is fitted below it): the label names, the second
  // cloud and the plane, when there are any. -> { entries: [{ kind, colour, name, x, y }], height }
  #legend(ctx, w, dpr, { font, text, single, ringSingle, palette, colours }) {
    const names = this.labels && this.labelNames ? this.labelNames : [];
    const entries = names.map((name, l) => ({ kind: 'dot', colour: palette[l % palette.length], name }));
    if (this.second) {
      // With labels the rings take their point's colour: the key shows only their shape.
      if (!this.labels) entries.push({ kind: 'dot', colour: single, name: this.name });
      entries.push({ kind: 'ring', colour: this.labels ? text : ringSingle, name: this.second.name });
    }
    if (this.plane && this.corners)
      entries.push({ kind: 'quad', colour: colours.colour('--series-3', '#15803d'), name: this.plane.name });
    if (!entries.length) return { entries, height: 0 };
    const line = 16 * dpr;
    const pad = 8 * dpr;
    ctx.font = `${11 * dpr}px ${font}`;
    let x = pad,
      y = pad + line / 2;
    for (const entry of entries) {
      const width = 14 * dpr + ctx.measureText(entry.name).width;
      if (x > pad && x + width > w - pad) {
        x = pad;
        y += line;
      }
      Object.assign(entry, { x, y });
      x += width + 12 * dpr;
    }
    return { entries, height: y + line / 2 };
  }

  #paintLegend(ctx, dpr, { entries }, { font, text }) {
    ctx.font = `${11 * dpr}px ${font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.lineWidth = 1.5 * dpr;
    for (const { kind, colour, name, x, y } of entries) {
      const mx = x + 4 * dpr;
      ctx.beginPath();
      if (kind === 'quad') ctx.rect(mx - 4 * dpr, y - 4 * dpr, 8 * dpr, 8 * dpr);
      else ctx.arc(mx, y, 3.5 * dpr, 0, 2 * Math.PI);
      ctx.fillStyle = colour;
      ctx.strokeStyle = colour;
      if (kind === 'dot') ctx.fill();
      else ctx.stroke();
      ctx.fillStyle = text;
      ctx.fillText(name, x + 14 * dpr, y);
    }
  }
}
