// The Anomalies lesson's settings: the held-out class (a digit; on a person's
// own data one of its first ten labels, or none when it has no labels or its
// faults are held out already) and the threshold, a percentile of the normal
// validation errors. Their labels, defaults and hints follow the data the
// lesson trains on, read when they are (getters). No DOM: node loads it too
// (the settings tests).

import { choice, percentileThreshold } from '../../state/setting-types.js';
import { fmtInt } from '../kit/format.js';
import { faultsHeldOut } from './explain.js';

/** The engine holds out a class numbered 0 to 9 (train.excludeClass): a person's first ten classes. */
const MAX_CLASSES = 10;

/** The class names a run on `info` can hold out (null: the digits); none where the faults are held out already. */
const classNames = (info) => (info.heldOutFaults ? [] : (info.labelNames ?? []).slice(0, MAX_CLASSES));

/** The held-out class of a run on `info` (null: the digits) for `state`: a class number, or null for none. */
export function heldOutClass(state, info) {
  if (state.exclude === 'none') return null;
  const c = Number(state.exclude);
  return !info || c < classNames(info).length ? c : null;
}

/** What the held-out class is called: "2" for a digit, the label itself for a person's data. */
export const className = (c, info) => (info ? `“${info.labelNames[c]}”` : String(c));

const digitExclude = choice(
  'Held-out digit',
  [['none', 'None: train on every digit'], ...Array.from({ length: 10 }, (_, d) => [String(d), `${d}`])],
  '2',
);

/**
 * The lesson's settings. `ownInfo()`: the person's own data when the lesson trains on it
 * (state/own-data.js), or null: the digits.
 */
export function anomalySettings(ownInfo) {
  /**
   * The held-out class. On the digits a digit, 2 unless the link says otherwise; on a person's
   * own data (read when the lesson's settings are shown) one of its labels, by default one that is
   * not the most common (the anomalies are then the rarer kind), or none when it has no labels.
   */
  const exclude = {
    ...digitExclude,
    get label() {
      return ownInfo() ? 'Held-out class' : digitExclude.label;
    },
    get default() {
      const info = ownInfo();
      if (!info) return digitExclude.default;
      const names = classNames(info);
      if (names.length < 2) return 'none';
      return String(names.findIndex((_, c) => c !== info.normalLabel));
    },
    get control() {
      const info = ownInfo();
      if (!info) return digitExclude.control;
      const names = classNames(info);
      const none = faultsHeldOut(info)
        ? 'None: the faults are held out already'
        : names.length
          ? 'None: train on every class'
          : 'None (your data has no labels)';
      return {
        type: 'select',
        options: [{ value: 'none', label: none }, ...names.map((name, c) => ({ value: String(c), label: name }))],
      };
    },
    hint(s) {
      const info = ownInfo();
      const c = heldOutClass(s, info);
      if (!info) {
        return c == null
          ? 'Nothing is held out, so there is nothing to catch: the histogram shows what “normal” errors look like.'
          : `The network never sees a ${c} while training; the test set keeps all ten digits.`;
      }
      if (faultsHeldOut(info)) {
        return `The network trains on healthy windows only. The faults are in a held-out set of ${fmtInt(info.scoredRows)} windows of their own, scored in the card below.`;
      }
      const all = info.labelNames?.length ?? 0;
      if (!all) {
        return 'Your data has no labels, so no class can be held out: the network trains on every row, and the histogram shows how its errors spread.';
      }
      const more =
        all > MAX_CLASSES ? ` Only the first ${MAX_CLASSES} of its ${all} classes can be held out here.` : '';
      const plural = info.view === 'image' ? 'images' : 'rows';
      if (c != null)
        return `The network never sees ${plural} of class ${className(c, info)} while training; the test ${plural} keep every class.${more}`;
      return s.exclude === 'none'
        ? `Nothing is held out, so there is nothing to catch: the histogram shows what “normal” errors look like.${more}`
        : `Your data has no class number ${s.exclude} (its classes are numbered 0 to ${all - 1}), so nothing is held out: pick one of its classes.${more}`;
    },
  };

  return {
    exclude,
    pct: percentileThreshold({
      describe: (v) => `${v}th percentile of normal validation errors`,
      hint: () => {
        const what = !ownInfo() ? 'digits' : ownInfo().view === 'image' ? 'images' : 'rows';
        return `${what[0].toUpperCase()}${what.slice(1)} with a reconstruction error at or above the threshold are flagged. The default flags the worst 1% of normal ${what}.`;
      },
    }),
  };
}
