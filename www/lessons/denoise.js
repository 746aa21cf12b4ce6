// Denoise: the network sees corrupted digits and is trained to give back the
// clean ones. Rows of clean, corrupted (the trainer's own corruption, with a
// fixed seed) and reconstructed validation digits; the draw pad corrupts your
// drawing the same way and shows the clean-up live; the validation error is
// shown on noisy and on clean inputs.

import { h } from '../lib/dom.js';
import { PIXELS } from '../lib/mnist.js';
import { choice, range } from '../state/setting-types.js';
import { defineLesson } from './kit/lesson.js';
import { card, cards } from './kit/cards.js';
import { digitRows } from './kit/canvases.js';
import { fmtLoss } from './kit/format.js';
import { mse, withDrawing } from './kit/pixels.js';
import { digitRowsWords } from './kit/alt-text.js';
import { stat, showStat, clearStats } from './kit/readout.js';

const COUNT = 12;
const REFRESH_MS = 150;
const EVALUATE_MS = 1000;

const NOISE = {
  gaussian: {
    label: 'Gaussian',
    describe: (v) => `σ = ${v.toFixed(2)}`,
    hint: 'Adds random grey to every pixel (σ is its spread).',
  },
  masking: {
    label: 'Masking',
    describe: (v) => `${Math.round(v * 100)}% of pixels erased`,
    hint: 'Erases a random share of the pixels.',
  },
  salt_pepper: {
    label: 'Salt and pepper',
    describe: (v) => `${Math.round(v * 100)}% of pixels flipped`,
    hint: 'Sets a random share of the pixels to black or white.',
  },
  block: {
    label: 'Block occlusion',
    describe: (v) => `square of ${Math.round(v * 100)}% of the side`,
    hint: 'Blanks out one square (paper colour) somewhere on the digit.',
  },
};

// The convolutional denoiser: two 3×3 blocks down to 7×7×16. The Keras blog's has 32 channels;
// that is 4× the arithmetic per step (about 430 MFLOP at batch 64), too slow to watch it learn.
const CONV_DENOISER = [
  { channels: 16, kernel: 3, stride: 2 },
  { channels: 16, kernel: 3, stride: 2 },
];
const CONV_LR = 0.005; // conv models learn visibly faster at this rate than at the common default
const DENSE_LR = 0.002;
const isConv = (state) => (state.conv?.length ?? 0) > 0;

const settings = {
  noise: choice(
    'Noise type',
    Object.entries(NOISE).map(([k, n]) => [k, n.label]),
    'gaussian',
    {
      hint: (s) => NOISE[s.noise]?.hint ?? '',
    },
  ),
  level: range('Noise level', {
    min: 0,
    max: 1,
    step: 0.05,
    def: 0.4,
    describe: (v, s) => NOISE[s.noise]?.describe(v) ?? String(v),
  }),
};

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain() {
  return {
    body: [
      'Training pairs are (damaged digit, clean digit): a fresh corruption for every minibatch, so the network never sees the same damage twice. ' +
        'The loss compares its output with the clean digit.',
      'To undo damage it has never seen, the network has to learn what digits look like: which strokes belong together, ' +
        'and what a 3 with a missing corner should be. That is why denoising also works as a way to learn features, ' +
        'even with a code larger than the input.',
    ],
    tryThis: [
      'Pick block occlusion and draw a digit: the network paints in the hidden square.',
      'Raise the level until the clean-up fails. Which noise type is hardest at the same level?',
      'Compare the two validation errors: a denoising network is usually better on noisy inputs than a plain one, and can be a little worse on clean ones.',
    ],
    interview: [
      [
        'Why not just use a narrower bottleneck?',
        'Noise is another way to stop the network from copying its input, so the code can stay wide (even overcomplete) and still learn something useful.',
      ],
      [
        'What does a denoising autoencoder learn, geometrically?',
        'To move a corrupted point back toward the set of real digits (Vincent et al. 2008); for small Gaussian noise the output minus the input points along the gradient of the data density.',
      ],
    ],
  };
}

function view(lesson) {
  const { client, pictures } = lesson;
  let noisy = null; // the rows' fixed corruption

  const pad = lesson.padCard({
    stages: [
      { id: 'pad-input', caption: 'Your drawing', label: 'Your drawing as the network sees it, 28 by 28 pixels' },
      { id: 'pad-noisy', caption: 'With noise', label: 'Your drawing with the chosen noise added' },
      { id: 'pad-recon', caption: 'Cleaned up', label: 'The network’s clean-up of the noisy drawing' },
    ],
    arrowBefore: 2,
    emptyMessage: 'Draw a digit to see the noise added and cleaned up.',
    onChange: () => refresh(),
  });

  // Two presets, dense and convolutional: each sets the common Network settings, so the panel,
  // the link and the run agree (conv=16,16 and lr 0.005, or no conv blocks and lr 0.002).
  const presetButton = (id, text, patch) =>
    h('button', { type: 'button', class: 'button small', id, on: { click: () => lesson.commit(patch) } }, text);
  const denseButton = presetButton('denoise-dense', 'Dense denoiser', { conv: [], lr: DENSE_LR });
  const convButton = presetButton('denoise-conv', 'Convolutional denoiser', {
    conv: CONV_DENOISER.map((b) => ({ ...b })),
    lr: CONV_LR,
  });
  const presetNote = h('p', { class: 'hint', id: 'denoise-net' });
  const showPreset = (state) => {
    const conv = isConv(state);
    denseButton.setAttribute('aria-pressed', String(!conv));
    convButton.setAttribute('aria-pressed', String(conv));
    presetNote.textContent = conv
      ? `Convolutional: ${state.conv.map((b) => `${b.channels} channels`).join(', then ')} (${state.conv[0].kernel}×${state.conv[0].kernel} kernels), then the code; transposed convolutions back up. The Keras blog's denoiser is shaped like this, with 32 channels.`
      : `Dense layers of ${state.encoder.join(', ') || 'no hidden'} units around the code.`;
  };
  showPreset(lesson.store.get());
  lesson.own(lesson.store.subscribe((state) => showPreset(state)));

  const noisyStat = stat('stat-noisy-mse', 'Noisy in → clean out');
  const cleanStat = stat('stat-clean-mse', 'Clean in → clean out');
  const training = lesson.trainingCard({
    title: 'Reconstruction error',
    extra: [
      h('h4', { class: 'subhead' }, 'Validation error (MSE against the clean digits)'),
      h('dl', { class: 'stats two' }, noisyStat.el, cleanStat.el),
    ],
  });

  const { el: rowsEl, rows } = digitRows(COUNT, [
    { id: 'dn-clean', label: 'Clean' },
    { id: 'dn-noisy', label: 'Corrupted' },
    { id: 'dn-recon', label: 'Reconstructed', className: 'recon' },
  ]);
  lesson.showDigits(rows['dn-clean']);
  lesson.answers(rows['dn-noisy']);
  lesson.answers(rows['dn-recon']);
  lesson.describe(rowsEl, 'Validation digits: clean, corrupted, cleaned up', () =>
    digitRowsWords({
      pictures,
      labels: lesson.labels,
      rows: [
        { name: 'clean', canvases: rows['dn-clean'] },
        { name: 'corrupted', canvases: rows['dn-noisy'], against: rows['dn-clean'], fixed: true },
        { name: 'cleaned up', canvases: rows['dn-recon'], against: rows['dn-clean'] },
      ],
    }),
  );

  lesson.show(
    card(
      { id: 'denoise-net-title', title: 'Network' },
      presetNote,
      h('p', { role: 'group', 'aria-label': 'Denoiser presets' }, denseButton, ' ', convButton),
    ),
    cards(pad.el, training.el),
    card(
      {
        id: 'rows-title',
        title: 'Validation digits: clean, corrupted, cleaned up',
        hint: 'The network only ever sees the middle row. The corruption is the one it trains with, drawn once with a fixed seed so the pictures stay put.',
      },
      rowsEl,
    ),
  );

  // One refresh: corrupt the drawing (if any), then reconstruct the noisy rows and drawing in one call.
  const refresh = lesson.refresher(REFRESH_MS, async () => {
    if (!noisy) return;
    const { drawing, version } = pad;
    const padNoisy = drawing ? await lesson.current(client.call('corrupt', drawing)) : null;
    const y = await lesson.current(client.call('reconstruct', withDrawing(noisy, COUNT, padNoisy)));
    pictures.row(rows['dn-recon'], y);
    if (!drawing || version !== pad.version) return;
    const recon = y.subarray(COUNT * PIXELS);
    pad.show('pad-noisy', padNoisy);
    pad.show('pad-recon', recon);
    const err = mse(recon, drawing);
    pad.message.textContent = `Error against your clean drawing (MSE): ${fmtLoss(err)}; the noisy copy was ${fmtLoss(mse(padNoisy, drawing))} off.`;
    pad.message.dataset.mse = String(err);
  });

  lesson.refresher(EVALUATE_MS, async () => {
    const e = await lesson.current(client.evaluate());
    showStat(noisyStat, e.noisyMse);
    showStat(cleanStat, e.mse);
  });

  return {
    reset() {
      noisy = null;
      clearStats(noisyStat, cleanStat);
    },

    async ready() {
      noisy = await lesson.current(client.call('corrupt', lesson.digits));
      pictures.row(rows['dn-noisy'], noisy);
    },
  };
}

export default defineLesson({
  id: 'denoise',
  title: 'Denoise',
  settingsTitle: 'Noise',
  settings,
  config(state, cfg) {
    cfg.train.noise = state.noise;
    cfg.train.noiseLevel = state.level;
    return cfg;
  },
  lead:
    'A denoising autoencoder is fed damaged digits and trained to give back the clean originals, ' +
    'so it must learn what digits look like instead of copying pixels. You would use one to clean up noisy scans, ' +
    'photos or sensor data, to fill in missing parts, or to learn sturdier features.',
  explain,
  digits: COUNT,
  view,
});
