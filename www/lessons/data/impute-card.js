// The Your data lesson's imputation card: hide a share of the values of test
// rows the network never trained on, fill them with the training mean, with
// one pass through the network, and with several (each pass feeds its guesses
// back in, the values that are there kept), and compare the errors on the
// hidden values (the engine's imputeReport, as in the Impute lesson). Missing
// cells of a person's own table are filled the same way in the scores' CSV.

import { h } from '../../lib/dom.js';
import { card } from '../kit/cards.js';
import { fmtLoss, fmtPercent } from '../kit/format.js';

const RATES = [0.1, 0.2, 0.4];
const ITERATIONS = 5;
const MAX_ROWS = 500;

/** -> { el, reset(info) } */
export function imputeCard(lesson) {
  const rate = h(
    'select',
    { id: 'data-impute-rate' },
    ...RATES.map((r) => h('option', { value: String(r), selected: r === 0.2 }, `${fmtPercent(r)} of the values`)),
  );
  const button = h('button', { type: 'button', class: 'button small', id: 'data-impute-run' }, 'Hide and fill');
  const result = h('p', { id: 'data-impute-result', role: 'status' });
  const tableNote = h('p', { class: 'hint', id: 'data-impute-table' });
  const el = card(
    { id: 'data-impute-title', title: 'Impute: fill in values that are not there', head: [button], wrap: true },
    h(
      'p',
      { class: 'hint' },
      'Values of test rows are hidden at random and filled three ways: with the training mean, with one pass through the network, and with ' +
        `${ITERATIONS} passes (each feeds its guesses back in). The error is measured on the hidden values only.`,
    ),
    h('label', { class: 'field' }, 'Hide ', rate),
    result,
    tableNote,
  );
  let info = null;

  button.addEventListener('click', async () => {
    const forInfo = info;
    button.disabled = true;
    result.textContent = 'Filling…';
    try {
      const n = Math.max(1, Math.min(MAX_ROWS, Math.max(1, Math.floor(info.rows / 10))));
      const r = await lesson.current(
        lesson.client.call('imputeReport', {
          mask: { kind: 'random', rate: Number(rate.value) },
          iterations: ITERATIONS,
          n,
        }),
      );
      if (forInfo !== info) return;
      result.dataset.mean = String(r.mean);
      result.dataset.iterative = String(r.iterative);
      result.textContent =
        `Error (MSE) on ${fmtPercent(r.missing, 1)} hidden values of ${n} test rows: mean ${fmtLoss(r.mean)}, ` +
        `one pass ${fmtLoss(r.onePass)}, ${ITERATIONS} passes ${fmtLoss(r.iterative)}. ` +
        (r.iterative < r.mean
          ? 'The network fills them better than the mean: it uses what the rest of the row says.'
          : 'Not better than the mean yet: train longer, or the values do not depend on each other.');
    } catch (err) {
      if (forInfo === info) result.textContent = `Could not fill: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  });

  return {
    el,
    reset(next) {
      info = next;
      result.textContent = '';
      tableNote.textContent = info.missing
        ? `Your table has ${info.missing} missing cells: the network fills them the same way, and the scores’ CSV (Anomalies, above) holds its filled values.`
        : '';
      tableNote.hidden = !info.missing;
    },
  };
}
