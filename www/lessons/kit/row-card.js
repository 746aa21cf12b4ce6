// The draw-pad card's stand-in when a lesson trains on the person's own data
// that is not drawn like the digits (a table, signals, pictures of another
// size or in colour): nothing can be drawn, so the card holds one validation
// row instead, picked with Next row, and shows it large (a chart of its
// values with the network's answer over it, or the picture) beside the same
// stages as the pad. It keeps the pad card's shape ({ el, canvases, message,
// drawing, version, show, destroy }), so a lesson uses either without asking.

import { h } from '../../lib/dom.js';
import { describe } from '../../charts/describe.js';
import { paintRow } from '../data/row-chart.js';
import { figure, digitCanvas, picture } from './canvases.js';
import { card } from './cards.js';
import { calmLive } from './calm-live.js';
import { stageInWords } from './pad-card.js';

/** The stages' captions said of a row rather than a drawing. */
function rowCaption(caption) {
  return caption.replace(/\s*\(28×28\)/, '').replace(/^Your drawing$/, 'The row');
}

/**
 * @param {{
 *   pictures: import('./pictures.js').Pictures,   paints the stages (their shape is the data's)
 *   info: object,            the data's info (worker/data-source.js): how the large view draws a row
 *   stages: Array<{ id: string, caption: string, label: string }>,  as the pad card's; the first shows the row
 *   onChange: (row: Float32Array|null) => void,
 *   sampleDigit: () => Float32Array|null,   the next validation row
 * }} options
 */
export function rowCard({ pictures, info, stages, onChange, sampleDigit }) {
  const image = info.view === 'image';
  const large = image
    ? picture('pad', 'pad digit-canvas', 'The chosen image of your data, large')
    : picture('pad', 'pad row-chart', 'The chosen row of your data as a chart');
  const canvases = {};
  const side = h('div', { class: stages.length > 2 ? 'pad-side many' : 'pad-side' });
  for (const s of stages) {
    canvases[s.id] = digitCanvas({ id: s.id, class: 'digit-canvas large', 'aria-label': rowCaption(s.label) });
    side.append(figure(canvases[s.id], rowCaption(s.caption)));
  }
  const message = h('p', { class: 'pad-error', id: 'pad-error' }, 'Loading the validation rows…');
  const calm = calmLive(message);
  const next = h(
    'button',
    { type: 'button', class: 'button small', id: 'pad-sample', title: 'Show the next validation row' },
    image ? 'Next image' : 'Next row',
  );
  const clear = h('button', { type: 'button', class: 'button small', id: 'pad-clear' }, 'Clear');
  const shownValues = {}; // stage id -> the values it shows; the chart draws the last stage's over the row
  const answer = () => {
    for (const s of stages.slice(1).reverse()) if (shownValues[s.id]) return shownValues[s.id];
    return null;
  };

  const view = {
    el: card(
      { id: 'pad-title', title: image ? 'One of your images' : 'One row of your data', className: 'pad-card row-card' },
      h('div', { class: 'pad-row' }, h('div', { class: 'pad-wrap' }, large), side),
      h('div', { class: 'pad-actions' }, clear, next, message),
      h(
        'p',
        { class: 'hint pad-hint' },
        image
          ? 'Your images cannot be drawn on a pad, so this card shows one of the validation images the network never trains on.'
          : `A row of ${info.width} numbers cannot be drawn on a pad, so this card shows one validation row the network never trains on: ` +
              'in the small pictures each number is a cell, blue below zero and red above; the chart shows the row (dark) and the answer (coloured).',
      ),
    ),
    canvases,
    message,
    /** The chosen row's values, or null before the rows load or after Clear. */
    drawing: null,
    version: 0,
    show(id, values, offset = 0) {
      pictures.digit(canvases[id], values, { offset });
      describe(canvases[id], () => stageWords(id));
      if (id !== stages[0].id) {
        shownValues[id] = values ? values.slice(offset, offset + pictures.size) : null;
        paintLarge();
      }
    },
    /** The validation rows are there: show the first. */
    rowsLoaded() {
      if (!view.drawing) pick(sampleDigit());
    },
    destroy: () => calm.disconnect(),
  };

  const stageWords = (id) => stageInWords(pictures, canvases, stages, id, 'the row');

  function paintLarge() {
    if (image) {
      pictures.digit(large, view.drawing);
      return;
    }
    if (view.drawing) paintRow(large, { values: view.drawing, recon: answer(), info, name: 'The chosen row' });
  }

  function pick(row) {
    view.version += 1;
    view.drawing = row ? row.slice() : null;
    for (const id of Object.keys(shownValues)) shownValues[id] = null;
    view.show(stages[0].id, view.drawing);
    for (const s of stages.slice(1)) view.show(s.id, null);
    paintLarge();
    message.textContent = '';
    if (!row) {
      const ctx = image ? null : large.getContext('2d');
      ctx?.clearRect(0, 0, large.width, large.height);
      message.textContent = image ? 'Press Next image to show one.' : 'Press Next row to show one.';
    }
    onChange(view.drawing);
  }

  next.addEventListener('click', () => pick(sampleDigit()));
  clear.addEventListener('click', () => pick(null));
  view.show(stages[0].id, null);
  return view;
}
