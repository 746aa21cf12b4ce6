// How lessons write numbers: losses and metrics in a handful of characters,
// counts with thousands separators, shares as percentages, and the name of the
// loss a run trains on (the y axis of its loss chart).

import { groupedInt } from '../../lib/numbers.js';

/** A loss or metric in at most about 7 characters: 0.0283, 5.43, 5.65e-4. */
export const fmtLoss = (v) => {
  if (v == null || !Number.isFinite(v)) return '–';
  return v !== 0 && Math.abs(v) < 0.001 ? v.toExponential(2) : v.toPrecision(3);
};

/** A whole number with thousands separators: 12,345. */
export const fmtInt = groupedInt;

/** A share (0.123) as a percentage with `digits` decimals: 12% or 12.3%. */
export const fmtPercent = (v, digits = 0) => `${(v * 100).toFixed(digits)}%`;

const LOSS_NAMES = { mse: 'MSE', bce: 'BCE' };

/** The training loss's name for a state: 'MSE', or 'MSE + sparsity' when a `penalty` term is added to it. */
export function lossName(state, penalty = '') {
  const name = LOSS_NAMES[state.loss] ?? state.loss;
  return penalty ? `${name} + ${penalty}` : name;
}
