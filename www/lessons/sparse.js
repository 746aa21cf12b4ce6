// Sparse codes: a penalty on the code's activations (L1, or KL to a target
// rate ρ) so that each digit is described by a few active units. Shows the
// mean activation of every unit as bars (faint = nearly off), the codes of a
// few digits as a heat map, and the reconstruction and penalty terms over time.
// On the person's own data (lesson.data) the digits are their validation rows,
// drawn at the rows' shape (draw/row-pictures.js), and the heat map's rows
// line up with them whatever their height.

import { h } from '../lib/dom.js';
import { paintMosaic } from '../draw/images.js';
import { paintRowPicture } from '../draw/row-pictures.js';
import { fmtInt } from './kit/format.js';
import { paintBars } from '../charts/bars.js';
import { describe, say } from '../charts/describe.js';
import { choice, numberChoice } from '../state/setting-types.js';
import { defineLesson } from './kit/lesson.js';
import { leadIn } from './kit/explainer.js';
import { picture } from './kit/canvases.js';
import { card, evenCards } from './kit/cards.js';
import { stat, showStat, clearStats, statList } from './kit/readout.js';
import { atStep, listLabels } from './kit/alt-text.js';

const COUNT = 12; // digits in the heat map
const REFRESH_MS = 300;
/** A unit whose mean activation is below this share of the largest one counts as (nearly) off. */
const OFF_SHARE = 0.05;
/** A code value above this share of the largest one in the heat map counts as active for that digit. */
const ACTIVE_SHARE = 0.1;

const settings = {
  kind: choice(
    'Sparsity penalty',
    [
      ['l1', 'L1 (activations toward 0)'],
      ['kl', 'KL (target rate ρ)'],
    ],
    'l1',
  ),
  weight: numberChoice('Penalty weight λ', [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1], 0.001, {
    min: 0,
    max: 10,
    hint: () => 'How much the penalty counts against the reconstruction error.',
  }),
  target: numberChoice('Target rate ρ', [0.01, 0.02, 0.05, 0.1, 0.2, 0.3], 0.05, {
    min: 0.001,
    max: 0.999,
    hint: (s) =>
      s.kind === 'kl' ? 'The average activation the KL penalty asks of every unit.' : 'Used by the KL penalty only.',
  }),
};

const codeActivation = (kind) => (kind === 'kl' ? 'sigmoid' : 'relu');

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain() {
  return {
    body: [
      leadIn(
        'L1',
        ' adds λ·Σ|h| to the loss: every activation costs something, so units that do not ' +
          'pay for themselves in reconstruction are switched off, and whole units can die.',
      ),
      leadIn(
        'KL',
        ' compares each unit’s average activation ρ̂ with a small target ρ and adds λ·Σ KL(ρ‖ρ̂). ' +
          'It does not switch units off: it makes every unit fire rarely, so the bars settle near the dashed ρ line ' +
          'while each digit lights up only a few units in the heat map.',
      ),
    ],
    tryThis: [
      'With L1, raise λ step by step and count the units that stay on. When does the reconstruction start to suffer?',
      'Switch to KL and compare the bars with the heat map: evenly used units, yet each digit uses few of them.',
      'Make the code larger (latent 128): a sparse code can be wider than the input needs and still not copy it.',
    ],
    interview: [
      [
        'Sparse code versus small code?',
        'A small code limits how many numbers describe a digit; a sparse code limits how many are non-zero for each digit, and which ones can differ from digit to digit.',
      ],
      [
        'L1 on the weights versus on the activations?',
        'L1 on weights makes the network’s connections sparse (weight decay’s sparse cousin); here it is on the activations, so the representation of each input is sparse.',
      ],
    ],
  };
}

/**
 * The codes of `count` rows as a heat map: one row per digit (aligned with the mosaic, whose rows are
 * `side` pixels high with 1 px gaps), one column per unit.
 */
function paintCodes(canvas, codes, { count, latent, side, top, palette }) {
  const cell = Math.max(2, Math.ceil(256 / latent));
  const W = latent * cell;
  const H = count * (side + 1) + 1;
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  const ctx = canvas.getContext('2d');
  const mix = (v) => palette.paper.map((p, i) => Math.round(p + (palette.ink[i] - p) * v));
  ctx.fillStyle = `rgb(${palette.paper.join(',')})`;
  ctx.fillRect(0, 0, W, H);
  for (let r = 0; r < count; r++) {
    for (let u = 0; u < latent; u++) {
      const v = Math.min(1, Math.max(0, codes[r * latent + u] / top));
      ctx.fillStyle = `rgb(${mix(v).join(',')})`;
      ctx.fillRect(u * cell, 1 + r * (side + 1), cell, side);
    }
  }
  canvas.dataset.painted = 'true';
}

/**
 * `count` rows of `values` in one column, each drawn at `shape` (draw/row-pictures.js) with a 1 px
 * gap: gray pictures (the digits) as one mosaic, colour pictures and rows of numbers tile by tile.
 */
function paintColumn(canvas, values, { count, shape, palettes }) {
  const { width, height } = shape;
  if (shape.kind === 'image' && shape.channels === 1) {
    paintMosaic(canvas, values, { count, cols: 1, width, height, palette: palettes.digits });
    return;
  }
  const W = width + 2;
  const H = count * (height + 1) + 1;
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = `rgb(${palettes.digits.paper.join(',')})`;
  ctx.fillRect(0, 0, W, H);
  const tile = document.createElement('canvas');
  for (let r = 0; r < count; r++) {
    paintRowPicture(tile, values, { offset: r * shape.size, shape, palettes });
    ctx.drawImage(tile, 1, 1 + r * (height + 1));
  }
  canvas.dataset.painted = 'true';
}

function view(lesson) {
  const { client, store, pictures, data } = lesson;
  const [thing, things] = data ? (data.view === 'image' ? ['image', 'images'] : ['row', 'rows']) : ['digit', 'digits'];
  // The codes' means are over every validation row (src/train code_activations): 1,000 digits, or a tenth of the data.
  const validation = data ? (data.rows - data.trainRows) / 2 : 1000;
  const training = lesson.trainingCard({ penalty: 'sparsity' });
  const activeStat = stat('stat-mean-act', 'Mean activation');
  const terms = lesson.termsCard({
    id: 'terms-title',
    title: 'The two parts of the loss',
    y: 'reconstruction',
    y2: 'penalty',
    series: [
      { key: 'recon', label: 'reconstruction', color: '--series-1', stat: ['stat-recon', 'Reconstruction'] },
      {
        key: 'sparsity',
        label: 'sparsity penalty',
        color: '--series-2',
        scale: 'y2',
        stat: ['stat-penalty', 'Sparsity penalty'],
      },
    ],
    extra: [activeStat],
  });

  const bars = picture('code-bars', 'bars', 'Mean activation of each code unit');
  const barsLegend = h('p', { class: 'hint', id: 'bars-legend' });
  const offStat = stat('stat-off-units', 'Units nearly off');
  const perDigitStat = stat('stat-per-digit', `Active units per ${thing}`);
  const mosaic = picture('sparse-digits', 'mosaic column', `${COUNT} validation ${things}`);
  const codes = picture('code-heatmap', 'heatmap', `The codes of the ${COUNT} ${things}, one row each`);

  lesson.show(
    card(
      {
        id: 'bars-title',
        title: 'Code units',
        head: [statList([offStat, perDigitStat], 'inline')],
        hint:
          `Each bar is one unit’s mean activation over the ${fmtInt(validation)} validation ${things}. ` +
          `Faint bars are units that are nearly off (below ${OFF_SHARE * 100}% of the largest).`,
      },
      bars,
      barsLegend,
    ),
    evenCards(
      card(
        {
          id: 'codes-title',
          title: `Codes of single ${things}`,
          hint: `Each row is one ${thing}’s code, one column per unit; brighter is more active.`,
        },
        h('div', { class: 'code-map' }, mosaic, codes),
      ),
      terms.el,
    ),
    training.el,
  );

  /** The bars, their readouts and the heat map from the units' mean activations and the digits' codes. */
  function show(means, digitCodes) {
    const { latent } = lesson;
    const count = digitCodes.length / latent; // COUNT, or fewer when the data has fewer validation rows
    const { shape } = pictures;
    const state = store.get();
    const max = Math.max(...means, 0);
    const off = means.filter((v) => v < OFF_SHARE * max).length;
    const target = state.kind === 'kl' ? state.target : null;
    paintBars(bars, means, { threshold: OFF_SHARE * max, target });
    describe(
      bars,
      `${latent} units ${atStep(lesson.step)}, ${off} of them nearly off; the most active ${say(max)}` +
        (target != null ? `; target rate ${target}` : ''),
    );
    barsLegend.textContent = target != null ? `Dashed line: the target rate ρ = ${target}.` : '';
    offStat.value.textContent = `${off} of ${latent}`;
    offStat.value.dataset.value = String(off);
    const top = Math.max(...digitCodes, 1e-9);
    let active = 0;
    for (const v of digitCodes) if (v > ACTIVE_SHARE * top) active += 1;
    showStat(perDigitStat, active / count, (v) => `${v.toFixed(1)} of ${latent}`);
    pictures.draw(mosaic, (p) => paintColumn(mosaic, lesson.digits, { count, shape, palettes: p }));
    const { step } = lesson;
    pictures.draw(codes, (p) => {
      paintCodes(codes, digitCodes, { count, latent, side: shape.height, top, palette: p.heat });
      codes.dataset.step = String(step);
    });
    describe(mosaic, rowNames(Array.from(lesson.labels ?? []).slice(0, count)));
    describe(
      codes,
      `${atStep(lesson.step)}, on average ${say(active / count)} of the ${latent} units active per ${thing} ` +
        `(above ${ACTIVE_SHARE * 100}% of the largest value)`,
    );
  }

  /** The mosaic's words: the digits' labels, or own data's label names (none: how many rows). */
  function rowNames(labels) {
    if (!data) return listLabels(labels);
    const names = data.labelNames ?? [];
    return names.length
      ? `${labels.length} ${things}: ${listLabels(labels.map((l) => names[l] ?? l))}`
      : `${labels.length} ${things}`;
  }

  lesson.refresher(REFRESH_MS, async () => {
    const rows = Math.min(COUNT, Math.floor(lesson.digits.length / pictures.size));
    const means = await lesson.current(client.call('codeActivations'));
    const c = await lesson.current(client.call('encode', lesson.digits.subarray(0, rows * pictures.size)));
    show(Array.from(means), c);
  });

  return {
    reset() {
      clearStats(offStat, perDigitStat);
    },
    stats(msg) {
      const a = msg.terms?.meanActivation;
      if (a?.length) showStat(activeStat, a[a.length - 1]);
    },
  };
}

export default defineLesson({
  id: 'sparse',
  title: 'Sparse codes',
  settingsTitle: 'Sparsity',
  settings,
  defaults: { encoder: [256], latent: 64 },
  config(state, cfg) {
    cfg.model.latentActivation = codeActivation(state.kind);
    cfg.train.sparsity = state.kind;
    cfg.train.sparsityWeight = state.weight;
    cfg.train.sparsityTarget = state.target;
    return cfg;
  },
  note: (state) =>
    state.kind === 'kl'
      ? 'The KL penalty needs activations between 0 and 1, so this lesson puts a sigmoid on the code layer.'
      : 'This lesson puts a ReLU on the code layer, so a unit can be exactly off.',
  lead:
    'A sparse autoencoder adds a penalty that keeps most code units quiet for any one digit, ' +
    'so each digit is described by a few active features. You would use it to learn interpretable parts, or features ' +
    'for another model, when a narrow bottleneck would throw away too much.',
  explain,
  digits: COUNT,
  wideCode: true, // an overcomplete code is what a sparsity penalty is for
  view,
});
