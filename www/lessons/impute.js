// Impute: fill in missing pixels with the autoencoder. Holes come from random
// dropout, a missing top half or centre square, or the learner's own eraser
// strokes on a shown digit. The network fills them in one pass and in five
// (each pass feeding its guess back in), scored on the missing pixels only
// against the mean-pixel baseline. A button retrains the lesson's model as a
// denoising autoencoder (masking or block noise), which fills large holes better.

import { h, cssVar } from '../lib/dom.js';
import { paintImage, paintBlank, digitPalette, parseColour } from '../draw/images.js';
import { choice, range } from '../state/setting-types.js';
import { settingField } from '../state/lesson-settings-form.js';
import { MaskPad } from '../draw/mask-pad.js';
import { masksFor, fillMissing, missingMse, paintMasked, countMissing, PIXELS } from '../draw/masks.js';
import {
  lessonHeader,
  TrainingCard,
  digitRows,
  explainer,
  figure,
  stat,
  showStat,
  fmtLoss,
  throttle,
  onSchemeChange,
} from './kit/common.js';

const ROWS = 10; // digits in the picture rows
const SCORED = 200; // validation digits the errors are averaged over (the rows are the first of them)
const ITERATIONS = 5;
const REFRESH_MS = 400;
const NOISE_LEVEL = 0.5;
const LOSS_NAMES = { mse: 'MSE', bce: 'BCE' };
const MASKS = {
  random: 'Random pixels',
  top: 'Top half',
  centre: 'Centre square',
  erase: 'Your own: erase on the digit',
};
const NOISES = {
  none: 'No noise (a plain autoencoder)',
  masking: 'Masking noise (half the pixels erased)',
  block: 'Block noise (a square, half the side, erased)',
};

const settings = {
  mask: choice('Missing pixels', Object.entries(MASKS), 'random', { rebuild: false, inPanel: false }),
  rate: range('Share missing', {
    min: 0.05,
    max: 0.95,
    step: 0.05,
    def: 0.5,
    rebuild: false,
    inPanel: false,
    describe: (v) => `${Math.round(v * 100)}% of pixels`,
  }),
  side: range('Square side', {
    min: 2,
    max: 28,
    step: 2,
    def: 14,
    rebuild: false,
    inPanel: false,
    describe: (v) => `${Math.round(v)}×${Math.round(v)} pixels`,
  }),
  noise: choice('Train the model with', Object.entries(NOISES), 'none', {
    hint: (s) =>
      s.noise === 'none'
        ? 'Holes start at the mean image, which the network then repaints.'
        : 'A denoising autoencoder: trained to repair digits with pixels set to 0, so holes start at 0.',
  }),
};

/** How the autoencoder's error (`ae`) compares with the mean image's, in words: "One pass: 44% less error than the mean image." */
export function verdict(mean, ae, what) {
  if (!(mean > 0) || !Number.isFinite(ae)) return '';
  const change = (ae - mean) / mean;
  if (Math.abs(change) < 0.02) return `${what}: about as good as the mean image.`;
  return change < 0
    ? `${what}: ${Math.round(-change * 100)}% less error than the mean image.`
    : `${what}: worse than the mean image, ${Math.round(change * 100)}% more error.`;
}

function explanation(commitNoise) {
  return explainer({
    body: [
      'Mark some pixels as missing and start them at the average digit (the mean of each pixel over the training set). ' +
        'The autoencoder reconstructs the whole image; its output replaces the missing pixels only, the known ones stay. ' +
        'Five passes feed each guess back in, so the known strokes pull the guess toward a digit that fits them.',
      'Scores count the missing pixels only (known pixels are right by construction and would dilute the error), and the ' +
        'baseline is the mean image on its own. A plain autoencoder does well on scattered holes, but a large block filled with ' +
        'the mean is unlike anything it was trained on, and it can do worse than the mean there (the engine measured ' +
        'a 14×14 centre hole: mean 0.171, plain autoencoder 0.184).',
      h(
        'p',
        {},
        'A ',
        h('strong', {}, 'denoising'),
        ' autoencoder trained with block or masking noise has practised exactly this: ' +
          'it learnt to repair digits with erased pixels, so it fills large holes far better (0.113 on the same hole). ',
        h(
          'button',
          { type: 'button', class: 'button small', on: { click: () => commitNoise('block') } },
          'Train with block noise',
        ),
      ),
    ],
    tryThis: [
      'Random pixels at 50%: the network fills them better than the mean. Raise the share to 90%: how long does it keep up?',
      'Centre square, 14 pixels, with the plain model: compare one pass with the mean. Then retrain with block noise.',
      'Erase a stroke that tells two digits apart (the top bar of a 7, the loop of a 9) and see which digit the network guesses.',
    ],
    interview: [
      [
        'Why score only the missing pixels?',
        'The known pixels are copied, so including them only shrinks every error toward zero and hides the differences.',
      ],
      [
        'Why can iterating help?',
        'Each pass gives the network a more digit-like input than the mean fill did, closer to what it was trained on.',
      ],
      [
        'Where is this used?',
        'Inpainting photos, filling gaps in sensor and survey data, and the masked-autoencoder pre-training behind many vision models.',
      ],
    ],
  });
}

function mount(root, { client, store, commit }) {
  let palette = digitPalette();
  let hole = parseColour(cssVar('--heat'), [200, 60, 20]);
  let run = 0;
  let digits = null; // SCORED validation digits
  let pixelMean = null;
  let masks = null; // SCORED × 784
  let ownMask = new Uint8Array(PIXELS).fill(1); // the erased mask, shared by every digit
  let padIndex = 0;
  let version = 0; // bumped when the holes change, so an older answer is not shown
  const colours = () => ({ palette, hole });

  const padCanvas = h('canvas', {
    id: 'mask-pad',
    class: 'pad mask-pad',
    width: 28,
    height: 28,
    role: 'img',
    'aria-label': 'A digit with its missing pixels; drag across it to erase more',
  });
  const pad = new MaskPad(padCanvas, {
    colours,
    onStart: (p) => {
      if (store.get().mask !== 'erase') {
        ownMask = Uint8Array.from(p.mask);
        commit({ mask: 'erase' });
      }
    },
    onChange: (p) => {
      ownMask = Uint8Array.from(p.mask);
      makeMasks();
    },
  });
  const stages = { mean: 'Mean fill', one: 'One pass', iter: `${ITERATIONS} passes` };
  const padOut = {};
  const side = h('div', { class: 'pad-side many' });
  for (const [k, caption] of Object.entries(stages)) {
    padOut[k] = h('canvas', {
      id: `pad-${k}`,
      class: 'digit-canvas large',
      width: 28,
      height: 28,
      role: 'img',
      'aria-label': `This digit filled in: ${caption}`,
    });
    side.append(figure(padOut[k], caption));
  }
  const padMessage = h('p', { class: 'pad-error', id: 'pad-error', 'aria-live': 'polite' });
  const next = h('button', { type: 'button', class: 'button small', id: 'next-digit' }, 'Next digit');
  const clearHoles = h('button', { type: 'button', class: 'button small', id: 'clear-holes' }, 'Clear holes');
  const fields = Object.fromEntries(
    ['mask', 'rate', 'side'].map((k) => [k, settingField(k, settings[k], { get: store.get, commit })]),
  );

  const training = new TrainingCard({
    store,
    commit,
    title: 'Reconstruction error',
    lossName: (s) => LOSS_NAMES[s.loss] ?? s.loss,
  });
  const rows = digitRows(ROWS, [
    { id: 'imp-orig', label: 'Original' },
    { id: 'imp-holes', label: 'With holes' },
    { id: 'imp-mean', label: 'Mean fill' },
    { id: 'imp-one', label: 'One pass', className: 'recon' },
    { id: 'imp-iter', label: `${ITERATIONS} passes`, className: 'recon' },
  ]);
  const rowMse = {};
  for (const id of ['imp-mean', 'imp-one', 'imp-iter']) {
    rowMse[id] = h('span', { class: 'row-mse' });
    rows.el.querySelector(`#${id}`).previousElementSibling.append(h('br'), rowMse[id]);
  }
  const meanStat = stat('stat-imp-mean', 'Mean image');
  const oneStat = stat('stat-imp-one', 'Autoencoder, one pass');
  const iterStat = stat('stat-imp-iter', `Autoencoder, ${ITERATIONS} passes`);
  const verdictEl = h('p', { class: 'verdict', id: 'imp-verdict' });
  const testCheck = h('p', { class: 'hint', id: 'imp-test-check' });
  const modelNote = h('p', { class: 'lead-note', id: 'imp-model-note' });

  root.append(
    h(
      'section',
      { class: 'lesson', 'aria-labelledby': 'lesson-title' },
      lessonHeader(
        'Impute',
        'Knock pixels out of a digit and let the autoencoder paint them back in, then check it against the ' +
          'simplest guess, the average digit. You would use this to fill gaps in images, sensor logs or survey answers.',
      ),
      modelNote,
      h(
        'div',
        { class: 'cards' },
        h(
          'section',
          { class: 'card pad-card', 'aria-labelledby': 'holes-title' },
          h('h3', { id: 'holes-title' }, 'Make holes'),
          h('div', { class: 'pad-row' }, h('div', { class: 'pad-wrap' }, padCanvas), side),
          h('div', { class: 'pad-actions' }, next, clearHoles, padMessage),
          h(
            'p',
            { class: 'hint pad-hint' },
            'Drag across the digit to erase pixels (shown in orange); your holes then apply to every digit.',
          ),
          h('div', { class: 'mask-fields' }, fields.mask.el, fields.rate.el, fields.side.el),
        ),
        training.el,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'imp-rows-title' },
        h('h3', { id: 'imp-rows-title' }, 'Filled in, and how far off'),
        h(
          'p',
          { class: 'hint' },
          `Error (MSE) on the missing pixels only, averaged over ${SCORED} validation digits; the first ${ROWS} are shown.`,
        ),
        h('dl', { class: 'stats inline' }, meanStat.el, oneStat.el, iterStat.el),
        verdictEl,
        rows.el,
        testCheck,
      ),
      explanation((noise) => commit({ noise })),
    ),
  );

  const fillOf = (state) => (state.noise === 'none' ? pixelMean : new Float32Array(PIXELS));

  function showModelNote(state) {
    modelNote.replaceChildren();
    if (state.noise === 'none') {
      modelNote.append(
        'This is a plain autoencoder: it never practised filling holes. ',
        h(
          'button',
          { type: 'button', class: 'button small', id: 'train-block', on: { click: () => commit({ noise: 'block' }) } },
          'Train with block noise',
        ),
        ' ',
        h(
          'button',
          {
            type: 'button',
            class: 'button small',
            id: 'train-masking',
            on: { click: () => commit({ noise: 'masking' }) },
          },
          'Train with masking noise',
        ),
      );
    } else {
      modelNote.append(
        `This model is a denoising autoencoder, trained with ${state.noise} noise; its holes start at 0. It starts from fresh weights, so give it a few hundred steps. `,
        h(
          'button',
          { type: 'button', class: 'button small', id: 'train-plain', on: { click: () => commit({ noise: 'none' }) } },
          'Back to a plain autoencoder',
        ),
      );
    }
  }

  function showFields(state) {
    fields.rate.el.hidden = state.mask !== 'random';
    fields.side.el.hidden = state.mask !== 'centre';
    clearHoles.hidden = state.mask !== 'erase';
    for (const f of Object.values(fields)) f.show(state);
  }

  function makeMasks() {
    const s = store.get();
    masks = masksFor(SCORED, s.mask, { rate: s.rate, side: s.side, seed: s.seed }, s.mask === 'erase' ? ownMask : null);
    version += 1;
    paintInputs();
    refresh();
  }

  function paintRow(id, data, painter = paintImage) {
    rows.rows[id].forEach((c, i) => {
      data ? painter(c, data, { offset: i * PIXELS, palette }) : paintBlank(c, { palette });
    });
  }

  function paintInputs() {
    paintRow('imp-orig', digits);
    rows.rows['imp-holes'].forEach((c, i) => {
      digits && masks
        ? paintMasked(c, digits, masks, { offset: i * PIXELS, palette, hole })
        : paintBlank(c, { palette });
    });
    if (digits && masks)
      pad.show(
        digits.subarray(padIndex * PIXELS, (padIndex + 1) * PIXELS),
        masks.subarray(padIndex * PIXELS, (padIndex + 1) * PIXELS),
      );
    else paintBlank(padCanvas, { palette });
  }

  function clearOutputs() {
    for (const id of ['imp-mean', 'imp-one', 'imp-iter']) {
      paintRow(id, null);
      rowMse[id].textContent = '';
    }
    for (const c of Object.values(padOut)) paintBlank(c, { palette });
    for (const s of [meanStat, oneStat, iterStat]) showStat(s, null);
    verdictEl.textContent = '';
  }

  async function refreshNow() {
    if (!run || !digits || !pixelMean || !masks) return;
    const forRun = run;
    const forVersion = version;
    const state = store.get();
    const missing = countMissing(masks);
    if (!missing) {
      clearOutputs();
      padMessage.textContent = 'No pixels are missing yet: drag across the digit to erase some.';
      return;
    }
    const fill = fillOf(state);
    const meanFill = fillMissing(digits, masks, pixelMean);
    const one = await client.call('imputeImages', digits, masks, fill, 1);
    const iter = await client.call('imputeImages', digits, masks, fill, ITERATIONS);
    if (forRun !== run || forVersion !== version) return;
    const results = { 'imp-mean': meanFill, 'imp-one': one, 'imp-iter': iter };
    const scores = {};
    for (const [id, y] of Object.entries(results)) {
      scores[id] = missingMse(y, digits, masks);
      paintRow(id, y);
      rowMse[id].textContent = `MSE ${fmtLoss(scores[id])}`;
    }
    showStat(meanStat, scores['imp-mean']);
    showStat(oneStat, scores['imp-one']);
    showStat(iterStat, scores['imp-iter']);
    verdictEl.textContent = `${verdict(scores['imp-mean'], scores['imp-one'], 'One pass')} ${verdict(scores['imp-mean'], scores['imp-iter'], `${ITERATIONS} passes`)}`;

    const o = padIndex * PIXELS;
    const slice = (a) => a.subarray(o, o + PIXELS);
    const own = Object.fromEntries(
      Object.entries(results).map(([id, y]) => [id, missingMse(slice(y), slice(digits), slice(masks))]),
    );
    paintImage(padOut.mean, slice(meanFill), { palette });
    paintImage(padOut.one, slice(one), { palette });
    paintImage(padOut.iter, slice(iter), { palette });
    padMessage.textContent = Number.isFinite(own['imp-mean'])
      ? `This digit: mean ${fmtLoss(own['imp-mean'])}, one pass ${fmtLoss(own['imp-one'])}, ${ITERATIONS} passes ${fmtLoss(own['imp-iter'])}.`
      : 'This digit has no missing pixels.';
    padMessage.dataset.mse = String(own['imp-iter']);
  }
  const refresh = throttle(refreshNow, REFRESH_MS);

  /** The engine's own report on test digits (always from the mean fill), for the built-in holes of a plain model. */
  async function testCheckNow() {
    const state = store.get();
    testCheck.textContent = '';
    if (!run || state.noise !== 'none' || state.mask === 'erase') return;
    const forRun = run;
    const mask =
      state.mask === 'random'
        ? { kind: 'random', rate: state.rate }
        : state.mask === 'top'
          ? { kind: 'topHalf' }
          : { kind: 'centreSquare', side: Math.round(state.side) };
    const r = await client.call('imputeReport', { mask, iterations: ITERATIONS, n: SCORED });
    if (forRun !== run) return;
    testCheck.textContent =
      `The same holes on ${SCORED} test digits (the engine’s imputeReport): mean ${fmtLoss(r.mean)}, ` +
      `one pass ${fmtLoss(r.onePass)}, ${ITERATIONS} passes ${fmtLoss(r.iterative)}.`;
    testCheck.dataset.mean = String(r.mean);
  }
  const check = throttle(testCheckNow, 2000);

  next.addEventListener('click', () => {
    padIndex = (padIndex + 1) % SCORED;
    paintInputs();
    refresh();
  });
  clearHoles.addEventListener('click', () => {
    ownMask = new Uint8Array(PIXELS).fill(1);
    makeMasks();
  });

  const stopScheme = onSchemeChange(() => {
    palette = digitPalette();
    hole = parseColour(cssVar('--heat'), [200, 60, 20]);
    paintInputs();
    refresh();
  });
  showFields(store.get());
  showModelNote(store.get());
  paintInputs();
  clearOutputs();

  return {
    async reset(info, state) {
      run = info.run;
      training.reset(state);
      showModelNote(state);
      clearOutputs();
      root.querySelector('.lesson').classList.remove('stale');
      try {
        if (!digits) digits = (await client.validationImages(SCORED)).images;
        const m = await client.call('pixelMean');
        if (info.run !== run) return;
        pixelMean = m;
        makeMasks();
        check();
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
      check();
    },
    halted() {
      refresh();
    },
    paused() {
      check();
    },
    update(state) {
      showFields(state);
      makeMasks();
      check();
    },
    setScale(scale) {
      training.setScale(scale);
    },
    unmount() {
      refresh.stop();
      check.stop();
      stopScheme();
      pad.destroy();
      training.destroy();
      root.replaceChildren();
    },
  };
}

export default {
  id: 'impute',
  title: 'Impute',
  settingsTitle: 'Imputation',
  settings,
  config(state, cfg) {
    if (state.noise !== 'none') {
      cfg.train.noise = state.noise;
      cfg.train.noiseLevel = NOISE_LEVEL;
    }
    return cfg;
  },
  note: (state) =>
    state.noise === 'none' ? null : `Noise level ${NOISE_LEVEL}: ${NOISES[state.noise].toLowerCase()}.`,
  mount,
};
