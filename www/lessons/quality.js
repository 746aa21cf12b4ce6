// Quality metrics: how good is a reconstruction? MSE, BCE, PSNR, SSIM and
// MS-SSIM for single digits (a few validation digits and the drawing, each
// number under its picture) and averaged over the 1,000 validation digits,
// with a line on what each one measures and a chart of them over training.
// On a person's own images (of any size, gray or colour) the same numbers are
// taken at the pictures' own shape: SSIM per colour channel, averaged (the
// engine's qualityOf over the validation images, lib/image-quality.js for the
// few shown), and the drawing pad gives way to one of their images.

import { h } from '../lib/dom.js';
import { msSsimScales, qualityOfRows, ssimFits } from '../lib/image-quality.js';
import { LineChart } from '../charts/line-chart.js';
import { defineLesson } from './kit/lesson.js';
import { card, cards, evenCards } from './kit/cards.js';
import { digitCanvas } from './kit/canvases.js';
import { fmtInt, fmtLoss } from './kit/format.js';
import { withDrawing } from './kit/pixels.js';
import { describe } from '../charts/describe.js';
import { atStep } from './kit/alt-text.js';
import { showStat, clearStats } from './kit/readout.js';

const COUNT = 6;
const TILES_MS = 400;
/** The validation summary runs SSIM over 1,000 digits: every few seconds is enough. */
const SUMMARY_MS = 3000;

/**
 * The metrics in the order shown: key in quality()/qualitySummary(), name, format, one-line
 * meaning on the digits (`line`) and on a person's pictures of `shape` (`ownLine(shape)`).
 */
const METRICS = [
  {
    key: 'mse',
    name: 'MSE',
    better: 'lower',
    format: fmtLoss,
    line: 'Mean of the squared pixel differences; 0 is perfect. Each pixel counts on its own, so a stroke shifted by one pixel can cost more than a blurred one.',
    ownLine: ({ channels }) =>
      `Mean of the squared differences over every pixel${channels === 3 ? ' and colour channel' : ''}; 0 is perfect. ` +
      'Each value counts on its own, so an edge shifted by one pixel can cost more than a blurred one.',
  },
  {
    key: 'psnr',
    name: 'PSNR',
    better: 'higher',
    format: (v) => (v === Infinity ? '∞ dB' : `${v.toFixed(1)} dB`),
    line: 'Peak signal-to-noise ratio, 10·log₁₀(1 / MSE) in decibels for pixels from 0 to 1: the MSE on a log scale; +10 dB means 10× less error. Over the set it is the PSNR of the mean MSE.',
    ownLine: () =>
      'Peak signal-to-noise ratio, 10·log₁₀(1 / MSE) in decibels for values from 0 to 1: the MSE on a log scale; +10 dB means 10× less error. Over the set it is the PSNR of the mean MSE.',
  },
  {
    key: 'ssim',
    name: 'SSIM',
    better: 'higher',
    format: (v) => v.toFixed(3),
    line:
      'Structural similarity: compares brightness, contrast and structure (how the pixels vary together) in every 7×7 window; 1 means identical. ' +
      'It notices faint, blurred or broken strokes that a small MSE lets pass.',
    ownLine: (shape) =>
      ssimFits(shape)
        ? 'Structural similarity: compares brightness, contrast and structure (how the pixels vary together) in every 7×7 window' +
          `${shape.channels === 3 ? ' of each colour channel, then averages the three' : ''}; 1 means identical. ` +
          'It notices blur and faded detail that a small MSE lets pass.'
        : `Structural similarity needs pictures of at least 7×7 pixels; yours are ${shape.width}×${shape.height}, so it is not measured.`,
  },
  {
    key: 'msSsim',
    name: 'MS-SSIM',
    better: 'higher',
    format: (v) => v.toFixed(3),
    line: 'Multi-scale SSIM: SSIM at several resolutions combined. A 28×28 digit allows two here, 28×28 and 14×14, so the coarse shape counts too.',
    ownLine: (shape) => {
      if (!ssimFits(shape)) return 'Multi-scale SSIM: not measured either, for the same reason.';
      const scales = msSsimScales(shape).map(([w, h]) => `${w}×${h}`);
      const size = `${shape.width}×${shape.height}`;
      return scales.length > 1
        ? `Multi-scale SSIM: SSIM at several resolutions combined. Your ${size} pictures allow ${scales.length} here, ${scales.join(', ')}, so the coarse shape counts too.`
        : `Multi-scale SSIM: SSIM at several resolutions combined. Your ${size} pictures allow only one here (at half size a 7×7 window covers most of the picture), so it equals SSIM.`;
    },
  },
  {
    key: 'bce',
    name: 'BCE',
    better: 'lower',
    format: fmtLoss,
    line: 'Binary cross-entropy: each pixel read as the probability of ink and scored by surprise. Confident mistakes, like solid ink on blank paper, cost most.',
    ownLine: () =>
      'Binary cross-entropy: each value read as a probability (0 dark, 1 full brightness) and scored by surprise. Confident mistakes, like black where the picture is white, cost most.',
  },
];

/** How many validation rows the engine keeps of a person's data (as many as test rows: src/data.rs split). */
const validationRows = (info) => (info.rows - info.trainRows) / 2;

/** "mse" -> "data-mse" style keys for the test hooks (msSsim -> ms-ssim). */
const hookName = (key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain(lesson) {
  const own = Boolean(lesson?.data);
  return {
    body: [
      'The network is trained to make one number small (its loss, MSE or BCE), but “a good copy” is more than one number. ' +
        'Image metrics each look at a different aspect, and they can disagree.',
      'MSE and PSNR compare pixel by pixel, so they reward a safe grey average: the blurry reconstructions of a small code score ' +
        'decently. SSIM compares local patterns instead (brightness, contrast and how the pixels vary together), so blur and faded strokes ' +
        `cost more. Look for ${own ? 'pictures' : 'digits'} whose MSE is good but whose SSIM is poor, or the other way round.`,
    ],
    tryThis: [
      'Watch the tiles while training starts: SSIM usually lags behind MSE, since sharp strokes come later than the rough shape.',
      'Set the latent size to 2: MSE stays moderate, but SSIM drops, since the copies are blurred.',
      'Switch the loss to BCE: the reconstructions get crisper strokes; compare SSIM after a similar number of steps.',
      !own
        ? 'Draw a thin, faint digit and a bold one: which metric punishes which?'
        : lesson.pictures.shape.digits
          ? 'Draw a thin, faint shape and a bold one, or press Sample digit for your pictures: which metric punishes which?'
          : 'Press Next image to score others of your pictures: which kinds does each metric punish?',
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
  // A person's own pictures (any size, gray or colour), or null: the digits.
  const own = lesson.data;
  const { shape, size } = pictures;
  // Pictures like the digits (gray 28×28) keep the pad; others show one of the validation images instead.
  const EMPTY = !own
    ? 'Draw a digit to score its reconstruction.'
    : shape.digits
      ? 'Draw on the pad, or press Sample digit for one of your images, to score its reconstruction.'
      : 'Press Next image to score one of your images.';

  const pad = lesson.padCard({
    emptyMessage: EMPTY,
    onChange: (drawing) => {
      showPadTile(drawing);
      refreshTiles();
    },
  });
  const padTile = tile(null, own && !shape.digits ? 'The chosen image' : 'Your drawing');
  padTile.el.classList.add('pad-metrics');
  padTile.el.querySelector('.q-pair').remove(); // the pad card shows the pictures
  pad.el.querySelector('.pad-actions').after(padTile.el);

  const training = lesson.trainingCard({});
  const tiles = Array.from({ length: COUNT }, (_, i) => tile(i, `Validation ${own ? 'image' : 'digit'} ${i + 1}`));
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
        title: own ? 'Image by image' : 'Digit by digit',
        hint: own
          ? `Each validation image (left) beside its reconstruction (right, blue frame), with the five scores of that one copy, taken at its own size (${shape.width}×${shape.height}${shape.channels === 3 ? ', in colour' : ''}).`
          : 'Each validation digit (left) beside its reconstruction (right, blue frame), with the five scores of that one copy.',
      },
      h('div', { class: 'q-tiles', id: 'q-tiles' }, ...tiles.map((t) => t.el)),
    ),
    evenCards(
      card(
        {
          id: 'summary-title',
          title: own ? `Over all ${fmtInt(validationRows(own))} validation images` : 'Over all 1,000 validation digits',
        },
        h(
          'dl',
          { class: 'metric-list' },
          ...METRICS.map((m) =>
            h(
              'div',
              { class: 'metric' },
              h('dt', { class: 'metric-name' }, m.name),
              summary[m.key].value,
              h(
                'dd',
                { class: 'metric-line' },
                h('span', { class: 'better' }, `${m.better} is better. `),
                own ? m.ownLine(shape) : m.line,
              ),
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

  /** The tiles that have a validation row to show (a small folder of images may have fewer than COUNT). */
  const shown = () => Math.min(COUNT, Math.floor((lesson.digits?.length ?? 0) / size));

  // The tiles and the drawing: their reconstructions, then the scores of the same copies (the engine
  // scores 28×28 digits; a person's pictures are scored here, at their own shape, from the same copies).
  const refreshTiles = lesson.refresher(TILES_MS, async () => {
    const { drawing, version } = pad;
    const n = shown();
    const x = withDrawing(lesson.digits, n, drawing, size);
    let q;
    let y;
    if (own) {
      y = await lesson.current(client.reconstruct(x.slice())); // reconstruct takes its argument: x is kept to score
      q = qualityOfRows(y, x, n + (drawing ? 1 : 0), shape);
    } else {
      q = await lesson.current(client.call('quality', x));
      y = await lesson.current(client.reconstruct(x));
    }
    pictures.row(recons.slice(0, n), y);
    tiles.slice(0, n).forEach((t, i) => {
      showTile(t, q, i);
      describe(t.recon, atStep(lesson.step)); // its scores are the tile's text, beside it
    });
    if (drawing && version === pad.version) {
      pad.show('pad-recon', y, n * size);
      showTile(padTile, q, n);
    }
  });

  lesson.refresher(SUMMARY_MS, async () => {
    const at = lesson.step;
    const s = await lesson.current(
      own ? client.call('qualityOf', shape.channels, shape.height, shape.width) : client.call('qualitySummary'),
    );
    for (const m of METRICS) {
      showStat(summary[m.key], s[m.key], m.format);
    }
    const [xs, ssim, ms, psnr] = chartData;
    if (xs.length && xs[xs.length - 1] === at) {
      ssim[ssim.length - 1] = s.ssim;
      ms[ms.length - 1] = s.msSsim;
      psnr[psnr.length - 1] = Number.isFinite(s.psnr) ? s.psnr : null;
    } else {
      xs.push(at);
      ssim.push(s.ssim);
      ms.push(s.msSsim);
      psnr.push(Number.isFinite(s.psnr) ? s.psnr : null);
    }
    chart.setData(chartData.map((c) => c.slice()));
  });

  return {
    ready() {
      // Fewer validation images than tiles: the rest are not shown.
      tiles.forEach((t, i) => {
        t.el.hidden = i >= shown();
      });
    },
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
  lead: (lesson) =>
    'How close is a copy to the original? Five common answers, each measured live on the network’s ' +
    (lesson.data
      ? `reconstructions of your pictures: under each image, and averaged over the ${fmtInt(validationRows(lesson.data))} validation images.`
      : 'reconstructions: under every digit, and averaged over the 1,000 validation digits.'),
  explain,
  digits: COUNT,
  view,
});
