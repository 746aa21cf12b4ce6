// Features: are the autoencoder's codes useful inputs for a classifier? The
// same softmax classifier is trained on raw pixels, on PCA components and on
// the codes (as many components as the code has numbers), with every label
// and with only 100, and scored on the test digits: a table and a bar chart,
// with a sentence saying what this run found.

import { h } from '../lib/dom.js';
import { paintGroupedBars } from '../charts/grouped-bars.js';
import { defineLesson } from './kit/lesson.js';
import { picture } from './kit/canvases.js';
import { card, evenCards } from './kit/cards.js';
import { fmtInt, fmtPercent } from './kit/format.js';

/** Training steps before the comparison is offered: an untrained network's codes say little. */
export const MIN_STEPS = 200;
const NAMES = { pixels: 'Raw pixels', pca: 'PCA', codes: 'Autoencoder codes' };
const SHORT = { pixels: 'Pixels', pca: 'PCA', codes: 'Codes' };
const SERIES = [
  { key: 'allLabels', label: 'all 8,000 labels', head: 'All labels', color: '--series-1' },
  { key: 'fewLabels', label: '100 labels', head: '100 labels', color: '--series-2' },
];
const pct = (v) => fmtPercent(v, 1);

/** "3.1 points ahead of", "2.0 points behind" or "level with (within a point of)" for accuracies a and b. */
export function relation(a, b) {
  const d = (a - b) * 100;
  if (Math.abs(d) < 1) return 'level with (within a point of)';
  return `${Math.abs(d).toFixed(1)} points ${d > 0 ? 'ahead of' : 'behind'}`;
}

/** One sentence per label budget on how the codes did against pixels and PCA in `rows` (compareFeatures' answer). */
export function describeComparison(rows) {
  const by = Object.fromEntries(rows.map((r) => [r.features, r]));
  const { pixels, pca, codes } = by;
  if (!pixels || !pca || !codes) return [];
  return SERIES.map(
    ({ key, label }) =>
      `With ${label}: codes ${pct(codes[key])}, pixels ${pct(pixels[key])}, PCA ${pct(pca[key])}. ` +
      `The ${codes.dims} codes are ${relation(codes[key], pixels[key])} the ${pixels.dims} pixels and ${relation(codes[key], pca[key])} ${pca.dims} PCA components.`,
  );
}

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain() {
  return {
    body: [
      'An autoencoder never sees a label, yet its code has to keep what distinguishes one digit from another to rebuild it. ' +
        'Feeding the codes to a simple classifier measures how much of that is there. This is the idea behind self-supervised ' +
        'pre-training: learn features from plenty of unlabelled data, then train a small model on the few labels you have.',
      'The classifier is a softmax (multinomial logistic) regression: one linear layer, on standardised features. ' +
        'PCA with as many components as the code is the classic linear baseline at the same size.',
      'What the engine measured (784-128-16 autoencoder after 600 steps): with 100 labels, codes 78.8%, pixels 77.0%, PCA 73.1%; ' +
        'with all labels, pixels 89.3%, codes 87.3%, PCA 85.6%. So: with few labels the 16 codes roughly match all 784 pixels ' +
        'and beat PCA; with every label the pixels win, because a linear classifier with 784 inputs has more to work with. ' +
        'Your run will differ a little; the sentence above the table says what it found.',
    ],
    tryThis: [
      'Run the comparison early (200 steps) and again after 2,000: do the codes get more useful as the reconstruction improves?',
      'Try a code of 2 or of 64 numbers (the latent size). PCA gets the same number of components.',
      'Switch the activation to “None (linear)”: a linear autoencoder learns PCA’s subspace, so the two rows should come close.',
    ],
    interview: [
      [
        'Why compare with PCA at the same size?',
        'It separates what the network learned from the simple fact of having fewer numbers: PCA is the best linear code of that size for reconstruction.',
      ],
      [
        'Why do codes help most with few labels?',
        'With 100 labels a 784-input classifier has far more weights than examples and overfits; a short, informative code leaves fewer weights to fit.',
      ],
      [
        'Is a good reconstruction a good feature?',
        'Not necessarily: the loss rewards pixel detail, not class information. Denoising or contrastive objectives often give better features.',
      ],
    ],
  };
}

function view(lesson) {
  const { client } = lesson;
  let running = false;
  let result = null; // { rows, step }
  let timer = 0;

  const training = lesson.trainingCard({ title: 'Reconstruction error' });
  const button = h(
    'button',
    { type: 'button', class: 'button primary', id: 'run-compare', disabled: true },
    'Run comparison',
  );
  const status = h('p', { class: 'hint', id: 'compare-status', 'aria-live': 'polite', dataset: { state: 'idle' } });
  const verdict = h('div', { class: 'verdict', id: 'compare-verdict' });
  const tbody = h('tbody', {});
  const table = h(
    'table',
    { class: 'data-table', id: 'features-table' },
    h('caption', {}, 'Test accuracy of the classifier'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Features'),
        h('th', { scope: 'col', title: 'Numbers per digit' }, 'Size'),
        ...SERIES.map((s) =>
          h(
            'th',
            { scope: 'col', title: `Trained with ${s.label}` },
            h('span', { class: `swatch ${s.key === 'allLabels' ? 's1' : 's2'}` }, s.head),
          ),
        ),
      ),
    ),
    tbody,
  );
  const bars = picture('features-bars', 'group-bars', 'Test accuracy of the classifier on each kind of features');

  lesson.show(
    evenCards(
      training.el,
      card(
        {
          id: 'compare-title',
          title: 'Softmax classifier on three kinds of features',
          hint:
            'Trains the same classifier six times (three feature sets, two label budgets) and scores it on the 1,000 test digits. ' +
            'It takes a few seconds, during which training waits.',
          className: 'compare-card',
        },
        h(
          'p',
          { class: 'hint' },
          'What the engine found on a 784-128-16 network: with 100 labels the codes roughly match the pixels and beat PCA; ' +
            'with all labels the pixels win. The codes are not promised to win: see what your network does.',
        ),
        h('div', { class: 'compare-actions' }, button, status),
        verdict,
        h('div', { class: 'table-wrap' }, table),
        bars,
      ),
    ),
  );

  function showButton() {
    const ready = lesson.run && lesson.step >= MIN_STEPS;
    button.disabled = !ready || running;
    if (running) return;
    if (!lesson.run) status.textContent = '';
    else if (!ready)
      status.textContent = `Train at least ${MIN_STEPS} steps first (now ${fmtInt(lesson.step)}): an untrained network’s codes are noise.`;
    else if (!result) status.textContent = 'Ready.';
  }

  function show() {
    tbody.replaceChildren();
    verdict.replaceChildren();
    if (!result) {
      bars.getContext('2d').clearRect(0, 0, bars.width, bars.height);
      bars.dataset.painted = 'false';
      return;
    }
    for (const r of result.rows) {
      tbody.append(
        h(
          'tr',
          { dataset: { features: r.features } },
          h('th', { scope: 'row' }, NAMES[r.features] ?? r.features),
          h('td', {}, fmtInt(r.dims)),
          ...SERIES.map((s) =>
            h(
              'td',
              { class: s.key === 'allLabels' ? 'all' : 'few', dataset: { value: String(r[s.key]) } },
              pct(r[s.key]),
            ),
          ),
        ),
      );
    }
    verdict.append(
      h('p', { class: 'hint' }, `This run, at step ${fmtInt(result.step)}:`),
      ...describeComparison(result.rows).map((t) => h('p', {}, t)),
    );
    paintGroupedBars(bars, {
      groups: result.rows.map((r) => ({ label: SHORT[r.features] ?? r.features, values: SERIES.map((s) => r[s.key]) })),
      series: SERIES,
    });
  }

  async function compare() {
    if (!lesson.run || running) return;
    const at = lesson.step;
    running = true;
    button.disabled = true;
    status.dataset.state = 'running';
    const t0 = performance.now();
    // The status is live: it says "Training six classifiers…" once; the running seconds are for the eye only.
    const seconds = h('span', { 'aria-hidden': 'true' });
    status.replaceChildren('Training six classifiers… ', seconds);
    const tick = () => {
      seconds.textContent = `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    };
    tick();
    timer = setInterval(tick, 100);
    const forRun = lesson.run;
    try {
      const rows = await lesson.current(client.call('compareFeatures', {}));
      result = { rows, step: at };
      status.dataset.state = 'done';
      status.textContent = `Done in ${((performance.now() - t0) / 1000).toFixed(1)} s.`;
      show();
    } catch (err) {
      if (forRun === lesson.run) {
        status.dataset.state = 'error';
        status.textContent = `The comparison failed: ${err.message}`;
      }
    } finally {
      clearInterval(timer);
      running = false;
      showButton();
    }
  }
  button.addEventListener('click', compare);
  lesson.own(() => clearInterval(timer));

  return {
    reset() {
      result = null;
      running = false;
      clearInterval(timer);
      status.dataset.state = 'idle';
      show();
      showButton();
    },
    invalid: showButton,
    stats: showButton,
  };
}

export default defineLesson({
  id: 'features',
  title: 'Features',
  defaults: { encoder: [128], latent: 16 },
  lead:
    'The autoencoder learns its code without labels. Is that code a good input for a classifier? ' +
    'Compare it with raw pixels and with PCA, using all the labels or only 100. You would use this when labels are scarce and unlabelled data is plentiful.',
  explain,
  view,
});
