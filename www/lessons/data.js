// Your data: an autoencoder on data beyond the digits. Two generated sets
// (Curve in 3-D, Machine sensors; seeded, in the link) or the person's own
// table or images (read in this tab, never uploaded, not in the link). It
// shows rows beside their reconstructions, the code map coloured by label,
// the autoencoder against PCA at the same code size, and the rows it rebuilds
// worst, with where their error is, a ROC curve when labels exist, and a
// download of every row's score.

import { h } from '../lib/dom.js';
import { choice, numberChoice, parseInteger, percentileThreshold, range } from '../state/setting-types.js';
import { settingField } from '../state/lesson-settings-form.js';
import { ScatterPlot } from '../charts/scatter.js';
import { digitColours } from '../draw/colour-maps.js';
import { defineLesson } from './kit/lesson.js';
import { card, cards, evenCards } from './kit/cards.js';
import { picture } from './kit/canvases.js';
import { fmtInt, fmtLoss } from './kit/format.js';
import { stat, showStat, clearStats, statList } from './kit/readout.js';
import { LIVE_ROWS, anomalyCard } from './data/anomaly-card.js';
import { rowsCard } from './data/rows-card.js';
import { paintBars } from '../charts/bars.js';
import { sourceCard } from './data/source-card.js';
import { ownData } from '../state/own-data.js';
import { curveView } from './data/curve-view.js';
import { featuresCard } from './data/features-card.js';
import { imageCard } from './data/image-card.js';
import { imputeCard } from './data/impute-card.js';

const CODE_ROWS = 200; // validation rows whose codes the bars average
const MAP_POINTS = 600;
const RECON_MS = 200;
const MAP_MS = 1000;
const SCORE_MS = 3000;
const TOP = 5;

// The data keys are common ones (every lesson carries them, state/url-state.js): here they are fields of the lesson.
const source = choice(
  'Data',
  [
    ['curve', 'Curve in 3-D (generated)'],
    ['sensors', 'Machine sensors (generated)'],
    ['own', 'Your table or images (opened in the lesson)'],
  ],
  'curve',
  {
    hint: (s) =>
      s.data === 'own'
        ? 'Open a file in the Data card. Your data stays in this tab: a link says only that the data is yours, and opened elsewhere asks for the file.'
        : 'Generated in this tab from the data seed: the link makes the same rows again.',
  },
);
// Once the person has opened data of their own, the lesson opens on it (a nav link names no data).
const defaultSource = () => (ownData.id ? 'own' : 'curve');
Object.defineProperty(source, 'default', { get: defaultSource, enumerable: true });

/** The form fields of the common data keys (state/url-state.js), in this lesson's settings. */
const dataFields = {
  data: source,
  rows: numberChoice('Rows', [1000, 2000, 4000, 10000], 4000, {
    min: 100,
    max: 50000,
    hint: () => 'How many rows the generated set has (100 to 50,000).',
  }),
  dseed: {
    label: 'Data seed',
    default: 1,
    parse: (t) => parseInteger(t, 0, 2 ** 32 - 1, 'the data seed'),
    format: String,
    control: { type: 'select', options: [1, 2, 3].map((v) => ({ value: String(v), label: String(v) })) },
    hint: () => 'Which rows the generator makes (any whole number in a link).',
  },
  dnoise: range('Curve noise', {
    min: 0,
    max: 1,
    step: 0.01,
    def: 0.05,
    hint: () => 'Curve in 3-D only: the spread of the points around the rolled sheet.',
  }),
  faults: range('Faulty share', {
    min: 0.05,
    max: 0.5,
    step: 0.05,
    def: 0.2,
    hint: () => 'Machine sensors only: the share of held-out windows given a fault.',
  }),
};

const settings = {
  variant: choice(
    'Variant',
    [
      ['plain', 'Plain autoencoder'],
      ['denoise', 'Denoising (30% of the values hidden)'],
      ['sparse', 'Sparse code (L1 penalty)'],
      ['vae', 'Variational (VAE): can generate rows'],
    ],
    'plain',
    {
      hint: (s) =>
        ({
          plain: 'Reconstruct each row from its code.',
          denoise:
            'Each training row has 30% of its values hidden (set to 0, the column mean) and must be rebuilt whole.',
          sparse: 'An L1 penalty on the code pushes most of its numbers to zero.',
          vae: 'The code is a distribution; rows can be generated from random codes.',
        })[s.variant],
    },
  ),
  pct: percentileThreshold({
    describe: (v) => `${v}th percentile of the normal rows' errors`,
    hint: () => 'Rows whose error is at or above this percentile of the normal rows’ errors are flagged.',
  }),
};

/** The data a state asks for (worker/data-source.js). */
function dataSpec(state) {
  if (state.data === 'own') return { kind: 'own', id: ownData.id ?? 'none' };
  return {
    kind: 'generated',
    name: state.data,
    rows: state.rows,
    seed: state.dseed,
    share: state.data === 'curve' ? state.dnoise : state.faults,
  };
}

/** The variant into the trainer config (docs/wasm-api.md): masking noise, not Gaussian, which clamps to [0, 1]. */
function config(state, cfg) {
  if (state.variant === 'denoise') return { ...cfg, train: { ...cfg.train, noise: 'masking', noiseLevel: 0.3 } };
  if (state.variant === 'sparse') return { ...cfg, train: { ...cfg.train, sparsity: 'l1', sparsityWeight: 0.001 } };
  if (state.variant === 'vae') return { ...cfg, model: { ...cfg.model, kind: 'vae' } };
  return cfg;
}

/** Settings suited to each data set: a small tanh network; the curve unrolls into a 2-number code. */
const SUITED = {
  curve: { encoder: [64, 64], latent: 2, act: 'tanh', lr: 0.005 },
  sensors: { encoder: [64], latent: 8, act: 'tanh', lr: 0.002 },
  table: { encoder: [32], latent: 4, act: 'tanh', lr: 0.002 },
  images: { encoder: [256, 64], latent: 16, act: 'relu', lr: 0.002 },
};

const explain = () => ({
  body: [
    h(
      'p',
      {},
      'An autoencoder does not care what its rows are: pixels, sensor readings or the columns of a table. ' +
        'It learns to squeeze a row into a short code and rebuild it, and what it rebuilds badly is what it has not seen before.',
    ),
    h(
      'ul',
      {},
      h(
        'li',
        {},
        'Curve in 3-D: the points lie on a rolled-up sheet. A two-number code can unroll it; PCA with two components can only lay a flat plane through it.',
      ),
      h(
        'li',
        {},
        'Machine sensors: trained on healthy machines only, the network rebuilds healthy windows well and faulty ones badly, so its error is an anomaly score, and the columns where the error is say which sensor and when.',
      ),
      h(
        'li',
        {},
        'Your table: numeric columns are standardised (the training rows’ mean subtracted, divided by their deviation) so no column wins by its units. A missing cell is left out of the error.',
      ),
    ),
  ],
  tryThis: [
    'On the curve, set the latent size to 1, then 2, then 3, and watch the autoencoder’s error against PCA’s.',
    'On the sensors, raise the faulty share and look at which sensor the top rows’ error points to.',
    'Open a CSV with a label column, pick it as the label, and see whether the code map sorts the classes without ever seeing them.',
  ],
  interview: [
    [
      'How do you use an autoencoder for anomaly detection?',
      'Train it on normal data only, score new rows by their reconstruction error, and flag those above a threshold chosen on normal validation data. The per-feature error says where the anomaly is.',
    ],
    [
      'Why standardise the columns of a table first?',
      'The MSE adds squared errors across columns; without standardising, a column measured in thousands outweighs one measured in fractions.',
    ],
    [
      'When is PCA enough?',
      'When the data lies near a flat subspace. On curved data (a Swiss roll) a non-linear autoencoder needs fewer numbers for the same error.',
    ],
  ],
});

/** Code numbers under this share of the most used one count as nearly unused (as in the Sparse lesson). */
const OFF_SHARE = 0.05;

/** The mean |value| of each of the `units` columns of flat rows `z`. */
export function meanAbs(z, units) {
  const out = new Float64Array(units);
  const n = z.length / units;
  for (let i = 0; i < z.length; i++) out[i % units] += Math.abs(z[i]) / n;
  return Array.from(out);
}

/** Label colours: the ten class colours, repeated for more labels. */
const labelColours = () => {
  const c = digitColours();
  return Array.from({ length: 256 }, (_, i) => c[i % c.length]);
};

function view(lesson) {
  const { client, store, commit } = lesson;
  let info = null; // the run's data
  let codes = null; // validation rows whose codes show how much each code number is used

  const source = sourceCard({ client, use: () => commit({ data: 'own' }), relink: lesson.relink });
  const training = lesson.trainingCard({ title: 'Reconstruction error' });
  const suited = h(
    'button',
    { type: 'button', class: 'button small', id: 'data-suited' },
    'Use settings suited to this data',
  );
  suited.addEventListener('click', () => info && commit({ ...SUITED[info.kind] }));
  const rowsPart = rowsCard(lesson, { extra: [h('p', {}, suited)] });

  const mapCanvas = picture('data-map', 'scatter-canvas', 'The codes of validation rows, coloured by label');
  const plot = lesson.own(
    new ScatterPlot(mapCanvas, {
      colours: labelColours,
      xLabel: 'code 1',
      yLabel: 'code 2',
      names: () => info?.labelNames ?? [],
    }),
  );
  const mapNote = h('p', { class: 'hint', id: 'data-map-note' });
  const aeStat = stat('data-ae-mse', 'Autoencoder (MSE)');
  const pcaStat = stat('data-pca-mse', 'PCA, same code size');
  const codeBars = picture('data-code-bars', 'bars-canvas', 'How much each number of the code is used');
  const codeNote = h('p', { class: 'hint', id: 'data-code-note' });
  const mapCard = card(
    { id: 'data-map-title', title: 'The code map, and PCA at the same code size' },
    statList([aeStat, pcaStat], 'inline'),
    mapCanvas,
    mapNote,
    h('h4', {}, 'How much each code number is used'),
    codeBars,
    codeNote,
  );
  const curve = curveView(lesson);

  const anomalies = anomalyCard({
    onScore: () => score(),
    fetchAll: () => lesson.current(client.scoreRows(0, { withValues: true })),
  });
  const slider = settingField('pct', settings.pct, { get: store.get, commit });
  anomalies.el.querySelector('.hint').after(h('div', { class: 'slider-field' }, slider.el));

  const features = featuresCard({ run: () => lesson.current(client.call('compareFeatures', {})) });

  const pictures = imageCard(lesson);
  const impute = imputeCard(lesson);

  lesson.show(
    source.el,
    cards(rowsPart.el, training.el),
    evenCards(mapCard, curve.el),
    pictures.el,
    anomalies.el,
    evenCards(features.el, impute.el),
  );

  lesson.refresher(RECON_MS, () => rowsPart.refresh());

  lesson.refresher(MAP_MS, async () => {
    const [m, ev, pca] = await lesson.current(
      Promise.all([
        client.call('latentMap', MAP_POINTS),
        client.call('evaluate'),
        client.call('fitPca', Math.min(lesson.latent, info.width)),
      ]),
    );
    plot.setPoints(m.points, m.labels);
    showStat(aeStat, ev.mse, fmtLoss);
    showStat(pcaStat, pca.valMse, fmtLoss);
    mapCanvas.dataset.step = String(lesson.step);
    mapNote.textContent =
      (m.projected
        ? `The code has ${lesson.latent} numbers: shown on its first two principal directions.`
        : `Each dot is a validation row at its ${lesson.latent}-number code.`) +
      (info.labelNames?.length ? ' Colours are labels, which the network never sees.' : '');
    if (codes) {
      const z = await lesson.current(client.call('encode', codes));
      const used = meanAbs(z, lesson.latent);
      const top = Math.max(...used, 0);
      const off = used.filter((v) => v < OFF_SHARE * top).length;
      paintBars(codeBars, used, { threshold: OFF_SHARE * top });
      codeNote.dataset.off = String(off);
      codeNote.textContent =
        `The mean size (|value|) of each of the ${lesson.latent} code numbers over ${fmtInt(z.length / lesson.latent)} validation rows; ` +
        `${off} of them nearly unused (faint, under ${OFF_SHARE * 100}% of the largest).` +
        (store.get().variant === 'sparse' ? ' The L1 penalty pushes numbers it can spare towards 0.' : '');
    }
    await curve.refresh(info, lesson.step);
    await pictures.refresh();
  });

  async function score() {
    if (!info?.scoredRows && info?.kind === 'curve') return;
    const at = lesson.step;
    const report = await lesson.current(client.scoreRows(TOP, { limit: LIVE_ROWS }));
    anomalies.show(report, { pct: store.get().pct, step: at });
    lastReport = report;
    lastStep = at;
  }
  let lastReport = null;
  let lastStep = 0;
  lesson.refresher(SCORE_MS, () => score().catch(() => {}));

  return {
    reset(runInfo) {
      info = runInfo.data;
      lastReport = null;
      source.show(info);
      rowsPart.reset(runInfo, info);
      const vae = runInfo.config.model.kind === 'vae';
      features.reset(info);
      pictures.reset(info, runInfo.config);
      impute.reset(info);
      anomalies.reset(info);
      anomalies.el.hidden = info.kind === 'curve';
      curve.reset(info, { vae });
      clearStats(aeStat, pcaStat);
      codes = null;
    },
    async ready(runInfo) {
      const r = await lesson.current(client.validationImages(CODE_ROWS));
      if (runInfo.run !== lesson.run) return;
      codes = r.images;
      await rowsPart.ready(runInfo);
    },
    update(state, patch) {
      if ('pct' in patch && lastReport) anomalies.show(lastReport, { pct: state.pct, step: lastStep });
    },
  };
}

export default defineLesson({
  id: 'data',
  title: 'Your data',
  lead:
    'Autoencoders are not only for pictures. Train one on a curve in 3-D, on machine sensor signals, or on your own table or images, ' +
    'read in this tab and never uploaded, and see what it learns and which rows it finds odd.',
  settings,
  commonFields: dataFields,
  // Generated or own data only; its links before the data keys were common said source= and noise=.
  dataChoices: ['curve', 'sensors', 'own'],
  aliases: { source: 'data', noise: 'dnoise' },
  defaults: {
    ...SUITED.curve,
    get data() {
      return defaultSource();
    },
  },
  dataSpec,
  config,
  engine: 'lab',
  inside: false,
  explain,
  view,
});
