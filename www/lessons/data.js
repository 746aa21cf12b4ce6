// Your data: an autoencoder on data beyond the digits. Two generated sets
// (Curve in 3-D, Machine sensors; seeded, in the link) or the person's own
// table or images (read in this tab, never uploaded, not in the link). It
// shows rows beside their reconstructions, the code map coloured by label,
// the autoencoder against PCA at the same code size, and the rows it rebuilds
// worst, with where their error is, a ROC curve when labels exist, and a
// download of every row's score.

import { h } from '../lib/dom.js';
import { choice, numberChoice, parseInteger, range } from '../state/setting-types.js';
import { settingField } from '../state/lesson-settings-form.js';
import { ScatterPlot } from '../charts/scatter.js';
import { digitColours } from '../draw/colour-maps.js';
import { defineLesson } from './kit/lesson.js';
import { card, cards, evenCards } from './kit/cards.js';
import { picture } from './kit/canvases.js';
import { fmtLoss } from './kit/format.js';
import { stat, showStat, clearStats, statList } from './kit/readout.js';
import { anomalyCard } from './data/anomaly-card.js';
import { paintRow } from './data/row-chart.js';
import { sourceCard } from './data/source-card.js';
import { ownData } from '../state/own-data.js';
import { curveView } from './data/curve-view.js';
import { featuresCard } from './data/features-card.js';
import { imageCard } from './data/image-card.js';
import { imputeCard } from './data/impute-card.js';

const ROWS = 6; // validation rows shown beside their reconstructions
const MAP_POINTS = 600;
const RECON_MS = 200;
const MAP_MS = 1000;
const SCORE_MS = 3000;
const TOP = 5;

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
      s.source === 'own'
        ? 'Open a file in the Data card. Your data stays in this tab: a link says only that the data is yours, and opened elsewhere asks for the file.'
        : 'Generated in this tab from the data seed: the link makes the same rows again.',
  },
);
// Once the person has opened data of their own, the lesson opens on it (a nav link names no data).
Object.defineProperty(source, 'default', { get: () => (ownData.id ? 'own' : 'curve'), enumerable: true });

const settings = {
  source,
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
  noise: range('Curve noise', {
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
  pct: range('Threshold', {
    min: 50,
    max: 100,
    step: 0.5,
    def: 99,
    rebuild: false,
    inPanel: false,
    describe: (v) => `${v}th percentile of the normal rows' errors`,
    hint: () => 'Rows whose error is at or above this percentile of the normal rows’ errors are flagged.',
  }),
};

/** The data a state asks for (worker/data-source.js). */
function dataSpec(state) {
  if (state.source === 'own') return { kind: 'own', id: ownData.id ?? 'none' };
  return {
    kind: 'generated',
    name: state.source,
    rows: state.rows,
    seed: state.dseed,
    share: state.source === 'curve' ? state.noise : state.faults,
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

/** Label colours: the ten class colours, repeated for more labels. */
const labelColours = () => {
  const c = digitColours();
  return Array.from({ length: 256 }, (_, i) => c[i % c.length]);
};

function view(lesson) {
  const { client, store, commit } = lesson;
  let info = null; // the run's data
  let rows = null; // { values, labels } of the validation rows shown

  const source = sourceCard({ client, use: () => commit({ source: 'own' }) });
  const training = lesson.trainingCard({ title: 'Reconstruction error' });
  const suited = h(
    'button',
    { type: 'button', class: 'button small', id: 'data-suited' },
    'Use settings suited to this data',
  );
  suited.addEventListener('click', () => info && commit({ ...SUITED[info.kind] }));
  const shape = h('p', { class: 'hint', id: 'data-shape' });

  const rowsBox = h('div', { class: 'data-rows', id: 'data-rows' });
  const samplesTitle = h('h4', { id: 'data-samples-title' }, 'Generated from random codes');
  const samplesBox = h('div', { class: 'data-rows', id: 'data-samples' });
  const rowsCard = card(
    {
      id: 'data-rows-title',
      title: 'Validation rows and their reconstructions',
      hint: 'Rows the network never trains on. Ink: the row as it is; accent: what the network rebuilds from its code.',
    },
    shape,
    h('p', {}, suited),
    rowsBox,
    samplesTitle,
    samplesBox,
  );

  const mapCanvas = picture('data-map', 'scatter-canvas', 'The codes of validation rows, coloured by label');
  const plot = lesson.own(new ScatterPlot(mapCanvas, { colours: labelColours, xLabel: 'code 1', yLabel: 'code 2' }));
  const mapNote = h('p', { class: 'hint', id: 'data-map-note' });
  const aeStat = stat('data-ae-mse', 'Autoencoder (MSE)');
  const pcaStat = stat('data-pca-mse', 'PCA, same code size');
  const mapCard = card(
    { id: 'data-map-title', title: 'The code map, and PCA at the same code size' },
    statList([aeStat, pcaStat], 'inline'),
    mapCanvas,
    mapNote,
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
    cards(rowsCard, training.el),
    evenCards(mapCard, curve.el),
    pictures.el,
    anomalies.el,
    evenCards(features.el, impute.el),
  );

  function layoutRows() {
    rowsBox.replaceChildren();
    const out = [];
    for (let i = 0; i < ROWS; i++) {
      const a = h('canvas', { class: info.view === 'image' ? 'data-picture' : 'row-chart', id: `data-row-${i}` });
      const b = info.view === 'image' ? h('canvas', { class: 'data-picture recon', id: `data-recon-${i}` }) : null;
      rowsBox.append(h('div', { class: 'data-row' }, a, b));
      out.push([a, b]);
    }
    return out;
  }
  let canvases = [];

  function paintRows(recon) {
    if (!rows) return;
    const w = info.width;
    canvases.forEach(([a, b], i) => {
      if (i * w >= rows.values.length) return;
      paintRow(a, {
        values: rows.values.subarray(i * w, (i + 1) * w),
        recon: recon ? recon.subarray(i * w, (i + 1) * w) : null,
        info,
        reconCanvas: b,
        name: `Validation row ${i + 1}${rows.labels && info.labelNames?.length ? ` (${info.labelNames[rows.labels[i]]})` : ''}`,
      });
    });
  }

  lesson.refresher(RECON_MS, async () => {
    if (!rows) return;
    const y = await lesson.current(client.reconstruct(rows.values.slice()));
    paintRows(y);
    rowsBox.dataset.step = String(lesson.step);
    if (samplesBox.hidden) return;
    const z = await lesson.current(client.call('sample', ROWS));
    const w = info.width;
    [...samplesBox.children].forEach((c, i) => {
      paintRow(c, { values: z.subarray(i * w, (i + 1) * w), info, name: `Generated row ${i + 1}` });
    });
    samplesBox.dataset.step = String(lesson.step);
  });

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
    await curve.refresh(info, lesson.step);
    await pictures.refresh();
  });

  async function score() {
    if (!info?.scoredRows && info?.kind === 'curve') return;
    const at = lesson.step;
    const report = await lesson.current(client.scoreRows(TOP));
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
      rows = null;
      lastReport = null;
      source.show(info);
      canvases = layoutRows();
      const vae = runInfo.config.model.kind === 'vae';
      samplesTitle.hidden = !vae;
      samplesBox.hidden = !vae;
      samplesBox.replaceChildren(
        ...Array.from({ length: vae ? ROWS : 0 }, (_, i) =>
          h('canvas', { class: info.view === 'image' ? 'data-picture' : 'row-chart', id: `data-sample-${i}` }),
        ),
      );
      features.reset(info);
      pictures.reset(info, runInfo.config);
      impute.reset(info);
      anomalies.reset(info);
      anomalies.el.hidden = info.kind === 'curve';
      curve.reset(info, { vae });
      clearStats(aeStat, pcaStat);
      const { model } = runInfo.config;
      const enc = model.encoder ?? [];
      const conv = model.conv ?? [];
      shape.textContent = conv.length
        ? `Network: ${info.shape.channels}×${info.shape.height}×${info.shape.width} images → conv blocks of ${conv.map((b) => b.channels).join(', ')} channels → a ${model.latent}-number code → back.`
        : `Network: ${[model.input, ...enc, model.latent, ...[...enc].reverse(), model.input].join(' → ')}` +
          (model.output === 'identity' ? ', linear output (the rows are not pixels between 0 and 1).' : '.');
    },
    async ready(runInfo) {
      const r = await lesson.current(client.validationImages(ROWS));
      if (runInfo.run !== lesson.run) return;
      rows = { values: r.images, labels: r.labels };
      paintRows(null);
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
  defaults: SUITED.curve,
  dataSpec,
  config,
  engine: 'lab',
  inside: false,
  explain,
  view,
});
