// Latent trails: where each dot of the latent map was over the last few
// refreshes, so the learner sees the classes pull apart while the network
// trains. The buffer is pure (node tests it): the scatter plot draws its
// frames as fading lines (charts/scatter.js, setTrails).

import { h } from '../../lib/dom.js';

/** Positions kept per dot: at one map refresh a second while training, about the last 8 seconds. */
export const TRAIL_LENGTH = 8;

/**
 * The last `capacity` positions of every dot, oldest first. A frame is a flat
 * [x0, y0, x1, y1, ...] of all the dots, as the map gives them.
 */
export class TrailBuffer {
  constructor(capacity = TRAIL_LENGTH) {
    this.capacity = Math.max(2, capacity);
    /** @type {Float32Array[]} oldest first; the last is the dots' current place */
    this.frames = [];
  }

  /** Positions stored per dot (0 after a clear). */
  get length() {
    return this.frames.length;
  }

  /**
   * Adds the dots' new positions (copied). A frame of another size (other
   * dots) starts the trails again; a frame equal to the last one (a refresh
   * with the weights unchanged, e.g. at a pause) adds nothing.
   */
  push(points) {
    const last = this.frames.at(-1);
    if (last && last.length !== points.length) this.frames = [];
    else if (last && sameFrame(last, points)) return false;
    this.frames.push(Float32Array.from(points));
    if (this.frames.length > this.capacity) this.frames.shift();
    return true;
  }

  clear() {
    this.frames = [];
  }
}

function sameFrame(a, b) {
  for (let i = 0; i < a.length; i++) if (a[i] !== Math.fround(b[i])) return false;
  return true;
}

/**
 * How opaque the segment from frame `i` to frame `i + 1` is drawn, of `count`
 * frames: the newest segment at `max`, fading linearly toward the oldest.
 */
export function trailAlpha(i, count, max = 0.55) {
  if (count < 2) return 0;
  return (max * (i + 1)) / (count - 1);
}

/** Whether trails mean anything: only for the codes themselves, not a projection that is fitted again at every refresh. */
export const trailsApply = (map) => Boolean(map) && !map.projected;

/**
 * The "Trails" checkbox and its note, driving `plot.setTrails`: on by default, off when the reader
 * asks for reduced motion. Give it every new map with `show(map)`; `clear()` at a new run.
 * -> { toggle, note, show(map), clear(), buffer }
 */
export function trailsControl(plot) {
  const reduce = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const box = h('input', { type: 'checkbox', id: 'latent-trails', checked: !reduce });
  const toggle = h('label', { class: 'check', for: 'latent-trails' }, box, ' Trails');
  const note = h('p', { class: 'hint', id: 'latent-trails-note' });
  const buffer = new TrailBuffer();
  let map = null;

  function paint() {
    const on = box.checked && trailsApply(map);
    plot.setTrails(on ? buffer.frames : null, trailAlpha);
    note.dataset.state = !box.checked ? 'off' : trailsApply(map) ? 'on' : 'projected';
    note.textContent = !box.checked
      ? 'Trails are off.'
      : !map || trailsApply(map)
        ? `Trails: each dot’s last ${TRAIL_LENGTH} places, one a second while it trains, fading with age.`
        : 'Trails are drawn only for a code of 1 or 2 numbers. This plot is a projection fitted again at every ' +
          'refresh, so a dot’s movement here would mix what the network learned with the projection turning.';
  }
  box.addEventListener('change', paint);
  paint();

  return {
    toggle,
    note,
    buffer,
    /** A new map: its points join the trails (or end them, for a projection). */
    show(m) {
      map = m;
      if (trailsApply(m)) buffer.push(m.points);
      else buffer.clear();
      paint();
    },
    /** A new run: no trails until the next map. */
    clear() {
      map = null;
      buffer.clear();
      paint();
    },
  };
}
