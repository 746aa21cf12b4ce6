// Canvases a lesson paints on: a picture sized by CSS (a chart, a mosaic, a
// map), one 28×28 digit upscaled crisply by CSS, a captioned figure, and
// labelled rows of digits, every row the same length (originals over
// reconstructions, a path between two digits, ...). Each is an image to
// assistive technology, with a label saying what it shows.

import { h } from '../../lib/dom.js';
import { SIDE } from '../../lib/mnist.js';

/** A canvas showing a picture: `label` says what it shows; `attrs` adds attributes (tabindex, size...). */
export function picture(id, className, label, attrs = {}) {
  return h('canvas', { id, class: className, role: 'img', 'aria-label': label, ...attrs });
}

/** A 28×28 canvas, upscaled crisply by CSS. */
export function digitCanvas(attrs = {}) {
  return h('canvas', { class: 'digit-canvas', width: SIDE, height: SIDE, role: 'img', ...attrs });
}

/** A <figure> with a caption. */
export function figure(canvas, caption) {
  return h('figure', { class: 'digit' }, canvas, h('figcaption', {}, caption));
}

/**
 * Rows of digits with a label in front of each, all rows the same length:
 * rows = [{ id, label, className? }] -> { el, rows: { id: canvas[] } }.
 */
export function digitRows(count, rows, { describe = (row, i) => `${row.label}, digit ${i + 1}` } = {}) {
  const el = h('div', { class: 'digit-rows', style: `--cols: ${count}` });
  const out = {};
  for (const row of rows) {
    const canvases = [];
    const strip = h('div', { class: 'digit-strip', id: row.id });
    for (let i = 0; i < count; i++) {
      const c = digitCanvas({ class: `digit-canvas ${row.className ?? ''}`, 'aria-label': describe(row, i) });
      canvases.push(c);
      strip.append(c);
    }
    el.append(h('div', { class: 'row-label' }, row.label), strip);
    out[row.id] = canvases;
  }
  return { el, rows: out };
}
