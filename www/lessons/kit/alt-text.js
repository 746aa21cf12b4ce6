// Words for a lesson's pictures, for their text alternatives (lesson.describe;
// the charts describe themselves: charts/describe.js). A row of digits is
// read as which digits it holds and, for a row of answers compared with the
// originals, how far they are from them and from which training step.

import { say } from '../../charts/describe.js';
import { mse } from './pixels.js';
import { grouped } from '../../lib/numbers.js';

/** The step pictures were made at: 'at step 780', or 'before training'. */
export const atStep = (step) => (step > 0 ? `at step ${grouped(step)}` : 'before training');

/** Labels as a list: '7, 2, 1 and 0' ('' for none). */
export function listLabels(labels) {
  const all = Array.from(labels ?? [], String);
  return all.length < 2 ? (all[0] ?? '') : `${all.slice(0, -1).join(', ')} and ${all.at(-1)}`;
}

/**
 * How far the digits on `row` are from those on `reference` (canvases, digit by digit, as painted
 * through `pictures`). -> { mean, worst, worstError, step } (worst: the index), or null while either
 * row is blank.
 */
export function rowError(pictures, row, reference) {
  let sum = 0;
  let worst = -1;
  let worstError = -Infinity;
  let step = Infinity;
  for (let i = 0; i < row.length; i++) {
    const a = pictures.shownOn(row[i]);
    const b = pictures.shownOn(reference[i]);
    if (!a?.pixels || !b?.pixels) return null;
    const e = mse(a.pixels, b.pixels);
    sum += e;
    if (e > worstError) [worst, worstError] = [i, e];
    step = Math.min(step, a.step);
  }
  return row.length ? { mean: sum / row.length, worst, worstError, step } : null;
}

/**
 * Rows of digits in words: which digits, then for each row compared with another its mean squared
 * error and its worst digit, at the step it shows.
 * @param {{ pictures, labels: ArrayLike<number>|null, names?: string[], rows: Array<{ name: string, canvases, against?, fixed? }> }} spec
 *   labels: the digits' classes (the validation digits'), null while not loaded; names: the classes' names on
 *   a person's data (lesson.data.labelNames; then its rows are called images or rows, by pictures.shape);
 *   against: the row it copies; fixed: the row does not change with training (no step is given)
 */
export function digitRowsWords({ pictures, labels, names = null, rows }) {
  const count = rows[0]?.canvases.length ?? 0;
  // On a person's data (names given, [] without labels) its pictures are images, its other rows rows.
  const noun = names == null ? 'digit' : pictures.shape?.kind === 'image' ? 'image' : 'row';
  const named = (l) => (names?.length ? (names[l] ?? String(l)) : String(l));
  const classes = labels ? Array.from(labels).slice(0, count).map(named) : null;
  const which = classes ? `${count} ${noun}s: ${listLabels(classes)}` : `${count} ${noun}s`;
  const parts = [`${which}. Rows: ${rows.map((r) => r.name).join('; ')}`];
  const cap = (t) => t.charAt(0).toUpperCase() + t.slice(1);
  for (const r of rows) {
    if (!r.against) continue;
    const e = rowError(pictures, r.canvases, r.against);
    if (!e) {
      parts.push(`${cap(r.name)}: not shown yet`);
      continue;
    }
    const worst = classes ? `${noun} ${e.worst + 1} (a ${classes[e.worst]})` : `${noun} ${e.worst + 1}`;
    const when = r.fixed ? '' : ` ${atStep(e.step)}`;
    parts.push(
      `${cap(r.name)}${when}: mean squared error ${say(e.mean)}, the largest ${say(e.worstError)} on ${worst}`,
    );
  }
  return parts.join('. ');
}
