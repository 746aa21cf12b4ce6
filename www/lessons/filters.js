// Filters: the weights of the encoder's first layer (what each unit looks for
// in the 784 pixels) and of the decoder's last layer (what each unit paints),
// each shown as a 28×28 image on a diverging colour map, scaled per filter
// around 0, refreshed as the network trains. On a person's own images the
// tiles are their pictures' height × width: gray pictures on the same map,
// colour ones in colour (each pixel's red, green and blue weights as its red,
// green and blue, mid-gray at 0), since three signed channels do not fit a
// two-hue map.

import { h } from '../lib/dom.js';
import { SIDE } from '../lib/mnist.js';
import { paintBlank, paintTiles } from '../draw/images.js';
import { diverging, filterImage, paintFilterMosaic } from '../draw/colour-maps.js';
import { describe, say } from '../charts/describe.js';
import { numberChoice } from '../state/setting-types.js';
import { defineLesson } from './kit/lesson.js';
import { picture } from './kit/canvases.js';
import { card, evenCards } from './kit/cards.js';
import { fmtInt } from './kit/format.js';
import { atStep } from './kit/alt-text.js';

/** At most this many filters are drawn (a 16 × 16 mosaic). */
const MAX_SHOWN = 256;
/** Two layers' weights (2 × 784 × units numbers) cross from the worker at most this often. */
const REFRESH_MS = 1000;

const settings = {
  decay: numberChoice('Weight decay λ', [0, 0.00001, 0.0001, 0.001, 0.01], 0.0001, {
    min: 0,
    max: 1,
    hint: () =>
      'An L2 penalty on the weights. It pulls the weights no digit needs (the blank border) to 0, so the tiles show what was learned rather than the random start.',
  }),
};

/** "a 32×32 picture in 3 colours" for a person's pictures of `shape`. */
const pictureWords = ({ channels, height, width }) =>
  `${width}×${height} picture${channels === 3 ? ' in 3 colours' : ''}`;

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
function explain(lesson) {
  const own = lesson?.data;
  const shape = own?.shape;
  return {
    body: [
      own
        ? `A unit of the first encoder layer computes a weighted sum of all ${fmtInt(own.width)} values of one of your pictures. ` +
          `Drawing its weights as a ${pictureWords(shape)} shows the pattern that excites it most` +
          (shape.channels === 3
            ? ': each pixel of a tile gets the unit’s red, green and blue weights there as its red, green and blue, mid-gray being 0. ' +
              'A reddish pixel is where red light excites the unit more than green and blue; a light one where all three excite it, a dark one where all three inhibit it. '
            : ': brightness where the weights are positive (red) raises its input, brightness where they are negative (blue) lowers it. ') +
          'Each filter is scaled by its own largest weight, so compare shapes, not strengths, between tiles.'
        : 'A unit of the first encoder layer computes a weighted sum of all 784 pixels. Drawing its 784 weights as a 28×28 image shows ' +
          'the pattern that excites it most: ink where the weights are positive (red) raises its input, ink where they are negative ' +
          '(blue) lowers it. Each filter is scaled by its own largest weight, so compare shapes, not strengths, between tiles.',
      'The decoder’s last layer works the other way round: each of its units adds its pattern, times its activation, to the output ' +
        'image. A reconstruction is a weighted sum of these tiles (then squashed by the sigmoid).',
      own
        ? 'At the start the weights are random noise. As the network trains, the encoder’s filters turn into detectors of the ' +
          `${shape.channels === 3 ? 'shapes, edges and colours' : 'shapes and edges'} in particular places that tell your pictures apart; ` +
          'the decoder’s tiles turn into parts of them.'
        : 'At the start the weights are random noise. As the network trains, the encoder’s filters turn into detectors of strokes, ' +
          'blobs and edges in particular places, with a blue surround where ink would mean a different digit; the decoder’s tiles turn ' +
          'into stroke parts.',
      'A nearly blank tile with a few specks is a unit that (almost) never fires, such as a ReLU stuck below 0: it gets no gradient, ' +
        'the weight decay shrinks all its weights, and the per-tile scaling magnifies whatever is left.',
    ],
    tryThis: [
      own
        ? 'Watch the first few hundred steps: structure appears out of the noise where your pictures differ from one another.'
        : 'Watch the first few hundred steps: structure appears out of the noise from the centre, where digits have ink.',
      `Set the encoder widths to 256,64: four times the units, and each filter becomes a smaller, more local piece of ${own ? 'a picture' : 'stroke'}.`,
      own
        ? 'Set the weight decay to 0: the tiles keep the random speckle of their start wherever your pictures never change, such as a plain background.'
        : 'Set the weight decay to 0: the tiles keep the random speckle of their start wherever no digit has ink, such as the border.',
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
  };
}

/** The −/0/+ scale under a mosaic, in the theme's diverging colours (www/css/explore.css). */
const scale = () =>
  h(
    'div',
    { class: 'diverging-scale', 'aria-hidden': 'true' },
    h('span', { class: 'bar' }),
    h('span', { class: 'ends' }, h('span', {}, '− largest'), h('span', {}, '0'), h('span', {}, '+ largest')),
  );

/**
 * Paints the first `count` filters of a layer (as paintFilterMosaic) as tiles of a person's pictures' `shape`:
 * gray ones on the diverging map, colour ones in colour, each channel's weight w (scaled by the filter's
 * largest |weight| over all channels) as that colour's 0.5 + 0.5·w.
 */
function paintShapedFilters(canvas, weights, { units, count, layout, cols, palette, shape }) {
  const { channels, height, width } = shape;
  const plane = height * width;
  const c = [0, 0, 0];
  paintTiles(canvas, {
    count,
    cols,
    width,
    height,
    gap: 1,
    background: palette.mid,
    tile: (j, put) => {
      const { image } = filterImage(weights, units, j, layout, channels * plane);
      for (let p = 0; p < plane; p++) {
        const [x, y] = [p % width, Math.floor(p / width)];
        if (channels === 1) {
          put(x, y, diverging(image[p], palette));
          continue;
        }
        for (let k = 0; k < 3; k++) c[k] = Math.round(255 * (0.5 + 0.5 * image[k * plane + p]));
        put(x, y, c);
      }
    },
  });
}

function view(lesson) {
  const { client, pictures } = lesson;
  // A person's own pictures (any size, gray or colour), or null: the digits.
  const own = lesson.data;
  const shape = own ? own.shape : { channels: 1, height: SIDE, width: SIDE };
  const colour = shape.channels === 3;

  const encCanvas = picture('enc-filters', 'mosaic filters', 'The encoder’s first-layer filters as images');
  const decCanvas = picture('dec-filters', 'mosaic filters', 'The decoder’s last-layer patterns as images');
  const encNote = h('p', { class: 'hint', id: 'enc-note' }, 'Waiting for the network…');
  const decNote = h('p', { class: 'hint', id: 'dec-note' }, '');
  const training = lesson.trainingCard({});

  // Colour tiles are not on the two-hue map: their notes say how to read them instead of its scale.
  lesson.show(
    evenCards(
      card(
        { id: 'enc-title', title: 'Encoder, first layer: what each unit looks for' },
        encNote,
        encCanvas,
        colour ? null : scale(),
      ),
      card(
        { id: 'dec-title', title: 'Decoder, last layer: what each unit paints' },
        decNote,
        decCanvas,
        colour ? null : scale(),
      ),
    ),
    training.el,
  );

  /** Both layers' filters from a filters() reply (null: a blank 16 × 16 mosaic). */
  function show(f) {
    const count = f ? Math.min(f.units, MAX_SHOWN) : 0;
    const cols = Math.ceil(Math.sqrt(count));
    for (const [canvas, weights, layout] of [
      [encCanvas, f?.encoder, 'columns'],
      [decCanvas, f?.decoder, 'rows'],
    ]) {
      pictures.draw(canvas, ({ diverging: palette }) => {
        if (!f) {
          paintBlank(canvas, {
            width: 16 * (shape.width + 1) + 1,
            height: 16 * (shape.height + 1) + 1,
            palette: { paper: palette.mid, ink: palette.mid },
          });
        } else if (own) {
          paintShapedFilters(canvas, weights, { units: f.units, count, layout, cols, palette, shape });
        } else {
          paintFilterMosaic(canvas, weights, { units: f.units, count, layout, cols, palette });
        }
      });
      if (f) canvas.dataset.units = String(count);
    }
    if (!f) {
      for (const c of [encCanvas, decCanvas]) describe(c, 'none yet');
      return;
    }
    const shown =
      count < f.units ? `the first ${fmtInt(count)} of its ${fmtInt(f.units)} units` : `all ${fmtInt(f.units)} units`;
    for (const [c, w] of [
      [encCanvas, f.encoder],
      [decCanvas, f.decoder],
    ]) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of w) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      describe(c, `${shown} ${atStep(lesson.step)}, weights from ${say(lo)} to ${say(hi)}`);
    }
    if (!own) {
      encNote.textContent = `784 weights per unit, one tile each: ${shown}. Red: ink there excites the unit; blue: ink there inhibits it.`;
      decNote.textContent = `784 weights per unit, one tile each: ${shown}. Red: the unit adds ink there; blue: it erases ink.`;
      return;
    }
    const per = `${fmtInt(own.width)} weights per unit, one ${pictureWords(shape)} each: ${shown}.`;
    encNote.textContent = colour
      ? `${per} Each pixel shows the unit’s red, green and blue weights as its colour, mid-gray for 0 (scaled per tile): ` +
        'reddish where red light excites the unit more than green and blue, light where all three excite it, dark where all three inhibit it.'
      : `${per} Red: brightness there excites the unit; blue: brightness there inhibits it.`;
    decNote.textContent = colour
      ? `${per} Each pixel shows the colour the unit adds there (mid-gray: none; light: it brightens, dark: it darkens; a hue: it adds that colour).`
      : `${per} Red: the unit brightens the picture there; blue: it darkens it.`;
  }
  show(null);

  // A conv model's first layer is a few small kernels slid over the image, not one 28×28 picture per unit.
  let conv = false;
  function sayConv() {
    encNote.textContent =
      'This network is convolutional: its first layer is a few small kernels (3×3 by default) slid over the whole image, ' +
      `not one ${shape.width}×${shape.height} weight picture per unit, so there is nothing of that kind to draw here. ` +
      'The Convolutional lesson draws its kernels and feature maps; set Conv blocks to none to see dense filters here.';
    decNote.textContent = 'The same holds for the decoder’s last layer, a transposed convolution.';
    for (const c of [encCanvas, decCanvas]) describe(c, 'not drawn for a convolutional network');
  }

  lesson.refresher(REFRESH_MS, async () => {
    if (conv) return;
    show(await lesson.current(client.call('filters')));
  });

  return {
    reset(info) {
      conv = (info?.config?.model?.conv?.length ?? 0) > 0;
      show(null);
      if (conv) sayConv();
    },
  };
}

export default defineLesson({
  id: 'filters',
  title: 'Filters',
  settingsTitle: 'Filters',
  settings,
  defaults: { encoder: [64] },
  config(state, cfg) {
    cfg.train.weightDecay = state.decay;
    return cfg;
  },
  lead: (lesson) =>
    'What does each unit of the network look at? The weights that connect the pixels to the first layer, ' +
    'and the last layer to the output, drawn as images. ' +
    (lesson.data
      ? 'Press Play and watch noise turn into parts of your pictures.'
      : 'Press Play and watch noise turn into strokes.'),
  explain,
  view,
});
