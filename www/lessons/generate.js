// Generate: a variational autoencoder. Shows digits decoded from codes drawn
// from the prior N(0, I), and, with a 2-number code, the decoded map of the
// whole code space over [-3, 3]²; the reconstruction and KL terms of the loss
// are charted and shown separately. For a drawing, the encoder's Gaussian
// (μ and σ) is drawn on that map, with codes sampled from it decoded beside it
// (generate/gaussian.js). On the person's own data the samples and the map
// are of their rows, each drawn at the row's shape (draw/row-mosaic.js), and a
// validation row stands in for the drawing.

import { h } from '../lib/dom.js';
import { paintRowMosaic } from '../draw/row-mosaic.js';
import { describe } from '../charts/describe.js';
import { lessonInfo } from '../state/own-data.js';
import { numberChoice } from '../state/setting-types.js';
import { defineLesson } from './kit/lesson.js';
import { digitCanvas, picture } from './kit/canvases.js';
import { card, evenCards } from './kit/cards.js';
import { SAMPLE_COUNT, gaussianOverlay, gaussianSamples, sigmaOf } from './generate/gaussian.js';
import { atStep } from './kit/alt-text.js';

const SAMPLES = 48;
const SAMPLE_COLS = 8;
const GRID = 15; // the map: GRID × GRID codes over [-RANGE, RANGE]²
const RANGE = 3;
const MAP_MS = 250;
const SAMPLES_MS = 1500; // new samples every so often while training: often enough to follow, slow enough to look at
const GAUSS_MS = 120; // the drawing's Gaussian: follows the pen, and the training

const settings = {
  beta: numberChoice('KL weight β', [0, 0.25, 0.5, 1, 2, 4, 8], 1, {
    min: 0,
    max: 100,
    hint: () => 'β = 1 is the standard VAE. Larger β pulls the codes harder toward N(0, I): smoother, blurrier digits.',
  }),
};

/** What one row of the data is called: a digit, or one of the person's images or rows. */
function nounsOf(data) {
  if (!data) return { one: 'digit', many: 'digits' };
  return data.view === 'image' ? { one: 'image', many: 'images' } : { one: 'row', many: 'rows' };
}

/**
 * The person's own data when this lesson trains on it and its values are not pictures' (a table, signals):
 * those are not between 0 and 1, so the BCE cannot score them.
 */
const ownRows = (lesson) => {
  const info = lessonInfo(lesson);
  return info && info.view !== 'image' ? info : null;
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
      'Draw a digit on the pad to see its cloud. The dot on the map is the mean μ the encoder gives your drawing; the solid ellipse ' +
        'is one standard deviation σ around it and the dashed one two (about 39% and 86% of the cloud). The ellipses are never tilted: ' +
        'the encoder gives one spread per code number, with no correlation between them.',
      'Training needs a random code from that cloud, but a gradient cannot flow through a random draw. The reparameterisation trick ' +
        'draws the randomness on its own, ε from N(0, I), and builds the code from it: z = μ + σ·ε. Now z is an ordinary sum and ' +
        'product of μ and σ, so the loss can be differentiated with respect to both, and through them the encoder learns. ' +
        'The numbered points are six such codes, with six fixed ε, decoded below the map: the digits your drawing’s cloud stands for.',
    ],
    tryThis: [
      'Set β to 0: the reconstructions sharpen, but the samples turn into scribbles (the codes no longer fill the prior).',
      'Set β to 4 or 8: the map gets smoother and the samples blurrier, while KL falls.',
      'Try a latent size of 16 (the map needs 2): the samples get sharper and more varied.',
      'Draw a clear digit, then a scribble: where does the scribble’s cloud land, and how big is it?',
      'Watch a drawing’s ellipse while training from a Reset: it starts as a wide cloud at the centre and shrinks as the encoder grows sure.',
      'Set β to 0 and draw: the clouds shrink to tiny dots (nothing pulls σ toward 1 any more) and the numbered samples all look the same.',
    ],
    interview: [
      [
        'What is the reparameterisation trick?',
        'z = μ + σ·ε with ε ~ N(0, I): the randomness moves into ε, so gradients flow through μ and σ to the encoder.',
      ],
      [
        'Why does the encoder output log σ² rather than σ?',
        'log σ² can be any real number, so a plain linear layer can give it; σ = exp(log σ² / 2) is then always positive, ' +
          'and the KL term, which has log σ² in it, stays numerically tame.',
      ],
      [
        'What does the KL term do to each digit’s Gaussian?',
        'It pulls μ toward 0 and σ toward 1, so the clouds of different digits overlap and cover N(0, I) with no holes; ' +
          'the reconstruction term pulls the other way, toward small, separate clouds. β sets the balance.',
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
  const nouns = nounsOf(lesson.data);
  const drawn = pictures.shape.digits; // the pad draws; otherwise a validation row stands in for the drawing
  const Many = nouns.many[0].toUpperCase() + nouns.many.slice(1);
  const yours = drawn ? 'your drawing' : `the chosen ${nouns.one}`;
  const Yours = yours[0].toUpperCase() + yours.slice(1);

  const samples = picture('vae-samples', 'mosaic', `${SAMPLES} ${nouns.many} decoded from random codes`);
  const newSamples = h('button', { type: 'button', class: 'button small', id: 'new-samples' }, 'New samples');
  const map = picture('vae-map', 'mosaic map', `${Many} decoded from a grid of codes`);
  const mapNote = h('div', { class: 'map-note', id: 'map-note', hidden: true });
  const gaussCanvas = h('canvas', { class: 'map-overlay', id: 'vae-gaussian', 'aria-hidden': 'true' });
  const gauss = lesson.own(gaussianOverlay(gaussCanvas, { grid: GRID, range: RANGE }));
  const gaussSamples = Array.from({ length: SAMPLE_COUNT }, (_, i) =>
    digitCanvas({ 'aria-label': `Code ${i + 1} from ${yours}’s Gaussian, decoded` }),
  );
  const askForInput = !lesson.data
    ? 'Draw a digit on the pad: its Gaussian appears on the map.'
    : drawn
      ? 'Draw on the pad: its Gaussian appears on the map.'
      : `Choose a ${nouns.one} with Next ${nouns.one}: its Gaussian appears on the map.`;
  const gaussNote = h('p', { class: 'hint', id: 'vae-gauss-note' }, askForInput);
  const pad = lesson.padCard({
    stages: [
      drawn
        ? { id: 'pad-input', caption: 'Input (28×28)', label: 'Your drawing as the network sees it, 28 by 28 pixels' }
        : { id: 'pad-input', caption: `The ${nouns.one}`, label: `The chosen ${nouns.one} as the network sees it` },
      { id: 'pad-recon', caption: 'Decoded at μ', label: `The ${nouns.one} decoded from the mean of ${yours}’s code` },
    ],
    emptyMessage: lesson.data
      ? 'Draw on the pad to see the Gaussian the encoder gives your drawing, on the map.'
      : 'Draw a digit to see the Gaussian the encoder gives it, on the map.',
    onChange: (drawing) => {
      if (!drawing) showGaussian(null); // while drawing, the last Gaussian stays until the new one is there
      refreshGaussian();
    },
  });
  const terms = lesson.termsCard({
    id: 'terms-title',
    title: 'Reconstruction and KL, separately',
    y: nouns.one === 'row' ? 'reconstruction (per value)' : 'reconstruction (per pixel)',
    y2: `KL (nats per ${nouns.one})`,
    series: [
      { key: 'recon', label: 'reconstruction', color: '--series-1', stat: ['stat-recon', 'Reconstruction'] },
      { key: 'kl', label: 'KL', color: '--series-2', scale: 'y2', stat: ['stat-kl', `KL (nats per ${nouns.one})`] },
    ],
  });
  const training = lesson.trainingCard({ penalty: 'β·KL' });

  const samplesCard = card(
    {
      id: 'samples-title',
      title: 'Samples from the prior',
      head: [newSamples],
      hint: `Codes drawn at random from N(0, I) and decoded. None of these ${nouns.many} is in the data.`,
    },
    samples,
  );
  const mapCard = card(
    {
      id: 'map-title',
      title: 'The map of the code space',
      hint: `The decoder’s output for a ${GRID}×${GRID} grid of codes from −${RANGE} to ${RANGE} in each direction (z₁ left to right, z₂ bottom to top).`,
    },
    h('div', { class: 'map-wrap' }, map, gaussCanvas, mapNote),
    h(
      'div',
      { class: 'gauss-samples' },
      h('span', { class: 'row-label' }, 'z = μ + σ·ε'),
      h(
        'div',
        { class: 'digit-strip', id: 'vae-gauss-samples', style: `--cols: ${SAMPLE_COUNT}` },
        gaussSamples.map((c, i) => h('figure', { class: 'digit' }, c, h('figcaption', {}, String(i + 1)))),
      ),
    ),
    gaussNote,
  );
  // The map beside the pad, so the drawing's Gaussian moves in sight of the pen.
  lesson.show(evenCards(mapCard, pad.el), evenCards(samplesCard, training.el), terms.el);

  /** The samples and the map as mosaics of rows drawn at their shape (null: blank paper of the mosaic's size). */
  function showSamples(x) {
    describe(samples, x ? `decoded ${atStep(lesson.step)}` : 'none yet');
    const { shape } = pictures;
    pictures.draw(samples, (p) =>
      paintRowMosaic(samples, x, { count: SAMPLES, cols: SAMPLE_COLS, shape, palettes: p }),
    );
  }
  function showMap(y) {
    describe(
      map,
      y ? `${GRID} by ${GRID} ${nouns.many}, z from −${RANGE} to ${RANGE}, decoded ${atStep(lesson.step)}` : 'none yet',
    );
    const { shape } = pictures;
    // No gap between the tiles: the Gaussian's overlay places codes at fractions of the map (generate/gaussian.js).
    pictures.draw(map, (p) => paintRowMosaic(map, y, { count: GRID * GRID, cols: GRID, gap: 0, shape, palettes: p }));
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

  /** The drawing's Gaussian on the map and its decoded samples; null: none (no drawing, or no 2-number code). */
  function showGaussian(g) {
    gauss.show(g);
    pictures.row(gaussSamples, g?.decoded ?? null, { offset: pictures.size });
    if (!g) {
      gaussNote.textContent = pad.drawing
        ? lesson.latent === 2 || !lesson.run
          ? `Encoding ${yours}…`
          : `The Gaussian is drawn on the map for a code of 2 numbers; this network’s has ${lesson.latent}.`
        : askForInput;
      if (pad.drawing && lesson.run && lesson.latent !== 2)
        pad.message.textContent = `Decoded at μ. With a code of ${lesson.latent} numbers the map cannot show its Gaussian.`;
      return;
    }
    const [s1, s2] = sigmaOf(g.logVar);
    const f = (v) => v.toFixed(2).replace('-', '−');
    pad.message.textContent = `μ = (${f(g.mu[0])}, ${f(g.mu[1])}), σ = (${f(s1)}, ${f(s2)}): the dot and ellipses on the map.`;
    gaussNote.textContent =
      `${Yours}: μ = (${f(g.mu[0])}, ${f(g.mu[1])}), σ = (${f(s1)}, ${f(s2)}), the dot on the map; ` +
      'the solid ellipse is 1σ around it, the dashed one 2σ. Above: the numbered codes z = μ + σ·ε, decoded.';
  }

  // The drawing: μ and log σ² from the encoder, then μ and the samples from its Gaussian decoded in one go.
  const refreshGaussian = lesson.refresher(GAUSS_MS, async () => {
    const { drawing, version } = pad;
    if (!drawing) return;
    const { mu, logVar } = await lesson.current(client.call('encodeDistribution', drawing));
    if (version !== pad.version) return;
    if (lesson.latent !== 2) {
      const y = await lesson.current(client.call('decode', mu));
      if (version === pad.version) pad.show('pad-recon', y);
      return showGaussian(null);
    }
    const samples = gaussianSamples(mu, logVar);
    const codes = new Float32Array(2 + samples.length);
    codes.set(mu.subarray(0, 2));
    codes.set(samples, 2);
    const decoded = await lesson.current(client.call('decode', codes));
    if (version !== pad.version) return;
    pad.show('pad-recon', decoded);
    showGaussian({ mu: [mu[0], mu[1]], logVar: [logVar[0], logVar[1]], samples, decoded });
  });

  return {
    reset(_info, state) {
      showSamples(null);
      showMap(null);
      showMapNote(state);
      showGaussian(null);
    },
  };
}

const generate = defineLesson({
  id: 'generate',
  title: 'Generate (VAE)',
  settingsTitle: 'Variational autoencoder',
  settings,
  config(state, cfg) {
    cfg.model.kind = 'vae';
    cfg.train.beta = state.beta;
    return cfg;
  },
  note: (state) =>
    'A VAE: the encoder gives a mean and a spread for each code number, and training decodes a random code from them.' +
    (ownRows(generate) && state.loss === 'mse'
      ? ' Your rows hold numbers outside 0 to 1, so the reconstruction term is the MSE: the BCE scores values from 0 to 1 only.'
      : ''),
  lead:
    'A variational autoencoder learns codes that follow a simple bell-shaped distribution, ' +
    'so a random code from that distribution decodes to a new, plausible digit. You would use it to generate or ' +
    'interpolate data, or to get a smooth, well-organised code space.',
  explain,
  digits: 16, // for the pad's Sample button
  view,
});

// Its defaults follow the data it trains on, so they are read when a link's settings are (a getter): the BCE
// suits pictures, whose values are in [0, 1]; the person's rows of other numbers need the MSE (the worker's
// fitConfig refuses the BCE for them).
Object.defineProperty(generate, 'defaults', {
  enumerable: true,
  get: () => ({ encoder: [256], latent: 2, loss: ownRows(generate) ? 'mse' : 'bce' }),
});

export default generate;
