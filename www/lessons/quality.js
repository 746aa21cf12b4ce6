// Quality metrics: how good is a reconstruction? MSE, BCE, PSNR, SSIM and
// MS-SSIM for single digits (a few validation digits and the drawing, each
// number under its picture) and averaged over the 1,000 validation digits,
// with a line on what each one measures and a chart of them over training.

import { h } from '../lib/dom.js';
import { PIXELS } from '../lib/mnist.js';
import { LineChart } from '../charts/line-chart.js';
import { defineLesson } from './kit/lesson.js';
import { card, cards, evenCards } from './kit/cards.js';
import { digitCanvas } from './kit/canvases.js';
import { fmtLoss } from './kit/format.js';
import { withDrawing } from './kit/pixels.js';
import { describe } from '../charts/describe.js';
import { atStep } from './kit/alt-text.js';
import { showStat, clearStats } from './kit/readout.js';

const COUNT = 6;
const TILES_MS = 400;
/** The validation summary runs SSIM over 1,000 digits: every few seconds is enough. */
const SUMMARY_MS = 3000;

/** The metrics in the order shown: key in quality()/qualitySummary(), name, format, one-line meaning. */
const METRICS = [
  {
    key: 'mse',
    name: 'MSE',
    better: 'lower',
    format: fmtLoss,
    line: 'Mean of the squared pixel differences; 0 is perfect. Each pixel counts on its own, so a stroke shifted by one pixel can cost more than a blurred one.',
  },
  {
    key: 'psnr',
    name: 'PSNR',
    better: 'higher',
    format: (v) => (v === Infinity ? '∞ dB' : `${v.toFixed(1)} dB`),
    line: 'Peak signal-to-noise ratio, 10·log₁₀(1 / MSE) in decibels for pixels from 0 to 1: the MSE on a log scale; +10 dB means 10× less error. Over the set it is the PSNR of the mean MSE.',
  },
  {
    key: 'ssim',
    name: 'SSIM',
    better: 'higher',
    format: (v) => v.toFixed(3),
    line:
      'Structural similarity: compares brightness, contrast and structure (how the pixels vary together) in every 7×7 window; 1 means identical. ' +
      'It notices faint, blurred or broken strokes that a small MSE lets pass.',
  },
  {
    key: 'msSsim',
    name: 'MS-SSIM',
    better: 'higher',
    format: (v) => v.toFixed(3),
    line: 'Multi-scale SSIM: SSIM at several resolutions combined. A 28×28 digit allows two here, 28×28 and 14×14, so the coarse shape counts too.',
  },
  {
    key: 'bce',
    name: 'BCE',
    better: 'lower',
    format: fmtLoss,
    line: 'Binary cross-entropy: each pixel read as the probability of ink and scored by surprise. Confident mistakes, like solid ink on blank paper, cost most.',
  },
];

/** "mse" -> "data-mse" style keys for the test hooks (msSsim -> ms-ssim). */
const hookName = (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain() {
  return {
    body: [
      'The network is trained to make one number small (its loss, MSE or BCE), but “a good copy” is more than one number. ' +
        'Image metrics each look at a different aspect, and they can disagree.',
      'MSE and PSNR compare pixel by pixel, so they reward a safe grey average: the blurry reconstructions of a small code score ' +
        'decently. SSIM compares local patterns instead (brightness, contrast and how the pixels vary together), so blur and faded strokes ' +
        'cost more. Look for digits whose MSE is good but whose SSIM is poor, or the other way round.',
    ],
    tryThis: [
      'Watch the tiles while training starts: SSIM usually lags behind MSE, since sharp strokes come later than the rough shape.',
      'Set the latent size to 2: MSE stays moderate, but SSIM drops, since the copies are blurred.',
      'Switch the loss to BCE: the reconstructions get crisper strokes; compare SSIM after a similar number of steps.',
      'Draw a thin, faint digit and a bold one: which metric punishes which?',
    ],
    interview: [
      [
        'Why are autoencoder reconstructions blurry?',
        'Under MSE, when the network is unsure where a stroke goes, the average of the possibilities scores best, and an average of sharp images is a blurry one.',
      ],
      [
        'What does a PSNR of 20 dB mean here?',
        'An MSE of 0.01: a root-mean-square error of 0.1 per pixel on a 0–1 scale.',
      ],
      [
        'Can you train on SSIM?',
        'Yes: 1 − SSIM is differentiable and is often mixed with an L1 or L2 loss in image restoration.',
      ],
    ],
  };
}

/** One tile: the original, its reconstruction and the five numbers under them. */
function tile(i, label) {
  const orig = digitCanvas({ 'aria-label': `${label}: original` });
  const recon = digitCanvas({ class: 'digit-canvas recon', 'aria-label': `${label}: reconstruction` });
  const values = {};
  const dl = h('dl', { class: 'tile-metrics' });
  for (const m of METRICS) {
    values[m.key] = h('dd', {}, '–');
    dl.append(h('div', {}, h('dt', {}, m.name), values[m.key]));
  }
  const el = h(
    'figure',
    { class: 'q-tile', id: i == null ? 'q-tile-pad' : `q-tile-${i}` },
    h('div', { class: 'q-pair' }, orig, recon),
    dl,
  );
  return { el, orig, recon, values };
}

function showTile(t, metrics, j) {
  for (const m of METRICS) {
    const v = metrics?.[m.key]?.[j];
    const ok = v != null && (Number.isFinite(v) || v === Infinity);
    t.values[m.key].textContent = ok ? m.format(v) : '–';
    if (ok) t.el.dataset[m.key] = String(v);
    else delete t.el.dataset[m.key];
  }
}

function view(lesson) {
  const { client, pictures } = lesson;
  const EMPTY = 'Draw a digit to score its reconstruction.';

  const pad = lesson.padCard({
    emptyMessage: EMPTY,
    onChange: (drawing) => {
      showPadTile(drawing);
      refreshTiles();
    },
  });
  const padTile = tile(null, 'Your drawing');
  padTile.el.classList.add('pad-metrics');
  padTile.el.querySelector('.q-pair').remove(); // the pad card shows the pictures
  pad.el.querySelector('.pad-actions').after(padTile.el);

  const training = lesson.trainingCard({});
  const tiles = Array.from({ length: COUNT }, (_, i) => tile(i, `Validation digit ${i + 1}`));
  const originals = tiles.map((t) => t.orig);
  const recons = tiles.map((t) => t.recon);
  lesson.showDigits(originals);
  lesson.answers(recons);
  // Readouts (kit/readout.js shape: { value: <dd> }) laid out as a name, its value and what it measures.
  const summary = Object.fromEntries(
    METRICS.map((m) => [m.key, { value: h('dd', { id: `stat-q-${hookName(m.key)}`, class: 'metric-value' }, '–') }]),
  );
  const chartBox = h('div', { class: 'chart small', id: 'quality-chart' });
  const chartData = [[], [], [], []]; // step, SSIM, MS-SSIM, PSNR

  lesson.show(
    cards(pad.el, training.el),
    card(
      {
        id: 'tiles-title',
        title: 'Digit by digit',
        hint: 'Each validation digit (left) beside its reconstruction (right, blue frame), with the five scores of that one copy.',
      },
      h('div', { class: 'q-tiles', id: 'q-tiles' }, ...tiles.map((t) => t.el)),
    ),
    evenCards(
      card(
        { id: 'summary-title', title: 'Over all 1,000 validation digits' },
        h(
          'dl',
          { class: 'metric-list' },
          ...METRICS.map((m) =>
            h(
              'div',
              { class: 'metric' },
              h('dt', { class: 'metric-name' }, m.name),
              summary[m.key].value,
              h('dd', { class: 'metric-line' }, h('span', { class: 'better' }, `${m.better} is better. `), m.line),
            ),
          ),
        ),
      ),
      card(
        {
          id: 'qchart-title',
          title: 'As training goes',
          hint: 'SSIM and MS-SSIM on the left axis (1 is perfect), PSNR on the right, measured every few seconds.',
        },
        chartBox,
      ),
    ),
  );
  const chart = lesson.own(
    new LineChart(chartBox, {
      x: 'step',
      y: 'SSIM, MS-SSIM',
      y2: 'PSNR (dB)',
      points: true,
      series: [
        { label: 'SSIM', color: '--series-1' },
        { label: 'MS-SSIM', color: '--series-3', dash: [6, 4] },
        { label: 'PSNR', color: '--series-2', scale: 'y2' },
      ],
    }),
  );

  /** The drawing's scores show only while there is a drawing. */
  function showPadTile(drawing) {
    if (!drawing) showTile(padTile, null, 0);
    padTile.el.hidden = !drawing;
    pad.message.textContent = drawing ? '' : EMPTY;
  }
  showPadTile(null);

  // The tiles and the drawing: their reconstructions, then the scores of the same copies.
  const refreshTiles = lesson.refresher(TILES_MS, async () => {
    const { drawing, version } = pad;
    const x = withDrawing(lesson.digits, COUNT, drawing);
    const q = await lesson.current(client.call('quality', x));
    const y = await lesson.current(client.reconstruct(x));
    pictures.row(recons, y);
    tiles.forEach((t, i) => {
      showTile(t, q, i);
      describe(t.recon, atStep(lesson.step)); // its scores are the tile's text, beside it
    });
    if (drawing && version === pad.version) {
      pad.show('pad-recon', y, COUNT * PIXELS);
      showTile(padTile, q, COUNT);
    }
  });

  lesson.refresher(SUMMARY_MS, async () => {
    const at = lesson.step;
    const s = await lesson.current(client.call('qualitySummary'));
    for (const m of METRICS) {
      showStat(summary[m.key], s[m.key], m.format);
    }
    const [xs, ssim, ms, psnr] = chartData;
    if (xs.length && xs[xs.length - 1] === at) {
      ssim[ssim.length - 1] = s.ssim;
      ms[ms.length - 1] = s.msSsim;
      psnr[psnr.length - 1] = s.psnr;
    } else {
      xs.push(at);
      ssim.push(s.ssim);
      ms.push(s.msSsim);
      psnr.push(Number.isFinite(s.psnr) ? s.psnr : null);
    }
    chart.setData(chartData.map((c) => c.slice()));
  });

  return {
    reset() {
      for (const c of chartData) c.length = 0;
      chart.setData(chartData.map((c) => c.slice()));
      clearStats(...Object.values(summary));
      for (const t of tiles) {
        showTile(t, null, 0);
        describe(t.recon, 'none yet');
      }
    },
  };
}

export default defineLesson({
  id: 'quality',
  title: 'Quality metrics',
  lead:
    'How close is a copy to the original? Five common answers, each measured live on the network’s ' +
    'reconstructions: under every digit, and averaged over the 1,000 validation digits.',
  explain,
  digits: COUNT,
  view,
});
