// The Your data lesson's features card, for data with labels: a softmax
// classifier trained on the raw values, on PCA's components and on the
// network's codes (the engine's compareFeatures, as in the Features lesson),
// with every training label and with 10 per class (or as many as the rarest
// class has); test accuracy of each.
// The network never saw the labels: good codes are what made them easy.

import { h } from '../../lib/dom.js';
import { card } from '../kit/cards.js';
import { fmtInt, fmtPercent } from '../kit/format.js';

const NAMES = { pixels: 'raw values', pca: 'PCA components', codes: 'the network’s codes' };

/** -> { el, reset(info) } ; `run()` asks the worker (it takes seconds) and resolves to compareFeatures' rows. */
export function featuresCard({ run }) {
  const button = h('button', { type: 'button', class: 'button small', id: 'data-features-run' }, 'Compare features');
  const status = h('p', { class: 'hint', id: 'data-features-status', role: 'status' });
  const body = h('tbody');
  const few = h('th', { scope: 'col', id: 'data-features-few' }, '10 labels per class');
  const table = h(
    'table',
    { class: 'data-table', id: 'data-features' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'features'),
        h('th', { scope: 'col' }, 'numbers'),
        h('th', { scope: 'col' }, 'every label'),
        few,
      ),
    ),
    body,
  );
  table.hidden = true;
  const el = card(
    { id: 'data-features-title', title: 'Features: do the codes make the labels easy?', head: [button], wrap: true },
    h(
      'p',
      { class: 'hint' },
      'A simple classifier learns the labels from the raw values, from PCA’s components, and from the network’s codes; its accuracy on the test rows is shown.',
    ),
    status,
    table,
  );
  let info = null;

  button.addEventListener('click', async () => {
    const forInfo = info;
    button.disabled = true;
    status.textContent = 'Training the classifiers…';
    try {
      const rows = await run();
      if (forInfo !== info) return;
      body.replaceChildren(
        ...rows.map((r) =>
          h(
            'tr',
            { dataset: { features: r.features } },
            h('th', { scope: 'row' }, NAMES[r.features] ?? r.features),
            h('td', {}, fmtInt(r.dims)),
            h('td', { dataset: { value: String(r.allLabels) } }, fmtPercent(r.allLabels, 1)),
            h('td', { dataset: { value: String(r.fewLabels) } }, fmtPercent(r.fewLabels, 1)),
          ),
        ),
      );
      const n = rows[0]?.labelsPerClass ?? 10;
      few.textContent = `${n} label${n === 1 ? '' : 's'} per class`;
      table.hidden = false;
      status.textContent = `Test accuracy over ${info.labelNames.length} classes.`;
    } catch (err) {
      if (forInfo === info) status.textContent = `The comparison failed: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  });

  return {
    el,
    reset(next) {
      info = next;
      el.hidden = !(info.labelNames?.length >= 2) || info.kind === 'sensors';
      table.hidden = true;
      body.replaceChildren();
      status.textContent = 'Train a while, then compare.';
    },
  };
}
