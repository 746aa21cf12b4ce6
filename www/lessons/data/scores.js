// The numbers behind the Your data lesson's anomaly card, pure so node can
// test them: the ROC curve of a score, rows ranked, and the scores as a CSV
// file to download.

import { areaUnder } from '../../charts/roc.js';

/**
 * The ROC curve of flagging rows whose score is at or above a threshold, for
 * every threshold at once (equal scores move together, so ties are a
 * diagonal step). -> { fpr: Float64Array, tpr: Float64Array, auc } from (0, 0)
 * to (1, 1); null when either group is empty.
 */
export function rocCurve(scores, isAnomaly) {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  let pos = 0;
  for (let i = 0; i < scores.length; i++) if (isAnomaly[i]) pos += 1;
  const neg = scores.length - pos;
  if (!pos || !neg) return null;
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    if (isAnomaly[order[k]]) tp += 1;
    else fp += 1;
    const next = order[k + 1];
    if (next !== undefined && scores[next] === scores[order[k]]) continue;
    fpr.push(fp / neg);
    tpr.push(tp / pos);
  }
  const f = Float64Array.from(fpr);
  const t = Float64Array.from(tpr);
  return { fpr: f, tpr: t, auc: areaUnder(f, t) };
}

/** A CSV cell: quoted when it holds a comma, a quote or a line break. */
const cell = (v) => {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(+v.toPrecision(7)) : '') : String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The scored rows as CSV text: row (1-based, in the data's order), label
 * (its name, when there are labels), the anomaly score, then the row's values
 * under their column names (`toOriginal(j, v)` undoes a standardisation; an
 * empty cell where a value is missing). With `filled` (the values with the
 * missing cells filled by the network), those are written instead, and a last
 * column names the cells the network filled.
 */
export function scoresCsv({
  scores,
  labels = null,
  labelNames = [],
  values,
  filled = null,
  width,
  columnNames,
  toOriginal = (_, v) => v,
}) {
  const head = [
    'row',
    ...(labels ? ['label'] : []),
    'anomaly_score',
    ...columnNames.slice(0, width),
    ...(filled ? ['filled_by_network'] : []),
  ];
  const lines = [head.map(cell).join(',')];
  for (let i = 0; i < scores.length; i++) {
    const row = [i + 1];
    if (labels) row.push(labelNames[labels[i]] ?? String(labels[i]));
    row.push(scores[i]);
    const gaps = [];
    for (let j = 0; j < width; j++) {
      const v = values[i * width + j];
      if (Number.isNaN(v)) gaps.push(columnNames[j]);
      const shown = Number.isNaN(v) && filled ? filled[i * width + j] : v;
      row.push(Number.isNaN(shown) ? '' : toOriginal(j, shown));
    }
    if (filled) row.push(gaps.join('; '));
    lines.push(row.map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Column indices of a row's `k` largest squared errors, largest first (missing cells, NaN, never). */
export function worstColumns(errors, k = 3) {
  return Array.from(errors.keys())
    .filter((j) => Number.isFinite(errors[j]))
    .sort((a, b) => errors[b] - errors[a] || a - b)
    .slice(0, k);
}
