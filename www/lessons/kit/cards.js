// The cards a lesson's parts sit in: a titled <section class="card"> (its
// <h3> labels it for screen readers), with an optional hint line and things
// beside the title, and the rows that lay cards side by side.

import { h } from '../../lib/dom.js';

/**
 * @param {{ id: string, title: string, hint?: string, head?: Node[], wrap?: boolean, className?: string }} heading
 *   id: the <h3>'s id; head: nodes beside the title (a button, inline readouts), wrapping under it when `wrap`
 * @param {...Node} parts  the card's content, after the title and hint
 */
export function card({ id, title, hint, head = [], wrap = false, className = '' }, ...parts) {
  const heading = h('h3', { id }, title);
  return h(
    'section',
    { class: `card ${className}`.trim(), 'aria-labelledby': id },
    head.length ? h('div', { class: wrap ? 'card-head wrap' : 'card-head' }, heading, ...head) : heading,
    hint ? h('p', { class: 'hint' }, hint) : null,
    ...parts,
  );
}

/** Cards side by side, the first (a pad, say) narrower. */
export const cards = (...parts) => h('div', { class: 'cards' }, ...parts);

/** Cards side by side in equal columns. */
export const evenCards = (...parts) => h('div', { class: 'cards even' }, ...parts);
