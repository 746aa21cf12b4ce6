// What the latent map's colours stand for: the ten digits, or the labels of
// the person's own data (their names from the data, worker/data-source.js
// labelNames), or nothing when the data has none (one colour for every dot).
// Also which validation rows the interpolation card offers as ends. Pure but
// for `labelColours`, which reads the theme (node tests the rest).

import { digitColours } from '../../draw/colour-maps.js';

const DIGITS = Array.from({ length: 10 }, (_, d) => String(d));

/**
 * The classes of the data described by `data` (null: the digits):
 * { names, labelled, one, many } where `names[l]` is label l's name (one unnamed class when there are no labels),
 * `one` and `many` what a row is called (digit, image, row).
 */
export function classesOf(data) {
  if (!data) return { names: DIGITS, labelled: true, one: 'digit', many: 'digits' };
  const [one, many] = data.view === 'image' ? ['image', 'images'] : ['row', 'rows'];
  const labelled = (data.labelNames?.length ?? 0) > 0;
  return { names: labelled ? data.labelNames.map(String) : [''], labelled, one, many };
}

/** The theme's colour for each class: the ten class colours, repeated past ten. */
export function labelColours(count) {
  const c = digitColours();
  return Array.from({ length: Math.max(1, count) }, (_, l) => c[l % c.length]);
}

/** How validation row `index` (its label `label`) is named in a sentence: "a 3", or "row 12 (usual)". */
export function rowName(classes, index, label) {
  if (classes.one === 'digit') return `a ${label}`;
  const name = `${classes.one} ${index + 1}`;
  return classes.labelled ? `${name} (${classes.names[label] ?? label})` : name;
}

/**
 * The validation rows offered as the interpolation's ends, at most `count`: for the digits the first of each
 * digit 0–9 (0 when a digit is missing), for other data the first rows taken in turn from each label
 * (the first row of each label, then the second of each, …), or the first rows when there are no labels.
 * -> [{ index, label }]
 */
export function pickRows(classes, labels, count = 10) {
  if (classes.one === 'digit') {
    return DIGITS.map((_, d) => ({ index: Math.max(labels.indexOf(d), 0), label: d }));
  }
  const byLabel = new Map();
  labels.forEach((l, i) => {
    if (!byLabel.has(l)) byLabel.set(l, []);
    byLabel.get(l).push(i);
  });
  const groups = [...byLabel.keys()].sort((a, b) => a - b).map((l) => byLabel.get(l));
  const out = [];
  for (let turn = 0; out.length < Math.min(count, labels.length); turn++) {
    for (const g of groups)
      if (turn < g.length && out.length < count) out.push({ index: g[turn], label: labels[g[turn]] });
  }
  return out;
}

const short = (v) => String(+v.toPrecision(3)).replace('-', '−');

/**
 * The first `count` values of a table's row at `offset` of `values`, in the table's own units (its
 * columns are standardised for the network: worker/data-source.js mean and deviation), e.g. "a 1.2, b 3, …".
 */
export function columnsText(data, values, offset, count = 4) {
  const { columnNames = [], mean = [], deviation = [], width } = data;
  const n = Math.min(count, width);
  const parts = [];
  for (let j = 0; j < n; j++) {
    const v = values[offset + j];
    const shown = Number.isFinite(v) ? short(v * (deviation[j] ?? 1) + (mean[j] ?? 0)) : 'missing';
    parts.push(`${columnNames[j] ?? `column ${j + 1}`} ${shown}`);
  }
  return parts.join(', ') + (width > n ? ', …' : '');
}
