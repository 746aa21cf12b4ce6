// Impute: fill in missing pixels with the autoencoder. Holes come from random
// dropout, a missing top half or centre square, or the learner's own eraser
// strokes on a shown digit. The network fills them in one pass and in five
// (each pass feeding its guess back in), scored on the missing pixels only
// against the mean-pixel baseline. A button retrains the lesson's model as a
// denoising autoencoder (masking or block noise), which fills large holes better.

import { h } from '../lib/dom.js';
import { SIDE } from '../lib/mnist.js';
import { paintBlank } from '../draw/images.js';
import { settingField } from '../state/lesson-settings-form.js';
import { MaskPad } from '../draw/mask-pad.js';
import { masksFor, maskFits, fillMissing, missingMse, paintMaskedRow, countMissing } from '../draw/masks.js';
import { defineLesson } from './kit/lesson.js';
import { card, cards } from './kit/cards.js';
import { digitCanvas, digitRows, figure, picture } from './kit/canvases.js';
import { fmtInt, fmtLoss } from './kit/format.js';
import { stat, showStat, clearStats, statList } from './kit/readout.js';
import { atStep, listLabels } from './kit/alt-text.js';
import { calmLive } from './kit/calm-live.js';
import { MASKS, NOISES, NOISE_LEVEL, settings, engineMask } from './impute/settings.js';
import { explain } from './impute/explain.js';

const ROWS = 10; // digits in the picture rows
const SCORED = 200; // validation digits the errors are averaged over (the rows are the first of them)
const ITERATIONS = 5;
const REFRESH_MS = 400;
const FILLS = ['imp-mean', 'imp-one', 'imp-iter']; // the rows the three fills are painted in

/** How the autoencoder's error (`ae`) compares with the mean image's, in words: "One pass: 44% less error than the mean image." */
export function verdict(mean, ae, what) {
  if (!(mean > 0) || !Number.isFinite(ae)) return '';
  const change = (ae - mean) / mean;
  if (Math.abs(change) < 0.02) return `${what}: about as good as the mean image.`;
  return change < 0
    ? `${what}: ${Math.round(-change * 100)}% less error than the mean image.`
    : `${what}: worse than the mean image, ${Math.round(change * 100)}% more error.`;
}

/** A button that trains the lesson's model with other noise. */
const trainButton = (id, noise, text, commit) =>
  h('button', { type: 'button', class: 'button small', id, on: { click: () => commit({ noise }) } }, text);

function view(lesson) {
  const { client, store, commit, pictures } = lesson;
  // On the person's own data (lesson.data) the rows may be pictures of another size or rows of numbers:
  // the holes are made at their shape, and erasing by hand (a 28×28 pad) is for digit-like pictures only.
  const { shape } = pictures;
  const { size } = shape;
  const noun = lesson.data ? (lesson.data.view === 'image' ? 'image' : 'row') : 'digit';
  const values = lesson.data && lesson.data.view !== 'image' ? 'values' : 'pixels';
  let pixelMean = null;
  let masks = null; // count × size, count: the validation rows loaded (SCORED, or fewer in a small data set)
  let count = SCORED;
  let ownMask = new Uint8Array(size).fill(1); // the erased mask, shared by every digit
  let padIndex = 0;
  let version = 0; // bumped when the holes change, so an older answer is not shown

  const padCanvas = picture(
    'mask-pad',
    'pad mask-pad',
    'A digit with its missing pixels; drag across it to erase more',
    {
      width: SIDE,
      height: SIDE,
    },
  );
  const pad = !shape.digits
    ? null
    : lesson.own(
        new MaskPad(padCanvas, {
          colours: () => ({ palette: pictures.palettes.digits, hole: pictures.palettes.hole }),
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
        }),
      );
  if (!pad) padCanvas.setAttribute('aria-label', `A ${noun} of your data with its missing ${values}`);
  const stages = { mean: 'Mean fill', one: 'One pass', iter: `${ITERATIONS} passes` };
  const padOut = {};
  const side = h('div', { class: 'pad-side many' });
  for (const [k, caption] of Object.entries(stages)) {
    padOut[k] = digitCanvas({
      id: `pad-${k}`,
      class: 'digit-canvas large',
      'aria-label': `This ${noun} filled in: ${caption}`,
    });
    side.append(figure(padOut[k], caption));
  }
  const padMessage = h('p', { class: 'pad-error', id: 'pad-error' });
  lesson.own(calmLive(padMessage));
  const next = h('button', { type: 'button', class: 'button small', id: 'next-digit' }, `Next ${noun}`);
  const maskNote = h('p', { class: 'hint', id: 'mask-note' });
  const clearHoles = h('button', { type: 'button', class: 'button small', id: 'clear-holes' }, 'Clear holes');
  const fields = Object.fromEntries(
    ['mask', 'rate', 'side'].map((k) => [k, settingField(k, settings[k], { get: store.get, commit })]),
  );

  const training = lesson.trainingCard({ title: 'Reconstruction error' });
  const { el: rowsEl, rows } = digitRows(ROWS, [
    { id: 'imp-orig', label: 'Original' },
    { id: 'imp-holes', label: 'With holes' },
    { id: 'imp-mean', label: 'Mean fill' },
    { id: 'imp-one', label: 'One pass', className: 'recon' },
    { id: 'imp-iter', label: `${ITERATIONS} passes`, className: 'recon' },
  ]);
  const rowMse = {};
  for (const id of FILLS) {
    rowMse[id] = h('span', { class: 'row-mse' });
    rowsEl.querySelector(`#${id}`).previousElementSibling.append(h('br'), rowMse[id]);
  }
  const meanStat = stat('stat-imp-mean', 'Mean image');
  const oneStat = stat('stat-imp-one', 'Autoencoder, one pass');
  const iterStat = stat('stat-imp-iter', `Autoencoder, ${ITERATIONS} passes`);
  lesson.describe(rowsEl, 'Digits with holes, filled in three ways', () => {
    const which = lesson.labels ? `${ROWS} digits: ${listLabels(Array.from(lesson.labels).slice(0, ROWS))}` : '';
    const filled = pictures.shownOn(rows['imp-one'][0]);
    const errors = [meanStat, oneStat, iterStat].map((s) => s.value.textContent);
    return (
      `${which}. Rows: original; with holes; mean fill; one pass; ${ITERATIONS} passes. ` +
      (filled?.pixels
        ? `Error on the missing pixels over ${SCORED} digits ${atStep(filled.step)}: mean fill ${errors[0]}, ` +
          `one pass ${errors[1]}, ${ITERATIONS} passes ${errors[2]}`
        : 'Not filled in yet')
    );
  });
  const verdictEl = h('p', { class: 'verdict', id: 'imp-verdict' });
  const testCheck = h('p', { class: 'hint', id: 'imp-test-check' });
  const modelNote = h('p', { class: 'lead-note', id: 'imp-model-note' });

  lesson.show(
    modelNote,
    cards(
      card(
        { id: 'holes-title', title: 'Make holes', className: 'pad-card' },
        h('div', { class: 'pad-row' }, h('div', { class: 'pad-wrap' }, padCanvas), side),
        h('div', { class: 'pad-actions' }, next, clearHoles, padMessage),
        h(
          'p',
          { class: 'hint pad-hint' },
          pad
            ? 'Drag across the digit to erase pixels (shown in orange); your holes then apply to every digit.'
            : `The missing ${values} are shown in orange` +
                (shape.kind === 'values' ? '; the known ones as cells, blue below zero and red above.' : '.'),
        ),
        maskNote,
        h('div', { class: 'mask-fields' }, fields.mask.el, fields.rate.el, fields.side.el),
      ),
      training.el,
    ),
    card(
      {
        id: 'imp-rows-title',
        title: 'Filled in, and how far off',
        hint: `Error (MSE) on the missing ${values} only, averaged over ${lesson.data ? 'up to ' : ''}${SCORED} validation ${noun}s; the first ${ROWS} are shown.`,
      },
      statList([meanStat, oneStat, iterStat], 'inline'),
      verdictEl,
      rowsEl,
      testCheck,
    ),
  );

  const fillOf = (state) => (state.noise === 'none' ? pixelMean : new Float32Array(size));
  /** The kind of holes made: the chosen one, or random holes where it cannot apply (said in the card). */
  const maskKind = (state) => (maskFits(state.mask, shape) ? state.mask : 'random');

  function showModelNote(state) {
    modelNote.replaceChildren();
    if (state.noise === 'none') {
      modelNote.append(
        'This is a plain autoencoder: it never practised filling holes. ',
        trainButton('train-block', 'block', 'Train with block noise', commit),
        ' ',
        trainButton('train-masking', 'masking', 'Train with masking noise', commit),
      );
    } else {
      modelNote.append(
        `This model is a denoising autoencoder, trained with ${state.noise} noise; its holes start at 0. It starts from fresh weights, so give it a few hundred steps. `,
        trainButton('train-plain', 'none', 'Back to a plain autoencoder', commit),
      );
    }
  }

  function showFields(state) {
    fields.rate.el.hidden = state.mask !== 'random';
    fields.side.el.hidden = state.mask !== 'centre';
    clearHoles.hidden = state.mask !== 'erase';
    for (const f of Object.values(fields)) f.show(state);
    maskNote.textContent = maskFits(state.mask, shape)
      ? ''
      : `${MASKS[state.mask]} needs ${state.mask === 'erase' ? '28×28 gray pictures like the digits' : 'pictures'}; ` +
        `your data gets random holes instead (${Math.round(state.rate * 100)}% of its ${values}).`;
    if (shape.kind === 'values' && state.mask === 'top')
      maskNote.textContent = `Top half of rows of numbers: the first half of each row's ${values} is missing.`;
  }

  /** The holes for the current settings (or the eraser), on the digits and the pad. */
  function newMasks() {
    const s = store.get();
    const kind = maskKind(s);
    count = lesson.digits ? Math.min(SCORED, Math.floor(lesson.digits.length / size)) : SCORED;
    masks = masksFor(
      count,
      kind,
      { rate: s.rate, side: s.side, seed: s.seed },
      kind === 'erase' ? ownMask : null,
      shape,
    );
    version += 1;
    paintInputs();
  }
  function makeMasks() {
    newMasks();
    refresh();
  }

  const at = (a, i = padIndex) => a.subarray(i * size, (i + 1) * size);

  function paintInputs() {
    const { digits } = lesson;
    rows['imp-holes'].forEach((c, i) => {
      pictures.draw(c, (palettes) =>
        digits && masks && i < count
          ? paintMaskedRow(c, digits, masks, { offset: i * size, shape, palettes })
          : paintBlank(c, { palette: palettes.digits, width: shape.width, height: shape.height }),
      );
    });
    if (digits && masks && pad) {
      pad.show(at(digits), at(masks));
      pictures.draw(padCanvas, () => pad.paint());
    } else if (digits && masks) {
      const offset = padIndex * size;
      pictures.draw(padCanvas, (palettes) => paintMaskedRow(padCanvas, digits, masks, { offset, shape, palettes }));
    } else pictures.digit(padCanvas, null);
  }

  function clearOutputs() {
    for (const id of FILLS) {
      pictures.row(rows[id], null);
      rowMse[id].textContent = '';
    }
    for (const c of Object.values(padOut)) pictures.digit(c, null);
    clearStats(meanStat, oneStat, iterStat);
    verdictEl.textContent = '';
  }

  const refresh = lesson.refresher(REFRESH_MS, async () => {
    const { digits } = lesson;
    if (!pixelMean || !masks) return;
    const forVersion = version;
    if (!countMissing(masks)) {
      clearOutputs();
      padMessage.textContent = pad
        ? 'No pixels are missing yet: drag across the digit to erase some.'
        : `No ${values} are missing: choose a larger share missing.`;
      return;
    }
    const fill = fillOf(store.get());
    const batch = digits.subarray(0, count * size);
    const meanFill = fillMissing(batch, masks, pixelMean);
    const one = await lesson.current(client.call('imputeImages', batch, masks, fill, 1));
    const iter = await lesson.current(client.call('imputeImages', batch, masks, fill, ITERATIONS));
    if (forVersion !== version) return;
    const results = { 'imp-mean': meanFill, 'imp-one': one, 'imp-iter': iter };
    const scores = {};
    for (const [id, y] of Object.entries(results)) {
      scores[id] = missingMse(y, batch, masks, count, size);
      pictures.row(rows[id], y);
      rowMse[id].textContent = `MSE ${fmtLoss(scores[id])}`;
    }
    showStat(meanStat, scores['imp-mean']);
    showStat(oneStat, scores['imp-one']);
    showStat(iterStat, scores['imp-iter']);
    verdictEl.textContent = `${verdict(scores['imp-mean'], scores['imp-one'], 'One pass')} ${verdict(scores['imp-mean'], scores['imp-iter'], `${ITERATIONS} passes`)}`;

    const own = Object.fromEntries(
      Object.entries(results).map(([id, y]) => [id, missingMse(at(y), at(batch), at(masks), 1, size)]),
    );
    pictures.digit(padOut.mean, at(meanFill));
    pictures.digit(padOut.one, at(one));
    pictures.digit(padOut.iter, at(iter));
    padMessage.textContent = Number.isFinite(own['imp-mean'])
      ? `This ${noun}: mean ${fmtLoss(own['imp-mean'])}, one pass ${fmtLoss(own['imp-one'])}, ${ITERATIONS} passes ${fmtLoss(own['imp-iter'])}.`
      : `This ${noun} has no missing ${values}.`;
    padMessage.dataset.mse = String(own['imp-iter']);
  });

  /** The engine's own report on test digits (always from the mean fill), for the built-in holes of a plain model. */
  const check = lesson.refresher(2000, async () => {
    const state = store.get();
    testCheck.textContent = '';
    if (state.noise !== 'none' || state.mask === 'erase') return;
    // The engine makes a top half or a centre square in square gray pictures only.
    const square = shape.kind === 'image' && shape.channels === 1 && shape.width === shape.height;
    if (state.mask !== 'random' && !square) {
      testCheck.textContent = `The engine’s own check on test ${noun}s makes this kind of holes in square gray pictures only; choose random holes for it.`;
      return;
    }
    // The test rows are a tenth of the data (src/data.rs), of which the engine takes the first SCORED.
    const testRows = lesson.data ? Math.min(SCORED, Math.max(1, Math.floor(lesson.data.rows / 10))) : SCORED;
    const r = await lesson.current(
      client.call('imputeReport', { mask: engineMask(state), iterations: ITERATIONS, n: SCORED }),
    );
    testCheck.textContent =
      `The same holes on ${fmtInt(testRows)} test ${noun}s (the engine’s imputeReport): mean ${fmtLoss(r.mean)}, ` +
      `one pass ${fmtLoss(r.onePass)}, ${ITERATIONS} passes ${fmtLoss(r.iterative)}.`;
    testCheck.dataset.mean = String(r.mean);
  });

  next.addEventListener('click', () => {
    padIndex = (padIndex + 1) % count;
    paintInputs();
    refresh();
  });
  clearHoles.addEventListener('click', () => {
    ownMask = new Uint8Array(size).fill(1);
    makeMasks();
  });

  lesson.showDigits(rows['imp-orig']);
  showFields(store.get());
  showModelNote(store.get());
  paintInputs();
  clearOutputs();

  return {
    reset(_info, state) {
      showModelNote(state);
      clearOutputs();
    },
    async ready() {
      pixelMean = await lesson.current(client.call('pixelMean'));
      newMasks(); // the refreshes follow
    },
    update(state) {
      showFields(state);
      makeMasks();
      check();
    },
  };
}

export default defineLesson({
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
  lead: (lesson) =>
    lesson.data
      ? 'Knock values out of your data’s rows and let the autoencoder fill them back in, then check it against the ' +
        'simplest guess, each value’s mean. This is how gaps in images, sensor logs or survey answers are filled.'
      : 'Knock pixels out of a digit and let the autoencoder paint them back in, then check it against the ' +
        'simplest guess, the average digit. You would use this to fill gaps in images, sensor logs or survey answers.',
  explain: (lesson) => explain((noise) => lesson.commit({ noise })),
  digits: SCORED,
  view,
});
