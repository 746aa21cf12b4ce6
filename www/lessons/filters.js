// Filters: the weights of the encoder's first layer (what each unit looks for
// in the 784 pixels) and of the decoder's last layer (what each unit paints),
// each shown as a 28×28 image on a diverging colour map, scaled per filter
// around 0, refreshed as the network trains.

import { h } from '../lib/dom.js';
import { paintBlank } from '../draw/images.js';
import { divergingPalette, paintFilterMosaic } from '../draw/colour-maps.js';
import { numberChoice } from '../state/setting-types.js';
import { lessonHeader, TrainingCard, explainer, throttle, onSchemeChange, fmtInt } from './kit/common.js';

/** At most this many filters are drawn (a 16 × 16 mosaic). */
const MAX_SHOWN = 256;
/** Two layers' weights (2 × 784 × units numbers) cross from the worker at most this often. */
const REFRESH_MS = 1000;
const LOSS_NAMES = { mse: 'MSE', bce: 'BCE' };

const settings = {
  decay: numberChoice('Weight decay λ', [0, 0.00001, 0.0001, 0.001, 0.01], 0.0001, {
    min: 0,
    max: 1,
    hint: () =>
      'An L2 penalty on the weights. It pulls the weights no digit needs (the blank border) to 0, so the tiles show what was learned rather than the random start.',
  }),
};

const rgb = (c) => `rgb(${c.join(' ')})`;

function explanation() {
  return explainer({
    body: [
      'A unit of the first encoder layer computes a weighted sum of all 784 pixels. Drawing its 784 weights as a 28×28 image shows ' +
        'the pattern that excites it most: ink where the weights are positive (red) raises its input, ink where they are negative ' +
        '(blue) lowers it. Each filter is scaled by its own largest weight, so compare shapes, not strengths, between tiles.',
      'The decoder’s last layer works the other way round: each of its units adds its pattern, times its activation, to the output ' +
        'image. A reconstruction is a weighted sum of these tiles (then squashed by the sigmoid).',
      'At the start the weights are random noise. As the network trains, the encoder’s filters turn into detectors of strokes, ' +
        'blobs and edges in particular places, with a blue surround where ink would mean a different digit; the decoder’s tiles turn ' +
        'into stroke parts.',
      'A nearly blank tile with a few specks is a unit that (almost) never fires, such as a ReLU stuck below 0: it gets no gradient, ' +
        'the weight decay shrinks all its weights, and the per-tile scaling magnifies whatever is left.',
    ],
    tryThis: [
      'Watch the first few hundred steps: structure appears out of the noise from the centre, where digits have ink.',
      'Set the encoder widths to 256,64: four times the units, and each filter becomes a smaller, more local piece of stroke.',
      'Set the weight decay to 0: the tiles keep the random speckle of their start wherever no digit has ink, such as the border.',
    ],
    interview: [
      [
        'Without weight decay, why do the filters stay noisy at the border?',
        'The border pixels are 0 in every digit, so the loss gives those weights no gradient: they keep their random initial values. Only a penalty such as weight decay moves them.',
      ],
      [
        'How is this related to convolutional filters?',
        'A dense layer learns one full-size filter per unit at a fixed position; a convolution learns small filters shared across positions, which is why convnets need far fewer weights for images.',
      ],
      [
        'With tied weights, what would the decoder show?',
        'The transposes of the encoder’s filters: tied autoencoders use W and Wᵀ, halving the parameters.',
      ],
    ],
  });
}

function mount(root, { client, store, commit }) {
  let palette = divergingPalette();
  let run = 0;
  let last = null; // the last filters() reply

  const encCanvas = h('canvas', {
    class: 'mosaic filters',
    id: 'enc-filters',
    role: 'img',
    'aria-label': 'The encoder’s first-layer filters as images',
  });
  const decCanvas = h('canvas', {
    class: 'mosaic filters',
    id: 'dec-filters',
    role: 'img',
    'aria-label': 'The decoder’s last-layer patterns as images',
  });
  const encNote = h('p', { class: 'hint', id: 'enc-note' }, 'Waiting for the network…');
  const decNote = h('p', { class: 'hint', id: 'dec-note' }, '');
  const scale = () =>
    h(
      'div',
      { class: 'diverging-scale', 'aria-hidden': 'true' },
      h('span', { class: 'bar' }),
      h('span', { class: 'ends' }, h('span', {}, '− largest'), h('span', {}, '0'), h('span', {}, '+ largest')),
    );
  const scales = [scale(), scale()];
  const training = new TrainingCard({
    store,
    commit,
    title: 'Training loss',
    lossName: (s) => LOSS_NAMES[s.loss] ?? s.loss,
  });

  root.append(
    h(
      'section',
      { class: 'lesson', 'aria-labelledby': 'lesson-title' },
      lessonHeader(
        'Filters',
        'What does each unit of the network look at? The weights that connect the pixels to the first layer, ' +
          'and the last layer to the output, drawn as images. Press Play and watch noise turn into strokes.',
      ),
      h(
        'div',
        { class: 'cards even' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'enc-title' },
          h('h3', { id: 'enc-title' }, 'Encoder, first layer: what each unit looks for'),
          encNote,
          encCanvas,
          scales[0],
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'dec-title' },
          h('h3', { id: 'dec-title' }, 'Decoder, last layer: what each unit paints'),
          decNote,
          decCanvas,
          scales[1],
        ),
      ),
      training.el,
      explanation(),
    ),
  );

  function showScales() {
    const bg = `linear-gradient(to right, ${rgb(palette.neg)}, ${rgb(palette.mid)}, ${rgb(palette.pos)})`;
    for (const s of scales) s.querySelector('.bar').style.background = bg;
  }

  function paint() {
    showScales();
    if (!last) {
      paintBlank(encCanvas, {
        width: 16 * 29 + 1,
        height: 16 * 29 + 1,
        palette: { paper: palette.mid, ink: palette.mid },
      });
      paintBlank(decCanvas, {
        width: 16 * 29 + 1,
        height: 16 * 29 + 1,
        palette: { paper: palette.mid, ink: palette.mid },
      });
      return;
    }
    const { units } = last;
    const count = Math.min(units, MAX_SHOWN);
    const cols = Math.ceil(Math.sqrt(count));
    paintFilterMosaic(encCanvas, last.encoder, { units, count, layout: 'columns', cols, palette });
    paintFilterMosaic(decCanvas, last.decoder, { units, count, layout: 'rows', cols, palette });
    encCanvas.dataset.units = String(count);
    decCanvas.dataset.units = String(count);
    const shown =
      count < units ? `the first ${fmtInt(count)} of its ${fmtInt(units)} units` : `all ${fmtInt(units)} units`;
    encNote.textContent = `784 weights per unit, one tile each: ${shown}. Red: ink there excites the unit; blue: ink there inhibits it.`;
    decNote.textContent = `784 weights per unit, one tile each: ${shown}. Red: the unit adds ink there; blue: it erases ink.`;
  }

  async function refreshNow() {
    if (!run) return;
    const forRun = run;
    const f = await client.call('filters');
    if (forRun !== run) return;
    last = f;
    paint();
  }
  const refresh = throttle(refreshNow, REFRESH_MS);

  const stopScheme = onSchemeChange(() => {
    palette = divergingPalette();
    paint();
  });
  paint();

  return {
    reset(info, state) {
      run = info.run;
      last = null;
      training.reset(state);
      root.querySelector('.lesson').classList.remove('stale');
      paint();
      refresh();
    },
    invalid() {
      run = 0;
      root.querySelector('.lesson').classList.add('stale');
    },
    stats(msg) {
      training.stats(msg);
      refresh();
    },
    halted() {
      refresh();
    },
    paused() {
      refresh();
    },
    setScale(scale) {
      training.setScale(scale);
    },
    unmount() {
      refresh.stop();
      stopScheme();
      training.destroy();
      root.replaceChildren();
    },
  };
}

export default {
  id: 'filters',
  title: 'Filters',
  settingsTitle: 'Filters',
  settings,
  defaults: { encoder: [64] },
  config(state, cfg) {
    cfg.train.weightDecay = state.decay;
    return cfg;
  },
  mount,
};
