// Text alternatives for what is drawn on a canvas: a chart or a picture says
// in words what it shows now, with its latest values ("Chart of loss (MSE) by
// step: validation loss 0.0144 at step 780, falling"), as the aria-label of an
// element with role="img". A screen reader reads it when the reader reaches
// the picture; it is not a live region, and it changes at a calm pace (at most
// once every two seconds, the latest words always landing), so resting on a
// chart while the network trains is not a stream of interruptions.

import { sig3 } from '../lib/numbers.js';

const PACE_MS = 2000;

/** A number as a reader hears it, to 3 significant digits: 0.0144, 12.3, 1,230. */
export const say = (v) => (Number.isFinite(v) ? sig3(v) : v === Infinity ? 'infinite' : 'none');

/** Which way a value went from `before` to `now`: 'falling', 'rising', or 'steady' within 2%; '' without both. */
export function trend(now, before) {
  if (!Number.isFinite(now) || !Number.isFinite(before)) return '';
  const change = (now - before) / (Math.abs(before) || 1);
  if (Math.abs(change) < 0.02) return 'steady';
  return change < 0 ? 'falling' : 'rising';
}

/**
 * One series in words: its latest value, where, and which way it has gone over about the last tenth of
 * its points. xs and ys are columns (null or non-finite y: no value there). -> '' when it has no value yet.
 * e.g. ('validation loss', steps, vals, 'step') -> 'validation loss 0.0144 at step 780, falling'
 */
export function describeSeries(name, xs, ys, x = 'step') {
  const defined = [];
  for (let i = 0; i < ys.length; i++) if (ys[i] != null && Number.isFinite(ys[i])) defined.push(i);
  if (!defined.length) return '';
  const last = defined.at(-1);
  const back = defined.at(-1 - Math.max(1, Math.floor(defined.length / 10)));
  const way = back === undefined ? '' : trend(ys[last], ys[back]);
  const at = xs[last] == null ? '' : ` at ${x} ${Number.isInteger(xs[last]) ? xs[last] : say(xs[last])}`;
  const sep = /\d$/.test(name) ? ': ' : ' '; // 'PCA, k = 8: 0.0381', not 'PCA, k = 8 0.0381'
  return `${name}${sep}${say(ys[last])}${at}${way ? `, ${way}` : ''}`;
}

const state = new WeakMap(); // element -> { title, last, timer, text }

/**
 * Gives `el` role="img" and the label "title: details" (just the title for empty details), at the calm
 * pace unless `now`. `details` is a string or a function returning one, called only when the label is
 * written. The title is `title` if given, else the label the element had the first time.
 */
export function describe(el, details, { title, now = false } = {}) {
  let s = state.get(el);
  if (!s) {
    // last: never labelled, so the first label is written at once (0 would hold it back until the page is 2 s old).
    s = { title: el.getAttribute('aria-label') ?? '', last: Number.NEGATIVE_INFINITY, timer: 0, details: '' };
    state.set(el, s);
    if (!el.hasAttribute('role')) el.setAttribute('role', 'img');
  }
  if (title != null) s.title = title;
  s.details = details;
  if (s.timer && !now) return;
  clearTimeout(s.timer);
  const wait = now ? 0 : Math.max(0, s.last + PACE_MS - performance.now());
  const apply = () => {
    s.timer = 0;
    s.last = performance.now();
    const words = typeof s.details === 'function' ? s.details() : s.details;
    const text = !words ? s.title : /[.!?]$/.test(s.title) ? `${s.title} ${words}` : `${s.title}: ${words}`;
    if (el.getAttribute('aria-label') !== text) el.setAttribute('aria-label', text);
  };
  if (wait > 0) s.timer = setTimeout(apply, wait);
  else apply();
}
