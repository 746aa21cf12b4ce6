// The Impute lesson's settings: the kind of holes (random pixels, the top
// half, a centre square or the learner's own eraser strokes), the share
// missing, the square's side and the noise the model is trained with; and the
// engine's name for the built-in holes. No DOM: node loads it too (the
// settings tests).

import { SIDE } from '../../lib/mnist.js';
import { choice, range } from '../../state/setting-types.js';

export const NOISE_LEVEL = 0.5;
export const MASKS = {
  random: 'Random pixels',
  top: 'Top half',
  centre: 'Centre square',
  erase: 'Your own: erase on the digit',
};
export const NOISES = {
  none: 'No noise (a plain autoencoder)',
  masking: 'Masking noise (half the pixels erased)',
  block: 'Block noise (a square, half the side, erased)',
};

export const settings = {
  mask: choice('Missing pixels', Object.entries(MASKS), 'random', { rebuild: false, inPanel: false }),
  rate: range('Share missing', {
    min: 0.05,
    max: 0.95,
    step: 0.05,
    def: 0.5,
    rebuild: false,
    inPanel: false,
    describe: (v) => `${Math.round(v * 100)}% of pixels`,
  }),
  side: range('Square side', {
    min: 2,
    max: SIDE,
    step: 2,
    def: 14,
    rebuild: false,
    inPanel: false,
    describe: (v) => `${Math.round(v)}×${Math.round(v)} pixels`,
  }),
  noise: choice('Train the model with', Object.entries(NOISES), 'none', {
    hint: (s) =>
      s.noise === 'none'
        ? 'Holes start at the mean image, which the network then repaints.'
        : 'A denoising autoencoder: trained to repair digits with pixels set to 0, so holes start at 0.',
  }),
};

/** The engine's name for a built-in kind of holes (imputeReport's mask). */
export function engineMask(state) {
  if (state.mask === 'random') return { kind: 'random', rate: state.rate };
  if (state.mask === 'top') return { kind: 'topHalf' };
  return { kind: 'centreSquare', side: Math.round(state.side) };
}
