// Autoencoder vs PCA: PCA with as many components as the code has numbers is
// the best linear compression of the digits. It is fitted once (a second or
// so in the worker); the autoencoder trains. Rows of originals, PCA's and the
// autoencoder's reconstructions, both validation errors on one chart (PCA a
// flat line), and the drawing through both.

import { h } from '../lib/dom.js';
import { paintImage, paintBlank, digitPalette } from '../draw/images.js';
import { VersusChart } from '../charts/mse-chart.js';
import {
  PIXELS,
  lessonHeader,
  TrainingCard,
  digitRows,
  explainer,
  stat,
  showStat,
  fmtLoss,
  fmtInt,
  throttle,
  onSchemeChange,
  mse,
  withDrawing,
} from './kit/common.js';
import { padCard, cyclingSampler } from './kit/pad-card.js';

const COUNT = 12;
const RECON_MS = 200;
/** The autoencoder's validation error is measured this often while training (1,000 digits through the network). */
const EVALUATE_MS = 1000;
const LOSS_NAMES = { mse: 'MSE', bce: 'BCE' };
const TRAIN_DIGITS = 8000;

const pct = (v) => `${Math.round(v * 100)}%`;

function explanation() {
  return explainer({
    body: [
      'PCA (principal component analysis) finds the k directions in which the digits vary most. A digit’s k coordinates along them ' +
        'are its code, and the reconstruction is the average digit plus those coordinates times the directions. It is the best ' +
        'possible linear compression to k numbers in squared error, and it needs no training: one eigen-decomposition of the ' +
        'pixels’ 784 × 784 covariance.',
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
  });
}

function mount(root, { client, store, commit }) {
  let palette = digitPalette();
  let run = 0;
  let k = 0;
  let originals = null;
  let pcaRows = null;
  let aeRows = null;
  let pca = null; // { k, valMse, explained } once fitted for this run
  let step = 0; // the latest training step
  let padVersion = 0;
  const curve = []; // [step, autoencoder MSE] as measured
  const EMPTY = 'Draw a digit to send it through both.';

  const card = padCard({
    stages: [
      { id: 'pad-input', caption: 'Input', label: 'Your drawing as the network sees it, 28 by 28 pixels' },
      { id: 'pad-pca', caption: 'PCA', label: 'PCA’s reconstruction of your drawing' },
      { id: 'pad-ae', caption: 'Autoencoder', label: 'The autoencoder’s reconstruction of your drawing' },
    ],
    arrowBefore: 1,
    emptyMessage: EMPTY,
    onChange: () => {
      padVersion += 1;
      showPad(null);
      refresh();
    },
    sampleDigit: cyclingSampler(() => originals, COUNT),
  });
  const { pad } = card;

  const status = h(
    'p',
    { class: 'fit-status', id: 'pca-status', 'aria-live': 'polite', dataset: { state: 'idle' } },
    'PCA is fitted when the network is built.',
  );
  const aeStat = stat('stat-ae-mse', 'Autoencoder');
  const pcaStat = stat('stat-pca-mse', 'PCA');
  const keptStat = stat('stat-pca-explained', 'Variance kept');
  const chartBox = h('div', { class: 'chart small', id: 'pca-chart' });
  const verdict = h('p', { class: 'pca-verdict', id: 'pca-verdict', 'aria-live': 'polite' });
  const training = new TrainingCard({
    store,
    commit,
    title: 'Autoencoder training loss',
    lossName: (s) => LOSS_NAMES[s.loss] ?? s.loss,
  });
  const rows = digitRows(COUNT, [
    { id: 'cmp-orig', label: 'Original' },
    { id: 'cmp-pca', label: 'PCA', className: 'pca' },
    { id: 'cmp-ae', label: 'Autoencoder', className: 'recon' },
  ]);
  const rowsTitle = h('h3', { id: 'rows-title' }, 'Validation digits through both');

  root.append(
    h(
      'section',
      { class: 'lesson', 'aria-labelledby': 'lesson-title' },
      lessonHeader(
        'Autoencoder vs PCA',
        'PCA is the classic way to compress data: keep the k directions in which it varies most. ' +
          'Here it gets as many numbers per digit as the autoencoder’s code. PCA is fitted in one go; the autoencoder has to learn. ' +
          'Press Play and watch for the moment the autoencoder’s error drops below PCA’s line.',
      ),
      h(
        'div',
        { class: 'cards' },
        card.el,
        h(
          'section',
          { class: 'card chart-card', 'aria-labelledby': 'versus-title' },
          h('h3', { id: 'versus-title' }, 'Validation error (MSE), same code size'),
          status,
          h('dl', { class: 'stats three' }, aeStat.el, pcaStat.el, keptStat.el),
          chartBox,
          verdict,
        ),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'rows-title' },
        rowsTitle,
        h(
          'p',
          { class: 'hint' },
          'Top: digits neither model was fitted to. Middle: PCA’s reconstructions (they never change; PCA is fitted once). ' +
            'Bottom: the autoencoder’s, refreshed as it learns.',
        ),
        rows.el,
      ),
      training.el,
      explanation(),
    ),
  );
  const chart = new VersusChart(chartBox, { y: 'validation MSE (log scale)', curve: 'autoencoder', line: 'PCA' });

  function paintRow(id, data) {
    rows.rows[id].forEach((c, i) => {
      data ? paintImage(c, data, { offset: i * PIXELS, palette }) : paintBlank(c, { palette });
    });
  }

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
        `It went below PCA’s error at step ${fmtInt(first[0])} and is now ${pct(1 - ae / pca.valMse)} lower.`,
      );
    } else {
      verdict.dataset.state = 'pca';
      verdict.append(
        h('strong', {}, 'PCA is ahead. '),
        step === 0
          ? 'The untrained autoencoder’s error is far above PCA’s. Press Play.'
          : `The autoencoder’s error is ${pct(ae / pca.valMse - 1)} above PCA’s${first ? ' again' : ''}.`,
      );
    }
  }

  let lastPad = null; // { pca, ae } of the current drawing
  function showPad(result) {
    const x = pad.toMnist();
    if (x) paintImage(card.canvases['pad-input'], x, { palette });
    else paintBlank(card.canvases['pad-input'], { palette });
    if (result) lastPad = result;
    if (!x) {
      lastPad = null;
      card.message.textContent = EMPTY;
    }
    for (const key of ['pca', 'ae']) {
      const c = card.canvases[`pad-${key}`];
      if (lastPad?.[key]) paintImage(c, lastPad[key], { palette });
      else if (!x) paintBlank(c, { palette });
    }
  }

  // The autoencoder's rows and the drawing (through both models) in one or two round trips.
  async function refreshNow() {
    if (!run || !originals) return;
    const forRun = run;
    const forPad = padVersion;
    const padX = pad.toMnist();
    const x = withDrawing(originals, COUNT, padX);
    const y = await client.reconstruct(x);
    const padPca = padX && pca ? await client.call('pcaReconstruct', padX) : null;
    if (forRun !== run) return;
    aeRows = y.subarray(0, COUNT * PIXELS);
    paintRow('cmp-ae', aeRows);
    if (padX && forPad === padVersion) {
      const ae = y.subarray(COUNT * PIXELS);
      showPad({ ae, pca: padPca });
      const parts = [`Autoencoder MSE ${fmtLoss(mse(ae, padX))}`];
      if (padPca) parts.unshift(`PCA MSE ${fmtLoss(mse(padPca, padX))}`);
      card.message.textContent = `On your drawing: ${parts.join(', ')}.`;
      card.message.dataset.aeMse = String(mse(ae, padX));
      if (padPca) card.message.dataset.pcaMse = String(mse(padPca, padX));
    }
  }
  const refresh = throttle(refreshNow, RECON_MS);

  async function evaluateNow() {
    if (!run) return;
    const forRun = run;
    const at = step;
    const e = await client.evaluate();
    if (forRun !== run || !Number.isFinite(e.mse)) return;
    if (curve.length && curve[curve.length - 1][0] === at) curve[curve.length - 1][1] = e.mse;
    else curve.push([at, e.mse]);
    chart.push(at, e.mse);
    showStat(aeStat, e.mse);
    judge();
  }
  const evaluate = throttle(evaluateNow, EVALUATE_MS);

  /** PCA for this run's code size: fitted in the worker (a pause of a second or two), then its rows. */
  async function fitPca(forRun) {
    setStatus(
      'fitting',
      `Fitting PCA with ${k} component${k === 1 ? '' : 's'} to the ${fmtInt(TRAIN_DIGITS)} training digits…`,
    );
    const t0 = performance.now();
    try {
      const fit = await client.call('fitPca', k);
      if (forRun !== run) return;
      const rec = await client.call('pcaReconstruct', originals);
      if (forRun !== run) return;
      pca = fit;
      pcaRows = rec;
      const secs = ((performance.now() - t0) / 1000).toFixed(1);
      setStatus(
        'ready',
        `PCA fitted in ${secs} s: its ${k} direction${k === 1 ? '' : 's'} keep ${pct(fit.explained)} of the pixels’ variance.`,
      );
      showStat(pcaStat, fit.valMse);
      showStat(keptStat, fit.explained, pct);
      chart.setLine(fit.valMse);
      paintRow('cmp-pca', pcaRows);
      judge();
      refresh();
    } catch (err) {
      if (forRun === run) setStatus('error', `PCA could not be fitted: ${err.message}`);
    }
  }

  function paintAll() {
    paintRow('cmp-orig', originals);
    paintRow('cmp-pca', pcaRows);
    paintRow('cmp-ae', aeRows);
    showPad(null);
  }

  const stopScheme = onSchemeChange(() => {
    palette = digitPalette();
    pad.retint();
    paintAll();
  });
  paintAll();

  return {
    async reset(info, state) {
      run = info.run;
      k = info.latentSize;
      step = 0;
      pca = null;
      pcaRows = null;
      aeRows = null;
      lastPad = null;
      curve.length = 0;
      training.reset(state);
      chart.reset({ line: `PCA, k = ${k}` });
      pcaStat.el.querySelector('dt').textContent = `PCA (k = ${k})`;
      rowsTitle.textContent = `Validation digits through both (${k} number${k === 1 ? '' : 's'} per digit)`;
      for (const s of [aeStat, pcaStat, keptStat]) showStat(s, null);
      judge();
      root.querySelector('.lesson').classList.remove('stale');
      try {
        if (!originals) originals = (await client.validationImages(COUNT)).images;
        if (info.run !== run) return;
        paintAll();
        evaluate();
        refresh();
        await fitPca(info.run);
      } catch {
        // The next reset tries again.
      }
    },
    invalid() {
      run = 0;
      root.querySelector('.lesson').classList.add('stale');
      setStatus('idle', 'PCA is fitted when the network is built.');
    },
    stats(msg) {
      step = msg.step;
      training.stats(msg);
      refresh();
      evaluate();
    },
    halted() {
      refresh();
      evaluate();
    },
    paused() {
      refresh();
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
      chart.destroy();
      root.replaceChildren();
    },
  };
}

export default {
  id: 'compare-pca',
  title: 'Autoencoder vs PCA',
  defaults: { latent: 8 },
  note: (state) =>
    `PCA gets the same budget: ${state.latent} number${state.latent === 1 ? '' : 's'} per digit (the latent size).`,
  mount,
};
