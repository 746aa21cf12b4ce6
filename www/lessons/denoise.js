// Denoise: the network sees corrupted digits and is trained to give back the
// clean ones. Rows of clean, corrupted (the trainer's own corruption, with a
// fixed seed) and reconstructed validation digits; the draw pad corrupts your
// drawing the same way and shows the clean-up live; the validation error is
// shown on noisy and on clean inputs.

import { h } from '../lib/dom.js';
import { paintImage, paintBlank, digitPalette } from '../draw/images.js';
import { choice, range } from '../state/setting-types.js';
import {
  PIXELS,
  lessonHeader,
  TrainingCard,
  digitRows,
  explainer,
  stat,
  showStat,
  fmtLoss,
  throttle,
  onSchemeChange,
  mse,
  withDrawing,
} from './kit/common.js';
import { padCard, cyclingSampler } from './kit/pad-card.js';

const COUNT = 12;
const REFRESH_MS = 150;
const EVALUATE_MS = 1000;
const LOSS_NAMES = { mse: 'MSE', bce: 'BCE' };

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

function explanation() {
  return explainer({
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
  });
}

function mount(root, { client, store, commit }) {
  let palette = digitPalette();
  let run = 0;
  let clean = null; // COUNT validation digits
  let noisy = null; // their fixed corruption
  let padVersion = 0;
  const EMPTY = 'Draw a digit to see the noise added and cleaned up.';

  const card = padCard({
    stages: [
      { id: 'pad-input', caption: 'Your drawing', label: 'Your drawing as the network sees it, 28 by 28 pixels' },
      { id: 'pad-noisy', caption: 'With noise', label: 'Your drawing with the chosen noise added' },
      { id: 'pad-recon', caption: 'Cleaned up', label: 'The network’s clean-up of the noisy drawing' },
    ],
    arrowBefore: 2,
    emptyMessage: EMPTY,
    onChange: () => {
      padVersion += 1;
      showPad(null);
      refresh();
    },
    sampleDigit: cyclingSampler(() => clean, COUNT),
  });
  const { pad } = card;

  const noisyStat = stat('stat-noisy-mse', 'Noisy in → clean out');
  const cleanStat = stat('stat-clean-mse', 'Clean in → clean out');
  const training = new TrainingCard({
    store,
    commit,
    title: 'Reconstruction error',
    lossName: (s) => LOSS_NAMES[s.loss] ?? s.loss,
    extra: [
      h('h4', { class: 'subhead' }, 'Validation error (MSE against the clean digits)'),
      h('dl', { class: 'stats two' }, noisyStat.el, cleanStat.el),
    ],
  });

  const rows = digitRows(COUNT, [
    { id: 'dn-clean', label: 'Clean' },
    { id: 'dn-noisy', label: 'Corrupted' },
    { id: 'dn-recon', label: 'Reconstructed', className: 'recon' },
  ]);

  root.append(
    h(
      'section',
      { class: 'lesson', 'aria-labelledby': 'lesson-title' },
      lessonHeader(
        'Denoise',
        'A denoising autoencoder is fed damaged digits and trained to give back the clean originals, ' +
          'so it must learn what digits look like instead of copying pixels. You would use one to clean up noisy scans, ' +
          'photos or sensor data, to fill in missing parts, or to learn sturdier features.',
      ),
      h('div', { class: 'cards' }, card.el, training.el),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'rows-title' },
        h('h3', { id: 'rows-title' }, 'Validation digits: clean, corrupted, cleaned up'),
        h(
          'p',
          { class: 'hint' },
          'The network only ever sees the middle row. The corruption is the one it trains with, drawn once with a fixed seed so the pictures stay put.',
        ),
        rows.el,
      ),
      explanation(),
    ),
  );

  function paintRow(id, data) {
    rows.rows[id].forEach((c, i) => {
      data ? paintImage(c, data, { offset: i * PIXELS, palette }) : paintBlank(c, { palette });
    });
  }

  let lastPad = null; // { noisy, recon } of the current drawing
  function showPad(result) {
    const x = pad.toMnist();
    if (x) paintImage(card.canvases['pad-input'], x, { palette });
    else paintBlank(card.canvases['pad-input'], { palette });
    if (result) lastPad = result;
    if (!x) lastPad = null;
    if (lastPad) {
      paintImage(card.canvases['pad-noisy'], lastPad.noisy, { palette });
      paintImage(card.canvases['pad-recon'], lastPad.recon, { palette });
    } else if (!x) {
      paintBlank(card.canvases['pad-noisy'], { palette });
      paintBlank(card.canvases['pad-recon'], { palette });
      card.message.textContent = EMPTY;
    }
  }

  // One refresh: corrupt the drawing (if any), then reconstruct the noisy rows and drawing in one call.
  async function refreshNow() {
    if (!run || !noisy) return;
    const forRun = run;
    const forPad = padVersion;
    const padX = pad.toMnist();
    const padNoisy = padX ? await client.call('corrupt', padX) : null;
    if (forRun !== run) return;
    const x = withDrawing(noisy, COUNT, padNoisy);
    const y = await client.call('reconstruct', x);
    if (forRun !== run) return;
    paintRow('dn-recon', y);
    if (padX && forPad === padVersion) {
      const recon = y.subarray(COUNT * PIXELS);
      showPad({ noisy: padNoisy, recon });
      const err = mse(recon, padX);
      card.message.textContent = `Error against your clean drawing (MSE): ${fmtLoss(err)}; the noisy copy was ${fmtLoss(mse(padNoisy, padX))} off.`;
      card.message.dataset.mse = String(err);
    }
  }
  const refresh = throttle(refreshNow, REFRESH_MS);

  async function evaluateNow() {
    if (!run) return;
    const forRun = run;
    const e = await client.evaluate();
    if (forRun !== run) return;
    showStat(noisyStat, e.noisyMse);
    showStat(cleanStat, e.mse);
  }
  const evaluate = throttle(evaluateNow, EVALUATE_MS);

  function paintAll() {
    paintRow('dn-clean', clean);
    paintRow('dn-noisy', noisy);
    paintRow('dn-recon', null);
    showPad(null);
  }

  const stopScheme = onSchemeChange(() => {
    palette = digitPalette();
    pad.retint();
    paintAll();
    refresh();
  });
  paintAll();

  return {
    async reset(info, state) {
      run = info.run;
      noisy = null;
      lastPad = null;
      training.reset(state);
      showStat(noisyStat, null);
      showStat(cleanStat, null);
      root.querySelector('.lesson').classList.remove('stale');
      try {
        if (!clean) clean = (await client.validationImages(COUNT)).images;
        const corrupted = await client.call('corrupt', clean);
        if (info.run !== run) return;
        noisy = corrupted;
        paintAll();
        refresh();
        evaluate();
      } catch {
        // The next reset tries again.
      }
    },
    invalid() {
      run = 0;
      root.querySelector('.lesson').classList.add('stale');
    },
    stats(msg) {
      training.stats(msg);
      refresh();
      evaluate();
    },
    halted() {
      refresh();
      evaluate();
    },
    paused() {
      evaluate();
    },
    setScale(scale) {
      training.setScale(scale);
    },
    unmount() {
      refresh.stop();
      evaluate.stop();
      stopScheme();
      card.destroy();
      training.destroy();
      root.replaceChildren();
    },
  };
}

export default {
  id: 'denoise',
  title: 'Denoise',
  settingsTitle: 'Noise',
  settings,
  config(state, cfg) {
    cfg.train.noise = state.noise;
    cfg.train.noiseLevel = state.level;
    return cfg;
  },
  mount,
};
