// Denoise: the network sees corrupted digits and is trained to give back the
// clean ones. Rows of clean, corrupted (the trainer's own corruption, with a
// fixed seed) and reconstructed validation digits; the draw pad corrupts your
// drawing the same way and shows the clean-up live; the validation error is
// shown on noisy and on clean inputs. On the person's own data (lesson.data)
// the rows are theirs, drawn at their shape; the noise kinds that assume
// pictures with values in [0, 1] give way to masking where they cannot apply
// (runNoise), and the page says so.

import { h } from '../lib/dom.js';
import { choice, range } from '../state/setting-types.js';
import { lessonInfo } from '../state/own-data.js';
import { findLesson } from './index.js';
import { defineLesson } from './kit/lesson.js';
import { card, cards } from './kit/cards.js';
import { digitRows } from './kit/canvases.js';
import { fmtLoss, fmtPercent } from './kit/format.js';
import { mse, withDrawing } from './kit/pixels.js';
import { digitRowsWords } from './kit/alt-text.js';
import { stat, showStat, clearStats } from './kit/readout.js';

const COUNT = 12;
const REFRESH_MS = 150;
const EVALUATE_MS = 1000;

// `unit`: what a share of is counted in, 'pixels' (gray pictures) or 'values' (a table's, or a colour picture's).
const NOISE = {
  gaussian: {
    label: 'Gaussian',
    describe: (v) => `σ = ${v.toFixed(2)}`,
    hint: 'Adds random grey to every pixel (σ is its spread).',
  },
  masking: {
    label: 'Masking',
    describe: (v, unit = 'pixels') => `${Math.round(v * 100)}% of ${unit} erased`,
    hint: 'Erases a random share of the pixels.',
  },
  salt_pepper: {
    label: 'Salt and pepper',
    describe: (v, unit = 'pixels') => `${Math.round(v * 100)}% of ${unit} flipped`,
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

/** The person's own data this lesson trains on instead of the digits (worker/data-source.js info), or null. */
const ownInfo = () => lessonInfo(findLesson('denoise'));

/** Whether rows of data described by `info` (null: the digits) are gray pictures, whose values are pixels. */
const grayPictures = (info) => !info || (info.view === 'image' && info.shape.channels === 1);

/**
 * The noise a run on data described by `info` (null: the digits) is trained with, and why it is not the
 * chosen one. The engine (src/noise.rs) clamps Gaussian and salt-and-pepper noise to [0, 1] and blanks
 * block occlusion's square in a square gray picture: on a table's standardised values, or a colour
 * picture's planes, those would not be noise on the data, so masking (values set to 0) takes their place.
 * -> { kind, why }: why is '' when the chosen noise is used.
 */
function runNoise(state, info) {
  const chosen = state.noise;
  if (!info || chosen === 'masking') return { kind: chosen, why: '' };
  const label = NOISE[chosen]?.label ?? chosen;
  const masking =
    'so this lesson hides a share of the values instead (masking noise: each value is set to 0 with the chance of the noise level)';
  if (info.view !== 'image') {
    const clamps =
      chosen === 'block'
        ? 'block occlusion blanks a square of a picture'
        : `${label} noise clamps every value to [0, 1]`;
    return {
      kind: 'masking',
      why:
        `Your table’s values are not between 0 and 1 (each column is standardised), and ${clamps}: ${masking}. ` +
        'A hidden value of 0 is its column’s mean.',
    };
  }
  const { channels, height, width } = info.shape;
  if (chosen === 'block' && !(channels === 1 && height === width)) {
    const what = channels === 1 ? `${width}×${height} pictures are not square` : 'pictures are in colour';
    return {
      kind: 'masking',
      why: `Block occlusion blanks a square of a square gray picture, and your ${what}: ${masking}.`,
    };
  }
  return { kind: chosen, why: '' };
}

const settings = {
  noise: choice(
    'Noise type',
    Object.entries(NOISE).map(([k, n]) => [k, n.label]),
    'gaussian',
    {
      hint: (s) => runNoise(s, ownInfo()).why || (NOISE[s.noise]?.hint ?? ''),
    },
  ),
  level: range('Noise level', {
    min: 0,
    max: 1,
    step: 0.05,
    def: 0.4,
    describe: (v, s) => {
      const info = ownInfo();
      return NOISE[runNoise(s, info).kind]?.describe(v, grayPictures(info) ? 'pixels' : 'values') ?? String(v);
    },
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

/** The pad's stages: the drawing, or on own data a chosen validation row (kit/row-card.js). */
function padStages(info) {
  if (!info) {
    return [
      { id: 'pad-input', caption: 'Your drawing', label: 'Your drawing as the network sees it, 28 by 28 pixels' },
      { id: 'pad-noisy', caption: 'With noise', label: 'Your drawing with the chosen noise added' },
      { id: 'pad-recon', caption: 'Cleaned up', label: 'The network’s clean-up of the noisy drawing' },
    ];
  }
  const one = info.view === 'image' ? 'image' : 'row';
  return [
    { id: 'pad-input', caption: 'Your drawing', label: `The chosen validation ${one}` },
    { id: 'pad-noisy', caption: 'With noise', label: `The ${one} with the run’s noise added` },
    { id: 'pad-recon', caption: 'Cleaned up', label: `The network’s clean-up of the noisy ${one}` },
  ];
}

/** The share of values that differ between two equal-length arrays. */
function changedShare(a, b) {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n += 1;
  return a.length ? n / a.length : 0;
}

function view(lesson) {
  const { client, pictures, data } = lesson;
  const things = data ? (data.view === 'image' ? 'images' : 'rows') : 'digits';
  let noisy = null; // the rows' fixed corruption
  let count = COUNT; // rows shown: fewer when the data has fewer validation rows

  const pad = lesson.padCard({
    stages: padStages(data),
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
  // Convolutions slide over neighbouring pixels: a table's row has none (worker/data-source.js fitConfig refuses it).
  const convOff = data && data.view !== 'image';
  convButton.disabled = Boolean(convOff);
  const showPreset = (state) => {
    const conv = isConv(state);
    denseButton.setAttribute('aria-pressed', String(!conv));
    convButton.setAttribute('aria-pressed', String(conv));
    presetNote.textContent =
      (conv
        ? `Convolutional: ${state.conv.map((b) => `${b.channels} channels`).join(', then ')} (${state.conv[0].kernel}×${state.conv[0].kernel} kernels), then the code; transposed convolutions back up. The Keras blog's denoiser is shaped like this, with 32 channels.`
        : `Dense layers of ${state.encoder.join(', ') || 'no hidden'} units around the code.`) +
      (convOff
        ? ' A convolution slides over neighbouring pixels; a table’s row has none, so its denoiser is dense.'
        : '');
  };
  showPreset(lesson.store.get());
  lesson.own(lesson.store.subscribe((state) => showPreset(state)));

  const noisyStat = stat('stat-noisy-mse', 'Noisy in → clean out');
  const cleanStat = stat('stat-clean-mse', 'Clean in → clean out');
  const training = lesson.trainingCard({
    title: 'Reconstruction error',
    extra: [
      h('h4', { class: 'subhead' }, `Validation error (MSE against the clean ${things})`),
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
  const rowsTitle = `Validation ${things}: clean, corrupted, cleaned up`;
  lesson.describe(rowsEl, rowsTitle, () =>
    digitRowsWords({
      pictures,
      labels: lesson.labels,
      names: lesson.data?.labelNames,
      rows: [
        { name: 'clean', canvases: rows['dn-clean'] },
        { name: 'corrupted', canvases: rows['dn-noisy'], against: rows['dn-clean'], fixed: true },
        { name: 'cleaned up', canvases: rows['dn-recon'], against: rows['dn-clean'] },
      ],
    }),
  );

  // On own data: which noise the run uses (when not the chosen one, why) and how much of the rows it changed.
  const noiseNote = h('p', { class: 'hint', id: 'denoise-noise', hidden: true });
  const changed = h('p', { class: 'hint', id: 'dn-changed', hidden: true });

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
        title: rowsTitle,
        hint: 'The network only ever sees the middle row. The corruption is the one it trains with, drawn once with a fixed seed so the pictures stay put.',
      },
      noiseNote,
      rowsEl,
      changed,
    ),
  );

  /** The validation rows shown: as many as there are, up to COUNT; the canvases past them are left out. */
  function showCount(n) {
    count = n;
    for (const row of Object.values(rows)) {
      for (const [i, c] of row.entries()) c.style.display = i < n ? '' : 'none'; // .digit-canvas sets display
    }
  }

  // One refresh: corrupt the drawing (if any), then reconstruct the noisy rows and drawing in one call.
  const refresh = lesson.refresher(REFRESH_MS, async () => {
    if (!noisy) return;
    const { drawing, version } = pad;
    const { size } = pictures;
    const padNoisy = drawing ? await lesson.current(client.call('corrupt', drawing)) : null;
    const y = await lesson.current(client.call('reconstruct', withDrawing(noisy, count, padNoisy, size)));
    pictures.row(rows['dn-recon'].slice(0, count), y);
    if (!drawing || version !== pad.version) return;
    const recon = y.subarray(count * size);
    pad.show('pad-noisy', padNoisy);
    pad.show('pad-recon', recon);
    const err = mse(recon, drawing);
    const noisyErr = mse(padNoisy, drawing);
    const yours = data ? (data.view === 'image' ? 'the clean image' : 'the clean row') : 'your clean drawing';
    pad.message.textContent = `Error against ${yours} (MSE): ${fmtLoss(err)}; the noisy copy was ${fmtLoss(noisyErr)} off.`;
    pad.message.dataset.mse = String(err);
    pad.message.dataset.noisyMse = String(noisyErr);
  });

  lesson.refresher(EVALUATE_MS, async () => {
    const at = lesson.step;
    const e = await lesson.current(client.evaluate());
    showStat(noisyStat, e.noisyMse);
    showStat(cleanStat, e.mse);
    noisyStat.value.dataset.step = String(at); // the step the errors were measured at
  });

  return {
    reset(_info, state) {
      noisy = null;
      clearStats(noisyStat, cleanStat);
      delete noisyStat.value.dataset.step;
      const { why } = runNoise(state, data);
      noiseNote.textContent = why;
      noiseNote.hidden = !why;
      changed.hidden = true;
      delete changed.dataset.value;
    },

    async ready() {
      const { size } = pictures;
      showCount(Math.min(COUNT, Math.floor(lesson.digits.length / size)));
      const clean = lesson.digits.subarray(0, count * size);
      noisy = await lesson.current(client.call('corrupt', clean));
      pictures.row(rows['dn-noisy'].slice(0, count), noisy);
      if (data) {
        // What the corruption did to these rows: a share of values hidden or moved, to read against the level.
        const share = changedShare(noisy, clean);
        changed.textContent = `The noise changed ${fmtPercent(share)} of the values in these ${things}.`;
        changed.dataset.value = String(share);
        changed.hidden = false;
      }
    },
  };
}

export default defineLesson({
  id: 'denoise',
  title: 'Denoise',
  settingsTitle: 'Noise',
  settings,
  config(state, cfg) {
    cfg.train.noise = runNoise(state, ownInfo()).kind;
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
