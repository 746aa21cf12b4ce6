// Generate: a variational autoencoder. Shows digits decoded from codes drawn
// from the prior N(0, I), and, with a 2-number code, the decoded map of the
// whole code space over [-3, 3]²; the reconstruction and KL terms of the loss
// are charted and shown separately.

import { h } from '../lib/dom.js';
import { paintMosaic, paintBlank, digitPalette } from '../draw/images.js';
import { TermsChart } from '../charts/line-chart.js';
import { numberChoice } from '../state/setting-types.js';
import { lessonHeader, TrainingCard, explainer, stat, showStat, throttle, onSchemeChange } from './kit/common.js';

const SAMPLES = 48;
const SAMPLE_COLS = 8;
const GRID = 15; // the map: GRID × GRID codes over [-RANGE, RANGE]²
const RANGE = 3;
const MAP_MS = 250;
const SAMPLES_MS = 1500; // new samples every so often while training: often enough to follow, slow enough to look at
const LOSS_NAMES = { mse: 'MSE', bce: 'BCE' };

const settings = {
  beta: numberChoice('KL weight β', [0, 0.25, 0.5, 1, 2, 4, 8], 1, {
    min: 0,
    max: 100,
    hint: () => 'β = 1 is the standard VAE. Larger β pulls the codes harder toward N(0, I): smoother, blurrier digits.',
  }),
};

/** The codes of the map: row-major, z₁ from −RANGE (left) to RANGE, z₂ from RANGE (top) to −RANGE. */
function gridCodes() {
  const z = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      const i = (r * GRID + c) * 2;
      z[i] = -RANGE + (2 * RANGE * c) / (GRID - 1);
      z[i + 1] = RANGE - (2 * RANGE * r) / (GRID - 1);
    }
  }
  return z;
}

function explanation() {
  return explainer({
    body: [
      'The encoder does not output one code per digit but a small Gaussian cloud (a mean and a spread per code number); ' +
        'training decodes a random point of that cloud. The loss is the reconstruction error plus β times the KL divergence ' +
        'between each cloud and N(0, I), which keeps the clouds overlapping and centred.',
      'Because the codes fill N(0, I) without gaps, any point drawn from it decodes to something digit-like: that is what makes ' +
        'the VAE generative, and why the map changes smoothly from one digit into another.',
    ],
    tryThis: [
      'Set β to 0: the reconstructions sharpen, but the samples turn into scribbles (the codes no longer fill the prior).',
      'Set β to 4 or 8: the map gets smoother and the samples blurrier, while KL falls.',
      'Try a latent size of 16 (the map needs 2): the samples get sharper and more varied.',
    ],
    interview: [
      [
        'What is the reparameterisation trick?',
        'z = μ + σ·ε with ε ~ N(0, I): the randomness moves into ε, so gradients flow through μ and σ to the encoder.',
      ],
      [
        'Why are VAE samples blurry?',
        'A per-pixel likelihood rewards the average of plausible digits, and the KL term limits how much detail a code may carry.',
      ],
    ],
  });
}

function mount(root, { client, store, commit }) {
  let palette = digitPalette();
  let run = 0;
  let latent = 0;
  let lastSamples = null;
  let lastMap = null;

  const samples = h('canvas', {
    class: 'mosaic',
    id: 'vae-samples',
    role: 'img',
    'aria-label': `${SAMPLES} digits decoded from random codes`,
  });
  const newSamples = h('button', { type: 'button', class: 'button small', id: 'new-samples' }, 'New samples');
  const map = h('canvas', {
    class: 'mosaic map',
    id: 'vae-map',
    role: 'img',
    'aria-label': 'Digits decoded from a grid of codes',
  });
  const mapNote = h('div', { class: 'map-note', id: 'map-note', hidden: true });
  const reconStat = stat('stat-recon', 'Reconstruction');
  const klStat = stat('stat-kl', 'KL (nats per digit)');
  const termsBox = h('div', { class: 'chart small', id: 'terms-chart' });
  const training = new TrainingCard({
    store,
    commit,
    title: 'Training loss',
    lossName: (s) => `${LOSS_NAMES[s.loss] ?? s.loss} + β·KL`,
  });

  root.append(
    h(
      'section',
      { class: 'lesson', 'aria-labelledby': 'lesson-title' },
      lessonHeader(
        'Generate (VAE)',
        'A variational autoencoder learns codes that follow a simple bell-shaped distribution, ' +
          'so a random code from that distribution decodes to a new, plausible digit. You would use it to generate or ' +
          'interpolate data, or to get a smooth, well-organised code space.',
      ),
      h(
        'div',
        { class: 'cards even' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'samples-title' },
          h('div', { class: 'card-head' }, h('h3', { id: 'samples-title' }, 'Samples from the prior'), newSamples),
          h(
            'p',
            { class: 'hint' },
            'Codes drawn at random from N(0, I) and decoded. None of these digits is in the data.',
          ),
          samples,
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'map-title' },
          h('h3', { id: 'map-title' }, 'The map of the code space'),
          h(
            'p',
            { class: 'hint' },
            `The decoder’s output for a ${GRID}×${GRID} grid of codes from −${RANGE} to ${RANGE} in each direction (z₁ left to right, z₂ bottom to top).`,
          ),
          h('div', { class: 'map-wrap' }, map, mapNote),
        ),
      ),
      h(
        'div',
        { class: 'cards even' },
        training.el,
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'terms-title' },
          h('h3', { id: 'terms-title' }, 'Reconstruction and KL, separately'),
          h('dl', { class: 'stats' }, reconStat.el, klStat.el),
          termsBox,
        ),
      ),
      explanation(),
    ),
  );
  const terms = new TermsChart(termsBox, {
    y: 'reconstruction (per pixel)',
    y2: 'KL (nats per digit)',
    series: [
      { key: 'recon', label: 'reconstruction', color: '--series-1' },
      { key: 'kl', label: 'KL', color: '--series-2', scale: 'y2' },
    ],
  });

  function paint() {
    if (lastSamples) paintMosaic(samples, lastSamples, { count: SAMPLES, cols: SAMPLE_COLS, palette });
    else paintBlank(samples, { width: SAMPLE_COLS * 29 + 1, height: (SAMPLES / SAMPLE_COLS) * 29 + 1, palette });
    if (lastMap) paintMosaic(map, lastMap, { count: GRID * GRID, cols: GRID, gap: 0, palette });
    else paintBlank(map, { width: GRID * 28, height: GRID * 28, palette });
  }

  function showMapNote(state) {
    mapNote.replaceChildren();
    mapNote.hidden = latent === 2 || !run;
    map.classList.toggle('faded', !mapNote.hidden);
    if (mapNote.hidden) return;
    mapNote.append(
      h('p', {}, `The map needs a code of 2 numbers; this network’s has ${state.latent}.`),
      h(
        'button',
        { type: 'button', class: 'button small', id: 'use-latent-2', on: { click: () => commit({ latent: 2 }) } },
        'Use latent size 2',
      ),
    );
  }

  async function sampleNow() {
    if (!run) return;
    const forRun = run;
    const x = await client.call('sample', SAMPLES);
    if (forRun !== run) return;
    lastSamples = x;
    paintMosaic(samples, x, { count: SAMPLES, cols: SAMPLE_COLS, palette });
  }
  const sample = throttle(sampleNow, SAMPLES_MS);

  async function mapNow() {
    if (!run || latent !== 2) return;
    const forRun = run;
    const y = await client.call('decode', gridCodes());
    if (forRun !== run) return;
    lastMap = y;
    paintMosaic(map, y, { count: GRID * GRID, cols: GRID, gap: 0, palette });
  }
  const refreshMap = throttle(mapNow, MAP_MS);

  newSamples.addEventListener('click', () => sampleNow().catch(() => {}));
  const stopScheme = onSchemeChange(() => {
    palette = digitPalette();
    paint();
  });
  paint();

  return {
    reset(info, state) {
      run = info.run;
      latent = info.latentSize;
      lastSamples = null;
      lastMap = null;
      training.reset(state);
      terms.reset();
      showStat(reconStat, null);
      showStat(klStat, null);
      root.querySelector('.lesson').classList.remove('stale');
      paint();
      showMapNote(state);
      sample();
      refreshMap();
    },
    invalid() {
      run = 0;
      root.querySelector('.lesson').classList.add('stale');
    },
    stats(msg) {
      training.stats(msg);
      terms.push(msg);
      showStat(reconStat, terms.last('recon'));
      showStat(klStat, terms.last('kl'));
      sample();
      refreshMap();
    },
    halted() {
      sample();
      refreshMap();
    },
    paused() {
      sample();
      refreshMap();
    },
    setScale(scale) {
      training.setScale(scale);
    },
    unmount() {
      sample.stop();
      refreshMap.stop();
      stopScheme();
      training.destroy();
      terms.destroy();
      root.replaceChildren();
    },
  };
}

export default {
  id: 'generate',
  title: 'Generate (VAE)',
  settingsTitle: 'Variational autoencoder',
  settings,
  defaults: { encoder: [256], latent: 2, loss: 'bce' },
  config(state, cfg) {
    cfg.model.kind = 'vae';
    cfg.train.beta = state.beta;
    return cfg;
  },
  note: () =>
    'A VAE: the encoder gives a mean and a spread for each code number, and training decodes a random code from them.',
  mount,
};
