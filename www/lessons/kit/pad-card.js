// The draw-pad card: a pad to draw a digit on, the stages the network's answer
// goes through (input, maybe a corrupted copy, its reconstruction), Clear and
// Sample buttons, and a line of text for the error.

import { h } from '../../lib/dom.js';
import { DrawPad } from '../../draw/draw-pad.js';
import { PIXELS, figure } from './common.js';

/** The usual stages: the drawing as the network sees it, then its reconstruction (arrow before the second). */
export const RECON_STAGES = [
  { id: 'pad-input', caption: 'Input (28×28)', label: 'Your drawing as the network sees it, 28 by 28 pixels' },
  { id: 'pad-recon', caption: 'Reconstruction', label: 'The network’s reconstruction of your drawing' },
];

/**
 * @param {{
 *   stages: Array<{ id: string, caption: string, label: string }>,  the small canvases, in order
 *   arrowBefore: number,       index of the stage the encode/decode arrow points at
 *   emptyMessage: string,      shown while nothing is drawn
 *   onChange: () => void,      the drawing changed (at most once per frame while drawing)
 *   sampleDigit: () => Float32Array|null,  a digit for the Sample button
 * }} options
 * -> { el, pad, canvases: { id: canvas }, message: HTMLElement, destroy() }
 */
export function padCard({ stages, arrowBefore, emptyMessage, onChange, sampleDigit }) {
  const padCanvas = h('canvas', {
    id: 'pad',
    class: 'pad',
    width: 280,
    height: 280,
    role: 'img',
    'aria-label': 'Drawing pad: draw a digit here with a mouse, finger or pen',
    dataset: { empty: 'true' },
  });
  const canvases = {};
  const side = h('div', { class: 'pad-side' });
  stages.forEach((s, i) => {
    if (i === arrowBefore) {
      side.append(
        h(
          'div',
          { class: 'arrow', 'aria-hidden': 'true' },
          h('span', { class: 'arrow-down' }, '↓ encode · decode ↓'),
          h('span', { class: 'arrow-right' }, h('span', { class: 'arrow-words' }, 'encode · decode '), '→'),
        ),
      );
    }
    canvases[s.id] = h('canvas', {
      id: s.id,
      class: 'digit-canvas large',
      width: 28,
      height: 28,
      role: 'img',
      'aria-label': s.label,
    });
    side.append(figure(canvases[s.id], s.caption));
  });
  if (stages.length > 2) side.classList.add('many');
  const message = h('p', { class: 'pad-error', id: 'pad-error', 'aria-live': 'polite' }, emptyMessage);
  const clear = h('button', { type: 'button', class: 'button small', id: 'pad-clear' }, 'Clear');
  const sample = h(
    'button',
    { type: 'button', class: 'button small', id: 'pad-sample', title: 'Put a validation digit on the pad' },
    'Sample digit',
  );

  const el = h(
    'section',
    { class: 'card pad-card', 'aria-labelledby': 'pad-title' },
    h('h3', { id: 'pad-title' }, 'Draw a digit'),
    h('div', { class: 'pad-row' }, h('div', { class: 'pad-wrap' }, padCanvas), side),
    h('div', { class: 'pad-actions' }, clear, sample, message),
    h(
      'p',
      { class: 'hint pad-hint' },
      'Draw with a mouse, finger or pen. Like the MNIST digits, your drawing is cropped, ' +
        'scaled to fit 20×20 pixels and centred by its centre of mass in a 28×28 image.',
    ),
  );

  const pad = new DrawPad(padCanvas, { ink: () => getComputedStyle(padCanvas).color, onChange });
  clear.addEventListener('click', () => pad.clear());
  sample.addEventListener('click', () => {
    const x = sampleDigit();
    if (x) pad.showDigit(x);
  });
  return { el, pad, canvases, message, destroy: () => pad.destroy() };
}

/**
 * A `sampleDigit` for padCard that hands out the first `count` digits of
 * `images()` in turn, so each click of Sample shows another one.
 * @param {() => Float32Array|null} images  784 pixels a digit; null while not loaded
 */
export function cyclingSampler(images, count) {
  let next = 0;
  return () => {
    const all = images();
    if (!all) return null;
    const i = next;
    next = (next + 1) % count;
    return all.subarray(i * PIXELS, (i + 1) * PIXELS);
  };
}
