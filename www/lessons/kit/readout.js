// Readouts: a labelled number in a card (a <div class="stat"> holding a <dt>
// and a <dd>), with the raw value in data-value so tests and tools read the
// number, not its rounded text.

import { h } from '../../lib/dom.js';
import { fmtLoss } from './format.js';

/** One readout value: { el, value } where value is the <dd>. */
export function stat(id, label) {
  const value = h('dd', { id }, '–');
  return { el: h('div', { class: 'stat' }, h('dt', {}, label), value), value };
}

/** Shows a number in a readout (null or non-finite: a dash), with the raw value in data-value. */
export function showStat(s, v, format = fmtLoss) {
  if (v == null || !Number.isFinite(v)) {
    s.value.textContent = '–';
    delete s.value.dataset.value;
    return;
  }
  s.value.textContent = format(v);
  s.value.dataset.value = String(v);
}

/** Empties readouts (a new run has no numbers yet). */
export function clearStats(...stats) {
  for (const s of stats) showStat(s, null);
}

/** Readouts in a row: <dl class="stats …">; variant 'inline', 'two' or 'three' picks the layout (www/css/lessons.css). */
export function statList(stats, variant = '') {
  return h('dl', { class: `stats ${variant}`.trim() }, ...stats.map((s) => s.el));
}
