// The draw-pad card: a pad to draw a digit on, the stages the network's answer
// goes through (input, maybe a corrupted copy, its reconstruction), Clear and
// Sample buttons, and a line of text for the error. The card keeps the drawing
// as 784 pixels (read once per change), a version that tells a late answer for
// an older drawing from a current one, and paints its stages through the
// lesson's pictures, so they follow the theme (the pad retints its own ink).

import { h } from '../../lib/dom.js';
import { PIXELS } from '../../lib/mnist.js';
import { DrawPad } from '../../draw/draw-pad.js';
import { describe, say } from '../../charts/describe.js';
import { figure, digitCanvas, picture } from './canvases.js';
import { card } from './cards.js';
import { atStep } from './alt-text.js';
import { calmLive } from './calm-live.js';
import { mse } from './pixels.js';

/** The usual stages: the drawing as the network sees it, then its reconstruction (arrow before the second). */
export const RECON_STAGES = [
  { id: 'pad-input', caption: 'Input (28×28)', label: 'Your drawing as the network sees it, 28 by 28 pixels' },
  { id: 'pad-recon', caption: 'Reconstruction', label: 'The network’s reconstruction of your drawing' },
];

/**
 * A `sampleDigit` that hands out the first `count` digits of `images()` in
 * turn, so each click of Sample shows another one (fewer if fewer were loaded).
 * @param {() => Float32Array|null} images  `size` values a row (784 a digit); null while not loaded
 */
export function cyclingSampler(images, count, size = PIXELS) {
  let next = 0;
  return () => {
    const all = images();
    if (!all) return null;
    const i = next;
    next = (next + 1) % Math.max(1, Math.min(count, Math.floor(all.length / size)));
    return all.subarray(i * size, (i + 1) * size);
  };
}

/**
 * A stage of a pad-like card in words: empty, or from which step and how far from what the
 * first stage shows (`first`: "your drawing", "the row").
 */
export function stageInWords(pictures, canvases, stages, id, first) {
  const shown = pictures.shownOn(canvases[id]);
  if (!shown?.pixels) return 'empty';
  const input = pictures.shownOn(canvases[stages[0].id])?.pixels;
  if (id === stages[0].id || !input) return 'shown';
  return `${atStep(shown.step)}, mean squared difference from ${first} ${say(mse(shown.pixels, input))}`;
}

function arrow() {
  return h(
    'div',
    { class: 'arrow', 'aria-hidden': 'true' },
    h('span', { class: 'arrow-down' }, '↓ encode · decode ↓'),
    h('span', { class: 'arrow-right' }, h('span', { class: 'arrow-words' }, 'encode · decode '), '→'),
  );
}

/**
 * @param {{
 *   pictures: import('./pictures.js').Pictures,   paints the stages in the theme's colours
 *   stages?: Array<{ id: string, caption: string, label: string }>,  the small canvases, in order; the first shows the drawing
 *   arrowBefore?: number,      index of the stage the encode/decode arrow points at
 *   emptyMessage: string,      shown while nothing is drawn
 *   onChange: (drawing: Float32Array|null) => void,  the drawing changed (at most once per frame while drawing)
 *   sampleDigit: () => Float32Array|null,  a digit for the Sample button
 * }} options
 * -> { el, pad, canvases: { id: canvas }, message, drawing, version, show(id, pixels, offset?), destroy() }
 */
export function padCard({ pictures, stages = RECON_STAGES, arrowBefore = 1, emptyMessage, onChange, sampleDigit }) {
  const padCanvas = picture('pad', 'pad', 'Drawing pad: draw a digit here with a mouse, finger or pen', {
    width: 280,
    height: 280,
    dataset: { empty: 'true' },
  });
  const canvases = {};
  const side = h('div', { class: stages.length > 2 ? 'pad-side many' : 'pad-side' });
  stages.forEach((s, i) => {
    if (i === arrowBefore) side.append(arrow());
    canvases[s.id] = digitCanvas({ id: s.id, class: 'digit-canvas large', 'aria-label': s.label });
    side.append(figure(canvases[s.id], s.caption));
  });
  const message = h('p', { class: 'pad-error', id: 'pad-error' }, emptyMessage);
  const calm = calmLive(message); // the error changes with every refresh: said once it holds still
  const clear = h('button', { type: 'button', class: 'button small', id: 'pad-clear' }, 'Clear');
  const sample = h(
    'button',
    { type: 'button', class: 'button small', id: 'pad-sample', title: 'Put a validation digit on the pad' },
    'Sample digit',
  );

  const view = {
    el: card(
      { id: 'pad-title', title: 'Draw a digit', className: 'pad-card' },
      h('div', { class: 'pad-row' }, h('div', { class: 'pad-wrap' }, padCanvas), side),
      h('div', { class: 'pad-actions' }, clear, sample, message),
      h(
        'p',
        { class: 'hint pad-hint' },
        'Draw with a mouse, finger or pen. Like the MNIST digits, your drawing is cropped, ' +
          'scaled to fit 20×20 pixels and centred by its centre of mass in a 28×28 image.',
      ),
    ),
    canvases,
    message,
    /** The drawing as 784 pixels, or null while the pad is empty. */
    drawing: null,
    /** Bumped on every change, so an answer for an older drawing is not shown. */
    version: 0,
    /** Paints a stage (and paints it again when the theme changes). */
    show(id, pixels, offset = 0) {
      pictures.digit(canvases[id], pixels, { offset });
      describe(canvases[id], () => stageWords(id));
    },
    destroy: () => {
      pad.destroy();
      calm.disconnect();
    },
  };

  const stageWords = (id) => stageInWords(pictures, canvases, stages, id, 'your drawing');

  /** The first stage shows the drawing; while there is none, every stage is blank and the message says what to do. */
  function showDrawing() {
    describe(padCanvas, view.drawing ? 'holds a drawing' : 'empty');
    view.show(stages[0].id, view.drawing);
    if (view.drawing) return;
    for (const s of stages.slice(1)) view.show(s.id, null);
    message.textContent = emptyMessage;
  }

  const pad = new DrawPad(padCanvas, {
    ink: () => getComputedStyle(padCanvas).color,
    onChange: () => {
      view.version += 1;
      view.drawing = pad.toMnist();
      showDrawing();
      onChange(view.drawing);
    },
  });
  view.pad = pad;
  clear.addEventListener('click', () => pad.clear());
  sample.addEventListener('click', () => {
    const x = sampleDigit();
    if (x) pad.showDigit(x);
  });
  showDrawing();
  return view;
}
