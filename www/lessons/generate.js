// Generate: a variational autoencoder. Shows digits decoded from codes drawn
// from the prior N(0, I), and, with a 2-number code, the decoded map of the
// whole code space over [-3, 3]²; the reconstruction and KL terms of the loss
// are charted and shown separately.

import { h } from '../lib/dom.js';
import { SIDE } from '../lib/mnist.js';
import { paintMosaic, paintBlank } from '../draw/images.js';
import { describe } from '../charts/describe.js';
import { numberChoice } from '../state/setting-types.js';
import { defineLesson } from './kit/lesson.js';
import { picture } from './kit/canvases.js';
import { card, evenCards } from './kit/cards.js';
import { atStep } from './kit/alt-text.js';

const SAMPLES = 48;
const SAMPLE_COLS = 8;
const GRID = 15; // the map: GRID × GRID codes over [-RANGE, RANGE]²
const RANGE = 3;
const MAP_MS = 250;
const SAMPLES_MS = 1500; // new samples every so often while training: often enough to follow, slow enough to look at

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

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain() {
  return {
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
  };
}

function view(lesson) {
  const { client, commit, pictures } = lesson;

  const samples = picture('vae-samples', 'mosaic', `${SAMPLES} digits decoded from random codes`);
  const newSamples = h('button', { type: 'button', class: 'button small', id: 'new-samples' }, 'New samples');
  const map = picture('vae-map', 'mosaic map', 'Digits decoded from a grid of codes');
  const mapNote = h('div', { class: 'map-note', id: 'map-note', hidden: true });
  const terms = lesson.termsCard({
    id: 'terms-title',
    title: 'Reconstruction and KL, separately',
    y: 'reconstruction (per pixel)',
    y2: 'KL (nats per digit)',
    series: [
      { key: 'recon', label: 'reconstruction', color: '--series-1', stat: ['stat-recon', 'Reconstruction'] },
      { key: 'kl', label: 'KL', color: '--series-2', scale: 'y2', stat: ['stat-kl', 'KL (nats per digit)'] },
    ],
  });
  const training = lesson.trainingCard({ penalty: 'β·KL' });

  lesson.show(
    evenCards(
      card(
        {
          id: 'samples-title',
          title: 'Samples from the prior',
          head: [newSamples],
          hint: 'Codes drawn at random from N(0, I) and decoded. None of these digits is in the data.',
        },
        samples,
      ),
      card(
        {
          id: 'map-title',
          title: 'The map of the code space',
          hint: `The decoder’s output for a ${GRID}×${GRID} grid of codes from −${RANGE} to ${RANGE} in each direction (z₁ left to right, z₂ bottom to top).`,
        },
        h('div', { class: 'map-wrap' }, map, mapNote),
      ),
    ),
    evenCards(training.el, terms.el),
  );

  /** The samples and the map as mosaics (null: blank paper of the mosaic's size). */
  function showSamples(x) {
    describe(samples, x ? `decoded ${atStep(lesson.step)}` : 'none yet');
    pictures.draw(samples, (p) =>
      x
        ? paintMosaic(samples, x, { count: SAMPLES, cols: SAMPLE_COLS, palette: p.digits })
        : paintBlank(samples, {
            width: SAMPLE_COLS * (SIDE + 1) + 1,
            height: (SAMPLES / SAMPLE_COLS) * (SIDE + 1) + 1,
            palette: p.digits,
          }),
    );
  }
  function showMap(y) {
    describe(
      map,
      y ? `${GRID} by ${GRID} digits, z from −${RANGE} to ${RANGE}, decoded ${atStep(lesson.step)}` : 'none yet',
    );
    pictures.draw(map, (p) =>
      y
        ? paintMosaic(map, y, { count: GRID * GRID, cols: GRID, gap: 0, palette: p.digits })
        : paintBlank(map, { width: GRID * SIDE, height: GRID * SIDE, palette: p.digits }),
    );
  }

  function showMapNote(state) {
    mapNote.replaceChildren();
    mapNote.hidden = lesson.latent === 2 || !lesson.run;
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

  const sampleNow = async () => showSamples(await lesson.current(client.call('sample', SAMPLES)));
  lesson.refresher(SAMPLES_MS, sampleNow);
  lesson.refresher(MAP_MS, async () => {
    if (lesson.latent === 2) showMap(await lesson.current(client.call('decode', gridCodes())));
  });
  newSamples.addEventListener('click', () => sampleNow().catch(() => {}));
  showSamples(null);
  showMap(null);

  return {
    reset(_info, state) {
      showSamples(null);
      showMap(null);
      showMapNote(state);
    },
  };
}

export default defineLesson({
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
  lead:
    'A variational autoencoder learns codes that follow a simple bell-shaped distribution, ' +
    'so a random code from that distribution decodes to a new, plausible digit. You would use it to generate or ' +
    'interpolate data, or to get a smooth, well-organised code space.',
  explain,
  view,
});
