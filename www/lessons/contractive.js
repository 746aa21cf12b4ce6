// Contractive: a penalty on how strongly the code reacts to its input, trained
// beside a plain autoencoder of the same size (a companion trainer, 'plain').
// A slider adds growing Gaussian noise to a few digits; both networks'
// reconstructions and how much they moved are shown, and a chart plots the
// change of code and reconstruction against the noise level for both.

import { h } from '../lib/dom.js';
import { PIXELS } from '../lib/mnist.js';
import { uniform } from '../draw/masks.js';
import { LineChart } from '../charts/line-chart.js';
import { say } from '../charts/describe.js';
import { numberChoice, range } from '../state/setting-types.js';
import { settingField } from '../state/lesson-settings-form.js';
import { defineLesson } from './kit/lesson.js';
import { leadIn } from './kit/explainer.js';
import { card, evenCards } from './kit/cards.js';
import { digitRows } from './kit/canvases.js';
import { stat, showStat, clearStats, statList } from './kit/readout.js';
import { digitRowsWords } from './kit/alt-text.js';

const COUNT = 8;
const LEVELS = Array.from({ length: 11 }, (_, i) => i * 0.05); // σ = 0 … 0.5 for the chart
const REFRESH_MS = 400;
/** Where the images at the slider's σ start in a batch (after those of every chart level). */
const AT_SIGMA = LEVELS.length * COUNT * PIXELS;
const CHANGE_GAIN = 2; // change maps are shown ×2 so small changes are visible
const EXACTLY =
  'The penalty is computed exactly, in closed form (Rifai et al. 2011), on the last encoder layer only: ' +
  'it is the Jacobian of the code with respect to that layer’s input, which is treated as given.';

const settings = {
  lambda: numberChoice('Contractive weight λ', [0.001, 0.003, 0.01, 0.03, 0.1], 0.01, {
    min: 0,
    max: 10,
    hint: () => 'Weight of λ‖∂h/∂x‖², the squared Jacobian of the code h. The plain network has λ = 0.',
  }),
  sigma: range('Test noise σ', {
    min: 0,
    max: 0.5,
    step: 0.05,
    def: 0.2,
    rebuild: false,
    inPanel: false,
    describe: (v) => `σ = ${v.toFixed(2)}`,
    hint: () => 'Gaussian noise added to the digits below (the same noise pattern at every level, scaled by σ).',
  }),
};

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain() {
  return {
    body: [
      'A contractive autoencoder adds λ times the squared Frobenius norm of the Jacobian ∂h/∂x of its code to the loss: ' +
        'the code is penalised for reacting to small changes of the input. Reconstruction pulls the other way, so the code ' +
        'stays sensitive only along directions in which real digits vary.',
      leadIn(
        'What this engine computes. ',
        EXACTLY,
        ' With a sigmoid code h = σ(a·W + b), ' +
          'that is Σⱼ (hⱼ(1 − hⱼ))² Σᵢ Wᵢⱼ², where a is the last hidden layer’s output. Both networks here use a sigmoid code layer; ' +
          'they differ only in λ.',
      ),
    ],
    tryThis: [
      'Move the σ slider: the contractive network’s reconstructions should move less than the plain one’s.',
      'Raise λ to 0.1: the code stops reacting to anything, and every digit comes back as the same blur.',
      'Compare the two reconstruction curves: robustness costs some accuracy on clean digits.',
    ],
    interview: [
      [
        'Contractive versus denoising?',
        'Denoising makes the reconstruction robust by training on noisy inputs (a sampled, finite-noise version); the contractive penalty makes the code robust analytically, for infinitesimal changes, without sampling noise.',
      ],
      [
        'Why only the last layer?',
        'The exact Jacobian of a deep encoder is expensive; the penalty on one layer has a closed form that costs about as much as the layer itself.',
      ],
    ],
  };
}

/** Root-mean-square difference between rows [a0, a0 + n) and [b0, b0 + n) of one array. */
function rms(a, a0, b0, n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[a0 + i] - a[b0 + i]) ** 2;
  return Math.sqrt(s / n);
}

/** n samples of N(0, 1), the same for the same seed (Box–Muller on draw/masks.js's seeded generator). */
function gaussianNoise(n, seed) {
  const u = uniform(seed);
  return Float32Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
}

function view(lesson) {
  const { client, store, commit, pictures } = lesson;
  let batch = null; // the digits at every chart level, then at the slider's σ
  let batchSigma = null;
  const noise = gaussianNoise(COUNT * PIXELS, 7); // fixed, so the pictures change only when the networks do

  const sigmaField = settingField('sigma', settings.sigma, { get: store.get, commit });
  const { el: rowsEl, rows } = digitRows(COUNT, [
    { id: 'cae-input', label: 'Input + noise' },
    { id: 'cae-recon', label: 'Contractive', className: 'recon' },
    { id: 'cae-change', label: 'its change' },
    { id: 'plain-recon', label: 'Plain', className: 'recon' },
    { id: 'plain-change', label: 'its change' },
  ]);
  pictures.row(rows['cae-input'], null);
  for (const id of ['cae-recon', 'cae-change', 'plain-recon', 'plain-change']) lesson.answers(rows[id]);
  const caeMoved = stat('stat-cae-change', 'Contractive: code moved');
  const plainMoved = stat('stat-plain-change', 'Plain: code moved');
  lesson.describe(rowsEl, 'Digits with noise and both networks’ reconstructions', () => {
    const moved = [caeMoved, plainMoved].map((s) => Number(s.value.dataset.value));
    return (
      digitRowsWords({
        pictures,
        labels: lesson.labels,
        rows: [
          { name: `input with noise σ = ${store.get().sigma}`, canvases: rows['cae-input'] },
          { name: 'contractive', canvases: rows['cae-recon'], against: rows['cae-input'] },
          { name: 'its change', canvases: rows['cae-change'] },
          { name: 'plain', canvases: rows['plain-recon'], against: rows['cae-input'] },
          { name: 'its change', canvases: rows['plain-change'] },
        ],
      }) +
      (moved.every(Number.isFinite)
        ? `. Codes moved by the noise (RMS): contractive ${say(moved[0])}, plain ${say(moved[1])}`
        : '')
    );
  });
  const changeBox = h('div', { class: 'chart small', id: 'change-chart' });
  const terms = lesson.termsCard({
    id: 'terms-title',
    title: 'Reconstruction error, side by side',
    y: 'reconstruction',
    y2: 'penalty',
    series: [
      { key: 'recon', label: 'contractive', color: '--series-1', stat: ['stat-recon', 'Contractive'] },
      { key: 'recon', trainer: 'plain', label: 'plain', color: '--series-2', stat: ['stat-plain-recon', 'Plain'] },
      {
        key: 'contractive',
        label: 'penalty',
        color: '--series-3',
        scale: 'y2',
        dash: [3, 3],
        stat: ['stat-penalty', 'Penalty λ‖J‖²'],
      },
    ],
  });
  const training = lesson.trainingCard({ title: 'Training loss (contractive network)', penalty: 'penalty' });

  lesson.show(
    h('p', { class: 'lead-note', id: 'penalty-note' }, EXACTLY),
    card(
      {
        id: 'perturb-title',
        title: 'Same digits, growing noise',
        head: [statList([caeMoved, plainMoved], 'inline')],
        wrap: true,
      },
      h('div', { class: 'slider-field' }, sigmaField.el),
      rowsEl,
      h(
        'p',
        { class: 'hint' },
        `“its change” is how far each reconstruction moved from the one without noise (brighter = more, shown ×${CHANGE_GAIN}).`,
      ),
    ),
    evenCards(
      card(
        {
          id: 'change-title',
          title: 'How far the output moves',
          hint: 'Root-mean-square change of the code (solid) and of the reconstruction (dashed) as the noise grows, over the digits above.',
        },
        changeBox,
      ),
      terms.el,
    ),
    training.el,
  );
  const change = lesson.own(
    new LineChart(changeBox, {
      x: 'noise σ',
      y: 'RMS change',
      points: true,
      series: [
        { label: 'contractive: code', color: '--series-1' },
        { label: 'plain: code', color: '--series-2' },
        { label: 'contractive: reconstruction', color: '--series-1', dash: [6, 4] },
        { label: 'plain: reconstruction', color: '--series-2', dash: [6, 4] },
      ],
    }),
  );

  /** The digits with noise at every chart level, then at σ; rebuilt when σ changes. */
  function makeBatch(sigma) {
    const { digits } = lesson;
    const levels = [...LEVELS, sigma];
    const x = new Float32Array(levels.length * COUNT * PIXELS);
    levels.forEach((s, l) => {
      const o = l * COUNT * PIXELS;
      for (let i = 0; i < COUNT * PIXELS; i++) x[o + i] = Math.min(1, Math.max(0, digits[i] + s * noise[i]));
    });
    batchSigma = sigma;
    pictures.row(rows['cae-input'], x, { offset: AT_SIGMA });
    return x;
  }

  /** How far each reconstruction at σ moved from the one without noise (× CHANGE_GAIN). */
  function changes(y) {
    const diff = new Float32Array(COUNT * PIXELS);
    for (let i = 0; i < diff.length; i++) diff[i] = CHANGE_GAIN * Math.abs(y[AT_SIGMA + i] - y[i]);
    return diff;
  }

  const refresh = lesson.refresher(REFRESH_MS, async () => {
    const sigma = store.get().sigma;
    if (!batch || batchSigma !== sigma) batch = makeBatch(sigma);
    const [cc, cy, pc, py] = await lesson.current(
      Promise.all([
        client.call('encode', batch),
        client.call('reconstruct', batch),
        client.callOn('plain', 'encode', batch),
        client.callOn('plain', 'reconstruct', batch),
      ]),
    );
    const nc = COUNT * lesson.latent;
    const ny = COUNT * PIXELS;
    const curve = (arr, n) => LEVELS.map((_, l) => rms(arr, l * n, 0, n));
    change.setData([LEVELS, curve(cc, nc), curve(pc, nc), curve(cy, ny), curve(py, ny)]);
    showStat(caeMoved, rms(cc, LEVELS.length * nc, 0, nc));
    showStat(plainMoved, rms(pc, LEVELS.length * nc, 0, nc));
    pictures.row(rows['cae-recon'], cy, { offset: AT_SIGMA });
    pictures.row(rows['plain-recon'], py, { offset: AT_SIGMA });
    pictures.row(rows['cae-change'], changes(cy), { palette: 'heat' });
    pictures.row(rows['plain-change'], changes(py), { palette: 'heat' });
  });

  return {
    reset() {
      change.setData([[], [], [], [], []]);
      clearStats(caeMoved, plainMoved);
    },
    ready(_info, state) {
      batch = makeBatch(state.sigma);
    },
    /** σ changed (the slider, or the URL): new noisy inputs, same networks. */
    update(state) {
      sigmaField.show(state);
      refresh();
    },
  };
}

export default defineLesson({
  id: 'contractive',
  title: 'Contractive',
  settingsTitle: 'Contractive penalty',
  settings,
  defaults: { encoder: [256], latent: 32 },
  config(state, cfg) {
    cfg.model.latentActivation = 'sigmoid';
    cfg.train.contractive = state.lambda;
    return cfg;
  },
  /** The plain autoencoder to compare with: the same network and seed, without the penalty. */
  companions(_state, main) {
    main.train.contractive = 0;
    return { plain: main };
  },
  note: () => 'Both networks use a sigmoid code layer and the same seed; a plain one (λ = 0) trains beside this one.',
  lead:
    'A contractive autoencoder is penalised for how strongly its code reacts to small changes of the input, ' +
    'so nearby inputs get nearby codes. You would use it for features that should not flicker with noise or small distortions.',
  explain,
  digits: COUNT,
  view,
});
