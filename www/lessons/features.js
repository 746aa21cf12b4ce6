// Features: are the autoencoder's codes useful inputs for a classifier? The
// same softmax classifier is trained on raw pixels, on PCA components and on
// the codes (as many components as the code has numbers), with every label
// and with only 100, and scored on the test digits: a table and a bar chart,
// with a sentence saying what this run found.
// On a person's own data (with labels) the classes are its labels: the raw
// features are its values, the few labels are 10 per class (fewer when a
// class has fewer training rows), and the scores are on its test rows.

import { h } from '../lib/dom.js';
import { paintGroupedBars } from '../charts/grouped-bars.js';
import { defineLesson } from './kit/lesson.js';
import { picture } from './kit/canvases.js';
import { card, evenCards } from './kit/cards.js';
import { fmtInt, fmtPercent } from './kit/format.js';
import { lessonInfo } from '../state/own-data.js';

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

/**
 * One sentence per label budget on how the codes did against the raw features and PCA in `rows`
 * (compareFeatures' answer); `series` names the budgets and `raw` the raw features (the digits' by default).
 */
export function describeComparison(rows, { series = SERIES, raw = 'pixels' } = {}) {
  const by = Object.fromEntries(rows.map((r) => [r.features, r]));
  const { pixels, pca, codes } = by;
  if (!pixels || !pca || !codes) return [];
  return series.map(
    ({ key, label }) =>
      `With ${label}: codes ${pct(codes[key])}, ${raw} ${pct(pixels[key])}, PCA ${pct(pca[key])}. ` +
      `The ${codes.dims} codes are ${relation(codes[key], pixels[key])} the ${pixels.dims} ${raw} and ${relation(codes[key], pca[key])} ${pca.dims} PCA components.`,
  );
}

/** Labels per class in the few-labels budget on a person's data (the engine's default; fewer when a class has fewer). */
const PER_CLASS = 10;
/** Rows this wide make the PCA baseline slow in the browser (about 3 minutes at 3,072 values, 6 s at 784). */
const SLOW_WIDTH = 1500;

/**
 * The label budgets as shown for a person's data `info`: every training label, and `perClass`
 * labels of each of its classes (the engine's answer says how many it could take).
 */
function ownSeries(info, perClass = PER_CLASS) {
  const classes = info.labelNames.length;
  const few = `${perClass} label${perClass === 1 ? '' : 's'} per class`;
  return [
    { ...SERIES[0], label: `all ${fmtInt(info.trainRows)} labels` },
    { ...SERIES[1], label: `${few} (${fmtInt(perClass * classes)})`, head: few },
  ];
}

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain(lesson) {
  const own = Boolean(lesson?.data);
  return {
    body: [
      `An autoencoder never sees a label, yet its code has to keep what distinguishes one ${own ? 'class' : 'digit'} from another to rebuild it. ` +
        'Feeding the codes to a simple classifier measures how much of that is there. This is the idea behind self-supervised ' +
        'pre-training: learn features from plenty of unlabelled data, then train a small model on the few labels you have.',
      'The classifier is a softmax (multinomial logistic) regression: one linear layer, on standardised features. ' +
        'PCA with as many components as the code is the classic linear baseline at the same size.',
      `What the engine measured${own ? ' on the digits' : ''} (784-128-16 autoencoder after 600 steps): with 100 labels, codes 78.8%, pixels 77.0%, PCA 73.1%; ` +
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
  // A person's own data with labels (a table, signals, pictures), or null: the digits.
  const own = lesson.data;
  const raw = !own || own.view === 'image' ? 'pixels' : 'values';
  const plural = !own ? 'digits' : own.view === 'image' ? 'images' : 'rows';
  const names = { ...NAMES, pixels: own ? `Raw ${raw}` : NAMES.pixels };
  const short = { ...SHORT, pixels: own ? `${raw[0].toUpperCase()}${raw.slice(1)}` : SHORT.pixels };
  let series = own ? ownSeries(own) : SERIES;
  // The engine keeps a tenth of a person's rows for testing (as many as for validation).
  const tested = own ? (own.rows - own.trainRows) / 2 : 1000;
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
        h('th', { scope: 'col', title: `Numbers per ${plural.slice(0, -1)}` }, 'Size'),
        ...series.map((s) =>
          h(
            'th',
            { scope: 'col', title: `Trained with ${s.label}`, dataset: { budget: s.key } },
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
          hint: own
            ? `Trains the same classifier six times (three feature sets, two label budgets) to tell your ${own.labelNames.length} classes apart, ` +
              `and scores it on the ${fmtInt(tested)} test ${plural}. ` +
              (own.width > SLOW_WIDTH
                ? `With ${fmtInt(own.width)} values per ${plural.slice(0, -1)}, the PCA baseline alone can take minutes here, and training waits meanwhile.`
                : 'It takes a few seconds, during which training waits.')
            : 'Trains the same classifier six times (three feature sets, two label budgets) and scores it on the 1,000 test digits. ' +
              'It takes a few seconds, during which training waits.',
          className: 'compare-card',
        },
        h(
          'p',
          { class: 'hint' },
          own
            ? 'On the digits, with a 784-128-16 network, the engine found that with 100 labels the codes roughly match the pixels and beat PCA, ' +
                'and with all labels the pixels win. Your data may go either way: see what your network does.'
            : 'What the engine found on a 784-128-16 network: with 100 labels the codes roughly match the pixels and beat PCA; ' +
                'with all labels the pixels win. The codes are not promised to win: see what your network does.',
        ),
        h('div', { class: 'compare-actions' }, button, status),
        verdict,
        h('div', { class: 'table-wrap' }, table),
        bars,
      ),
    ),
  );

  /**
   * Why PCA at the code's size cannot be fitted on a person's data (null: it can): it has at most as many
   * components as a row has values, and as there are training rows.
   */
  function pcaTooBig() {
    if (!own) return null;
    const most = Math.min(own.width, own.trainRows);
    if (lesson.latent <= most) return null;
    return (
      `A code of ${lesson.latent} numbers is more than PCA can give here (at most ${most}: ` +
      `${own.width <= own.trainRows ? `a ${plural.slice(0, -1)} has ${own.width} values` : `there are ${own.trainRows} training ${plural}`}), ` +
      `so the comparison at the same size cannot be made: set the latent size to ${most} or less.`
    );
  }

  function showButton() {
    const tooBig = lesson.run ? pcaTooBig() : null;
    const ready = lesson.run && lesson.step >= MIN_STEPS && !tooBig;
    button.disabled = !ready || running;
    if (running) return;
    if (!lesson.run) status.textContent = '';
    else if (tooBig) status.textContent = tooBig;
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
          h('th', { scope: 'row' }, names[r.features] ?? r.features),
          h('td', {}, fmtInt(r.dims)),
          ...series.map((s) =>
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
      h(
        'p',
        { class: 'hint' },
        own
          ? `This run, at step ${fmtInt(result.step)} (${own.labelNames.length} classes: guessing the most common one scores at least ${pct(1 / own.labelNames.length)}):`
          : `This run, at step ${fmtInt(result.step)}:`,
      ),
      ...describeComparison(result.rows, { series, raw }).map((t) => h('p', {}, t)),
    );
    paintGroupedBars(bars, {
      groups: result.rows.map((r) => ({ label: short[r.features] ?? r.features, values: series.map((s) => r[s.key]) })),
      series,
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
      if (own) {
        // The few labels are as many per class as the rarest class has, up to 10: the heads say how many.
        series = ownSeries(own, rows[0]?.labelsPerClass ?? PER_CLASS);
        for (const s of series) {
          const th = table.querySelector(`th[data-budget="${s.key}"]`);
          th.title = `Trained with ${s.label}`;
          th.firstChild.textContent = s.head;
        }
      }
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

const features = defineLesson({
  id: 'features',
  title: 'Features',
  lead: (lesson) =>
    'The autoencoder learns its code without labels. Is that code a good input for a classifier? ' +
    (lesson.data
      ? `Compare it with the raw ${lesson.data.view === 'image' ? 'pixels' : 'values'} and with PCA, using all your labels or only ${PER_CLASS} of each class. `
      : 'Compare it with raw pixels and with PCA, using all the labels or only 100. ') +
    'You would use this when labels are scarce and unlabelled data is plentiful.',
  explain,
  view,
});

// Its defaults follow the data it trains on, so they are read when a link's settings are (a getter): PCA at
// the code's size needs no more components than a person's row has values (or there are training rows).
Object.defineProperty(features, 'defaults', {
  enumerable: true,
  get: () => {
    const info = lessonInfo(features);
    const most = info ? Math.min(info.width, info.trainRows) : Infinity;
    return { encoder: [128], latent: Math.min(16, Math.max(1, Math.floor(most / 2))) };
  },
});

export default features;
