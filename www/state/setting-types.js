// Setting declarations: how one URL key is read, written and shown as a control.
//
// A setting is a plain object
//   { label, default, parse(text) -> { value } | { error }, format(value) -> string,
//     control?: { type: 'select', options: [{ value, label }] } | { type: 'range', min, max, step },
//     hint?: (state) => string, rebuild?: false }
// Parsers never throw: anything unreadable comes back as { error: 'a sentence' }.
// `rebuild: false` marks a display-only setting (changing it redraws, it does
// not build a new network). The factories below make the common kinds; a
// lesson declares its own keys with them (see www/lessons/index.js).
//
// No DOM here, so node can test it.

const ok = (value) => ({ value });
const bad = (error) => ({ error });

/** A whole number in [lo, hi], written in plain digits. */
export function parseInteger(text, lo, hi, what) {
  const s = String(text).trim();
  if (!/^\d{1,12}$/.test(s)) return bad(`${what} must be a whole number from ${lo} to ${hi}`);
  const n = Number(s);
  return n >= lo && n <= hi ? ok(n) : bad(`${what} must be from ${lo} to ${hi}, got ${n}`);
}

/** One of `choices` (case-insensitive). */
export function parseChoice(text, choices, what) {
  const s = String(text).trim().toLowerCase();
  return choices.includes(s) ? ok(s) : bad(`${what} must be one of ${choices.join(', ')}`);
}

/** A plain or scientific-notation number ("0.5", ".5", "1e-3") in [lo, hi]; no hex, no Infinity. */
export function parseNumber(text, lo, hi, what) {
  const s = String(text).trim();
  const n = /^[+-]?[0-9]*\.?[0-9]+(e[+-]?[0-9]{1,3})?$/i.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(n)) return bad(`${what} must be a number from ${lo} to ${hi}`);
  return n >= lo && n <= hi ? ok(n === 0 ? 0 : n) : bad(`${what} must be from ${lo} to ${hi}, got ${n}`);
}

/** 'Noise type' -> 'the noise type'; an acronym keeps its capitals ('KL weight β' -> 'the KL weight β'). */
const lower = (label) => `the ${/^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1)}`;

/**
 * A choice among named options, shown as a select.
 * @param {string} label  e.g. 'Noise type'
 * @param {Array<[string, string]>} options  [value, text shown] pairs
 * @param {string} def  the default value
 * @param {object} [extra]  hint, rebuild, ...
 */
export function choice(label, options, def, extra = {}) {
  const values = options.map(([v]) => v);
  return {
    label,
    default: def,
    parse: (t) => parseChoice(t, values, lower(label)),
    format: String,
    control: { type: 'select', options: options.map(([value, text]) => ({ value, label: text })) },
    ...extra,
  };
}

/**
 * A number in [min, max] picked from a list of presets (a select); a link may
 * carry any other number in range, which the select then lists too.
 */
export function numberChoice(label, presets, def, { min, max, ...extra }) {
  return {
    label,
    default: def,
    parse: (t) => parseNumber(t, min, max, lower(label)),
    format: String,
    control: { type: 'select', options: presets.map((v) => ({ value: String(v), label: String(v) })) },
    ...extra,
  };
}

/** A number in [min, max] on a slider with the given step (a link may carry any number in range). */
export function range(label, { min, max, step, def, ...extra }) {
  return {
    label,
    default: def,
    parse: (t) => parseNumber(t, min, max, lower(label)),
    format: String,
    control: { type: 'range', min, max, step },
    ...extra,
  };
}

/**
 * The anomaly threshold, a percentile of the normal validation errors (50–100,
 * 99 by default): a view setting, so moving it neither rebuilds nor sits in the
 * settings panel. `describe` and `hint` say it in the lesson's own words.
 */
export function percentileThreshold({ describe, hint }) {
  return range('Threshold', { min: 50, max: 100, step: 0.5, def: 99, rebuild: false, inPanel: false, describe, hint });
}
