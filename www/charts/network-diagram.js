// The network as a diagram: one block per layer, input to output, each with a
// bar as tall as its width is large (the encoder narrowing to the code, the
// decoder widening again), its name, width and activation, and its units for
// one image: a 784-wide layer as a 28×28 picture, any other as a grid of cells
// coloured by value. ReLU units dead on the whole validation set are crossed
// out and counted. Hovering (or focusing and moving with the arrow keys) a unit
// says its value; `onUnit` lets the owner show more (the first layer's weights).
// Painted through the lesson's Pictures, so a theme change repaints it.

import { h } from '../lib/dom.js';
import { diverging } from '../draw/colour-maps.js';
import { paintImage } from '../draw/images.js';
import { colourScale, gridShape, unitAt } from '../lessons/inside/architecture.js';

const CELL = 8; // canvas pixels per unit of a hidden layer

const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(3) : v.toExponential(2)) : '–');

export class NetworkDiagram {
  /**
   * @param {HTMLElement} container
   * @param {{ pictures: import('../lessons/kit/pictures.js').Pictures, onUnit?: (layer, unit, value) => void }} options
   */
  constructor(container, { pictures, onUnit = () => {} }) {
    this.pictures = pictures;
    this.onUnit = onUnit;
    this.el = h('div', {
      class: 'network-diagram',
      id: 'network-diagram',
      role: 'group',
      'aria-label': 'The network, layer by layer',
    });
    this.tip = h('p', { class: 'nd-tip', id: 'nd-tip', 'aria-live': 'off' }, 'Hover a unit to see its value.');
    container.append(this.el, this.tip);
    this.blocks = new Map(); // name -> { el, canvas, dead, layer, values, deadMask }
  }

  /** Draws the blocks of `layers` ([{ name, kind, width, activation }], kit/inside architecture()). */
  setLayers(layers) {
    const key = layers.map((l) => `${l.name}:${l.width}:${l.activation}`).join();
    if (key === this.key) return;
    this.key = key;
    this.el.replaceChildren();
    this.blocks.clear();
    const max = Math.max(...layers.map((l) => l.width));
    for (const layer of layers) {
      const shape = { ...gridShape(layer.width), width: layer.width };
      const image = layer.width === 784;
      const canvas = h('canvas', {
        class: image ? 'nd-units digit-canvas' : 'nd-units',
        width: image ? 28 : shape.cols * CELL,
        height: image ? 28 : shape.rows * CELL,
        role: 'img',
        tabindex: '0',
        'aria-label': `${layer.name}: ${layer.width} units, not yet shown`,
      });
      const dead = h('span', { class: 'nd-dead', hidden: true }, '');
      const el = h(
        'figure',
        {
          class: `nd-layer nd-${layer.kind}`,
          dataset: { name: layer.name, width: String(layer.width), kind: layer.kind, activation: layer.activation },
          style: `--w: ${(layer.width / max).toFixed(4)}`,
        },
        h('div', { class: 'nd-bar', 'aria-hidden': 'true' }),
        canvas,
        h('figcaption', {}, h('strong', {}, layer.name), h('span', {}, `${layer.width} · ${layer.activation}`), dead),
      );
      const block = { el, canvas, dead, layer, shape, values: null, deadMask: null, focus: 0 };
      this.#hover(block);
      this.blocks.set(layer.name, block);
      this.el.append(el);
    }
  }

  /** Every layer's values for one image: [{ name, values }] (the engine's activations().layers). */
  setActivations(list) {
    for (const { name, values } of list) {
      const b = this.blocks.get(name);
      if (!b || values.length !== b.layer.width) continue;
      b.values = values;
      this.#paint(b);
    }
  }

  /** The dead units: [{ name, dead: Uint8Array (empty: not a ReLU layer), count }] (the engine's deadUnits().layers). */
  setDead(list) {
    let total = 0;
    for (const { name, dead, count } of list) {
      const b = this.blocks.get(name);
      if (!b) continue;
      b.deadMask = dead?.length === b.layer.width ? dead : null;
      b.dead.hidden = !b.deadMask;
      b.dead.textContent = b.deadMask ? `${count} dead` : '';
      b.el.dataset.dead = b.deadMask ? String(count) : '';
      if (b.deadMask) total += count;
      if (b.values) this.#paint(b);
    }
    this.el.dataset.dead = String(total);
    return total;
  }

  /** Forgets the values (a new run). */
  clear() {
    for (const b of this.blocks.values()) {
      b.values = null;
      b.deadMask = null;
      b.dead.hidden = true;
      delete b.canvas.dataset.painted;
      delete this.el.dataset.dead;
    }
  }

  #paint(b) {
    const { canvas, values, layer, shape } = b;
    this.pictures.draw(canvas, (p) => {
      if (layer.width === 784) {
        const { scale } = colourScale(values, layer.activation);
        const v = scale === 1 ? values : values.map((x) => x / scale);
        paintImage(canvas, v, { palette: p.digits });
      } else paintCells(canvas, values, b.deadMask, shape, layer.activation, p);
      canvas.dataset.painted = 'true';
    });
    const dead = b.deadMask ? `, ${b.dead.textContent}` : '';
    canvas.setAttribute('aria-label', `${layer.name}: ${layer.width} units (${layer.activation})${dead}`);
  }

  #hover(b) {
    const say = (i) => {
      if (i < 0 || !b.values) return;
      b.focus = i;
      const dead = b.deadMask?.[i] ? ' (dead on every validation digit)' : '';
      this.tip.textContent = `${b.layer.name}, unit ${i}: ${fmt(b.values[i])}${dead}`;
      this.tip.dataset.layer = b.layer.name;
      this.tip.dataset.unit = String(i);
      this.tip.dataset.value = String(b.values[i]);
      this.onUnit(b.layer, i, b.values[i]);
    };
    b.canvas.addEventListener('pointermove', (e) => {
      const r = b.canvas.getBoundingClientRect();
      say(unitAt(e.clientX - r.left, e.clientY - r.top, b.shape, r.width, r.height));
    });
    b.canvas.addEventListener('focus', () => say(b.focus));
    b.canvas.addEventListener('keydown', (e) => {
      const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: b.shape.cols, ArrowUp: -b.shape.cols }[e.key];
      if (!step) return;
      e.preventDefault();
      say(Math.max(0, Math.min(b.layer.width - 1, b.focus + step)));
    });
  }
}

/** A hidden layer's units as cells: heat for non-negative values, diverging for signed ones; dead cells crossed. */
function paintCells(canvas, values, deadMask, { cols }, activation, palettes) {
  const ctx = canvas.getContext('2d');
  const { signed, scale } = colourScale(values, activation);
  const { paper, ink } = palettes.heat;
  ctx.fillStyle = `rgb(${paper.join(',')})`;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  for (let i = 0; i < values.length; i++) {
    const t = values[i] / scale;
    let c;
    if (signed) c = diverging(t, palettes.diverging);
    else {
      const a = Math.max(0, Math.min(1, t));
      c = [0, 1, 2].map((k) => Math.round(paper[k] + (ink[k] - paper[k]) * a));
    }
    const x = (i % cols) * CELL;
    const y = Math.floor(i / cols) * CELL;
    ctx.fillStyle = `rgb(${c.join(',')})`;
    ctx.fillRect(x, y, CELL - 1, CELL - 1);
    if (deadMask?.[i]) {
      ctx.strokeStyle = `rgb(${palettes.digits.ink.join(',')})`;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x + 1, y + 1);
      ctx.lineTo(x + CELL - 2, y + CELL - 2);
      ctx.moveTo(x + CELL - 2, y + 1);
      ctx.lineTo(x + 1, y + CELL - 2);
      ctx.stroke();
    }
  }
}
