// Autoencoder vs PCA: PCA with as many components as the code has numbers is
// the best linear compression of the digits. It is fitted once (a second or
// so in the worker); the autoencoder trains. Rows of originals, PCA's and the
// autoencoder's reconstructions, both validation errors on one chart (PCA a
// flat line), and the drawing through both. On the person's own data
// (lesson.data) both are fitted to the same rows, the run's training split:
// own data's runs are built in the lab build (worker/run-trainers.js), so
// `fitPca` reads the run's own data, as it reads the digits otherwise.

import { h } from '../lib/dom.js';
import { VersusChart } from '../charts/mse-chart.js';
import { lessonInfo } from '../state/own-data.js';
import { findLesson } from './index.js';
import { defineLesson } from './kit/lesson.js';
import { card, cards } from './kit/cards.js';
import { digitRows } from './kit/canvases.js';
import { fmtLoss, fmtInt, fmtPercent } from './kit/format.js';
import { mse, withDrawing } from './kit/pixels.js';
import { stat, showStat, clearStats, statList } from './kit/readout.js';
import { calmLive } from './kit/calm-live.js';
import { digitRowsWords } from './kit/alt-text.js';

const COUNT = 12;
const RECON_MS = 200;
/** The autoencoder's validation error is measured this often while training (1,000 digits through the network). */
const EVALUATE_MS = 1000;
const TRAIN_DIGITS = 8000;
/**
 * PCA's eigen-decomposition grows with the cube of the smaller of the width and the training rows (the engine
 * decomposes the rows' Gram matrix when they are fewer, src/pca.rs): the digits' 784 take a second or two;
 * past this size it would hold the worker (and training) for a long while, so there PCA is fitted only when asked for.
 */
const QUICK_WIDTH = 1200;

/** The person's own data this lesson trains on instead of the digits (worker/data-source.js info), or null. */
const ownInfo = () => lessonInfo(findLesson('compare-pca'));

/** How one row of data described by `info` (null: the digits) is named: [one, many]. */
const rowWords = (info) =>
  info ? (info.view === 'image' ? ['image', 'images'] : ['row', 'rows']) : ['digit', 'digits'];

/** The code size to suggest for rows of `width` values when the code is not smaller than a row. */
const smallerCode = (width) => Math.max(1, Math.floor(width / 3));

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain(lesson) {
  const d = lesson?.data?.width ?? 784;
  const values = lesson?.data ? 'values’' : 'pixels’';
  return {
    body: [
      'PCA (principal component analysis) finds the k directions in which the digits vary most. A digit’s k coordinates along them ' +
        'are its code, and the reconstruction is the average digit plus those coordinates times the directions. It is the best ' +
        'possible linear compression to k numbers in squared error, and it needs no training: one eigen-decomposition of the ' +
        `${values} ${fmtInt(d)} × ${fmtInt(d)} covariance.`,
      'An autoencoder with a k-number code solves the same problem with layers and non-linear activations, trained by gradient descent. ' +
        'Made linear, it can at best learn the same subspace as PCA. The activations let it bend that flat subspace into a curved ' +
        'surface that follows the digits, so given enough training it rebuilds them better, most clearly when k is small.',
    ],
    tryThis: [
      'Latent size 2: PCA turns every digit into a blurred blob, while the autoencoder soon draws recognisable digits.',
      'Set the activation to None (linear): the autoencoder creeps toward PCA’s line but cannot go below it.',
      'Latent size 64: PCA is already good there. How long does the autoencoder need to catch up?',
      'Draw something that is not a digit. PCA copes better than you might expect: it is linear, so it is not limited to digit-like shapes.',
    ],
    interview: [
      [
        'Is a linear autoencoder the same as PCA?',
        'Trained with squared error it spans the same subspace as the top k components (Baldi & Hornik 1989), but its weights need not be orthogonal or ordered by variance.',
      ],
      [
        'When would you pick PCA over an autoencoder?',
        'As a baseline always, and when you need speed, determinism, no tuning, or interpretable components. Use an autoencoder when the data lie on a curved manifold and there is enough of it to train on.',
      ],
      [
        'Why compare on validation digits?',
        'Both are fitted to the training digits; error on held-out digits shows what generalises. PCA with k components hardly overfits, a large autoencoder can.',
      ],
    ],
  };
}

function view(lesson) {
  const { client, pictures, data } = lesson;
  const [thing, things] = rowWords(data);
  const drawn = data ? `the chosen validation ${thing}` : 'your drawing';
  const trainRows = data ? data.trainRows : TRAIN_DIGITS;
  let pca = null; // { k, valMse, explained } once fitted for this run
  const curve = []; // [step, autoencoder MSE] as measured
  let count = COUNT; // rows shown: fewer when the data has fewer validation rows

  const pad = lesson.padCard({
    stages: [
      {
        id: 'pad-input',
        caption: 'Input',
        label: data ? `The chosen validation ${thing}` : 'Your drawing as the network sees it, 28 by 28 pixels',
      },
      { id: 'pad-pca', caption: 'PCA', label: `PCA’s reconstruction of ${drawn}` },
      { id: 'pad-ae', caption: 'Autoencoder', label: `The autoencoder’s reconstruction of ${drawn}` },
    ],
    emptyMessage: 'Draw a digit to send it through both.',
    onChange: () => refresh(),
  });

  const status = h(
    'p',
    { class: 'fit-status', id: 'pca-status', 'aria-live': 'polite', dataset: { state: 'idle' } },
    'PCA is fitted when the network is built.',
  );
  // Where PCA is not fitted by itself: a code as wide as a row (a smaller one), or rows too wide to fit quickly (fit anyway).
  // They are put in `actions` when they apply (a button's CSS display would override `hidden`).
  const smaller = h('button', { type: 'button', class: 'button small', id: 'pca-smaller' });
  const fitAnyway = h(
    'button',
    { type: 'button', class: 'button small', id: 'pca-fit', on: { click: () => fitPca(lesson.latent) } },
    'Fit PCA anyway',
  );
  const actions = h('div', { class: 'pca-actions' });
  smaller.addEventListener('click', () => lesson.commit({ latent: Number(smaller.dataset.latent) }));
  const aeStat = stat('stat-ae-mse', 'Autoencoder');
  const pcaStat = stat('stat-pca-mse', 'PCA');
  const keptStat = stat('stat-pca-explained', 'Variance kept');
  const chartBox = h('div', { class: 'chart small', id: 'pca-chart' });
  const verdict = h('p', { class: 'pca-verdict', id: 'pca-verdict' });
  lesson.own(calmLive(verdict));
  const training = lesson.trainingCard({ title: 'Autoencoder training loss' });
  const { el: rowsEl, rows } = digitRows(COUNT, [
    { id: 'cmp-orig', label: 'Original' },
    { id: 'cmp-pca', label: 'PCA', className: 'pca' },
    { id: 'cmp-ae', label: 'Autoencoder', className: 'recon' },
  ]);
  lesson.showDigits(rows['cmp-orig']);
  lesson.answers(rows['cmp-pca']);
  lesson.answers(rows['cmp-ae']);
  lesson.describe(rowsEl, `Validation ${things} through both`, () =>
    digitRowsWords({
      pictures,
      labels: lesson.labels,
      names: lesson.data?.labelNames,
      rows: [
        { name: 'originals', canvases: rows['cmp-orig'] },
        { name: 'PCA', canvases: rows['cmp-pca'], against: rows['cmp-orig'], fixed: true },
        { name: 'autoencoder', canvases: rows['cmp-ae'], against: rows['cmp-orig'] },
      ],
    }),
  );
  const rowsCard = card(
    {
      id: 'rows-title',
      title: `Validation ${things} through both`,
      hint:
        `Top: ${things} neither model was fitted to. Middle: PCA’s reconstructions (they never change; PCA is fitted once). ` +
        'Bottom: the autoencoder’s, refreshed as it learns.',
    },
    rowsEl,
  );
  const rowsTitle = rowsCard.querySelector('h3');

  lesson.show(
    cards(
      pad.el,
      card(
        { id: 'versus-title', title: 'Validation error (MSE), same code size', className: 'chart-card' },
        status,
        actions,
        statList([aeStat, pcaStat, keptStat], 'three'),
        chartBox,
        verdict,
      ),
    ),
    rowsCard,
    training.el,
  );
  const chart = lesson.own(
    new VersusChart(chartBox, { y: 'validation MSE (log scale)', curve: 'autoencoder', line: 'PCA' }),
  );

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  /** Compares the latest measurement with PCA and finds the first step the autoencoder was below it. */
  function judge() {
    const last = curve[curve.length - 1];
    verdict.replaceChildren();
    delete verdict.dataset.overtakenAt;
    if (!pca || !last) {
      verdict.dataset.state = 'waiting';
      return;
    }
    const first = curve.find(([, v]) => v < pca.valMse);
    const [, ae] = last;
    if (ae < pca.valMse) {
      verdict.dataset.state = 'autoencoder';
      verdict.dataset.overtakenAt = String(first[0]);
      verdict.append(
        h('strong', {}, 'The autoencoder is ahead. '),
        `It went below PCA’s error at step ${fmtInt(first[0])} and is now ${fmtPercent(1 - ae / pca.valMse)} lower.`,
      );
    } else {
      verdict.dataset.state = 'pca';
      verdict.append(
        h('strong', {}, 'PCA is ahead. '),
        lesson.step === 0
          ? 'The untrained autoencoder’s error is far above PCA’s. Press Play.'
          : `The autoencoder’s error is ${fmtPercent(ae / pca.valMse - 1)} above PCA’s${first ? ' again' : ''}.`,
      );
    }
  }

  /** The validation rows shown: as many as there are, up to COUNT; the canvases past them are left out. */
  function showCount(n) {
    count = n;
    for (const row of Object.values(rows)) {
      for (const [i, c] of row.entries()) c.style.display = i < n ? '' : 'none'; // .digit-canvas sets display
    }
  }

  // The autoencoder's rows and the drawing (through both models) in one or two round trips.
  const refresh = lesson.refresher(RECON_MS, async () => {
    const { drawing, version } = pad;
    const { size } = pictures;
    const y = await lesson.current(client.reconstruct(withDrawing(lesson.digits, count, drawing, size)));
    const padPca = drawing && pca ? await lesson.current(client.call('pcaReconstruct', drawing)) : null;
    pictures.row(rows['cmp-ae'].slice(0, count), y);
    if (!drawing || version !== pad.version) return;
    const ae = y.subarray(count * size);
    pad.show('pad-ae', ae);
    if (padPca) pad.show('pad-pca', padPca);
    const parts = [`Autoencoder MSE ${fmtLoss(mse(ae, drawing))}`];
    if (padPca) parts.unshift(`PCA MSE ${fmtLoss(mse(padPca, drawing))}`);
    pad.message.textContent = `On ${drawn}: ${parts.join(', ')}.`;
    pad.message.dataset.aeMse = String(mse(ae, drawing));
    if (padPca) pad.message.dataset.pcaMse = String(mse(padPca, drawing));
  });

  lesson.refresher(EVALUATE_MS, async () => {
    const at = lesson.step;
    const e = await lesson.current(client.evaluate());
    if (!Number.isFinite(e.mse)) return;
    if (curve.length && curve[curve.length - 1][0] === at) curve[curve.length - 1][1] = e.mse;
    else curve.push([at, e.mse]);
    chart.push(at, e.mse);
    showStat(aeStat, e.mse);
    judge();
  });

  /** PCA for this run's code size: fitted in the worker (a pause of a second or two), then its rows. */
  async function fitPca(k) {
    actions.replaceChildren();
    setStatus(
      'fitting',
      `Fitting PCA with ${k} component${k === 1 ? '' : 's'} to the ${fmtInt(trainRows)} training ${things}…`,
    );
    const t0 = performance.now();
    const forRun = lesson.run;
    try {
      const fit = await lesson.current(client.call('fitPca', k));
      const rec = await lesson.current(client.call('pcaReconstruct', lesson.digits.subarray(0, count * pictures.size)));
      pca = fit;
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      setStatus(
        'ready',
        `PCA fitted in ${secs} s: its ${k} direction${k === 1 ? '' : 's'} keep ${fmtPercent(fit.explained)} of the ${data ? 'values’' : 'pixels’'} variance.`,
      );
      status.dataset.explained = String(fit.explained);
      showStat(pcaStat, fit.valMse);
      showStat(keptStat, fit.explained, fmtPercent);
      chart.setLine(fit.valMse);
      pictures.row(rows['cmp-pca'].slice(0, count), rec);
      judge();
      refresh();
    } catch (err) {
      if (forRun === lesson.run) setStatus('error', `PCA could not be fitted: ${err.message}`);
    }
  }

  /**
   * Whether PCA is fitted for a code of k numbers by itself; if not, says why: a code as wide as a row
   * (PCA would keep every direction and copy the rows) or rows too wide to fit PCA in a moment.
   */
  function fitsNow(k) {
    const width = pictures.size;
    if (k >= width) {
      const n = smallerCode(width);
      setStatus(
        'too-wide',
        `A code of ${k} numbers is not smaller than a ${thing} of ${width}: PCA would keep all ${width} directions and give every ${thing} back exactly, ` +
          `and the autoencoder could learn to copy. Make the code smaller than ${width} to compare how the two compress.`,
      );
      smaller.textContent = `Use a code of ${n}`;
      smaller.dataset.latent = String(n);
      actions.replaceChildren(smaller);
      return false;
    }
    const side = Math.min(width, lesson.data?.trainRows ?? width);
    if (side > QUICK_WIDTH) {
      setStatus(
        'slow',
        `PCA here is an eigen-decomposition of a ${fmtInt(side)} × ${fmtInt(side)} matrix made from your ${things}’ values. ` +
          `The digits’ 784 × 784 take a second or two, and the time grows with the cube of the size: this one can hold the page’s worker, and training with it, for a minute or more.`,
      );
      actions.replaceChildren(fitAnyway);
      return false;
    }
    return true;
  }

  return {
    reset(info) {
      const k = info.latentSize;
      pca = null;
      curve.length = 0;
      chart.reset({ line: `PCA, k = ${k}` });
      pcaStat.el.querySelector('dt').textContent = `PCA (k = ${k})`;
      rowsTitle.textContent = `Validation ${things} through both (${k} number${k === 1 ? '' : 's'} per ${thing})`;
      clearStats(aeStat, pcaStat, keptStat);
      delete status.dataset.explained;
      actions.replaceChildren();
      judge();
    },
    ready(info) {
      showCount(Math.min(COUNT, Math.floor(lesson.digits.length / pictures.size)));
      // not awaited: the rows and the curve need not wait a second or two for PCA
      if (fitsNow(info.latentSize)) fitPca(info.latentSize);
    },
    invalid() {
      actions.replaceChildren();
      setStatus('idle', 'PCA is fitted when the network is built.');
    },
  };
}

export default defineLesson({
  id: 'compare-pca',
  title: 'Autoencoder vs PCA',
  defaults: { latent: 8 },
  note: (state) =>
    `PCA gets the same budget: ${state.latent} number${state.latent === 1 ? '' : 's'} per ${rowWords(ownInfo())[0]} (the latent size).`,
  lead:
    'PCA is the classic way to compress data: keep the k directions in which it varies most. ' +
    'Here it gets as many numbers per digit as the autoencoder’s code. PCA is fitted in one go; the autoencoder has to learn. ' +
    'Press Play and watch for the moment the autoencoder’s error drops below PCA’s line.',
  explain,
  digits: COUNT,
  view,
});
