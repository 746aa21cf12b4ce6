// The person's own data, for the life of the page: a link cannot carry it
// (it never leaves the tab where it was opened), so it lives here and in the
// worker, not in the URL state. The Your data lesson opens it
// (lessons/data/source-card.js); the person can then have it stand in for the
// digits in the other lessons (`inLessons`) that can use it: a lesson says
// what it accepts (any rows, images, or only 28×28 gray pictures like the
// digits), and run-controls.js asks the worker for the data it may use.
// The data the lessons train on is named in the link (`data=`, state/url-state.js):
// the digits, a generated set (with its rows, seed and share, so a link makes
// the same rows again) or `own` (then the tab must hold it). lesson-host.js
// reads it at each mount (`chooseData`). No DOM here, so node can test it.

import { generatedInfo } from '../worker/data-source.js';
import { dataHashPart } from './url-state.js';

export const ownData = {
  /** The worker's name for it (putData), or null before anything was opened. */
  id: null,
  /** What the worker said of it (worker/data-source.js info). */
  info: null,
  /** A table's file, kept to read it again with another label column: { bytes, name }. */
  table: null,
  /** Whether the Your data lesson's links to the other lessons carry its data (its "Use … in every lesson"). */
  inLessons: false,
};

/**
 * The data the link names for the lessons, set at each mount: `name` ('digits', 'curve', 'sensors', 'own'),
 * `spec` (worker/data-source.js) and `info`, or spec and info null (the digits, or own data the tab lacks:
 * `missing`), or `error` (a generated set the engine would refuse).
 */
export const chosen = { name: 'digits', spec: null, info: null, missing: false, error: null };

/** The data a state's keys name: { spec, info } (both null for the digits), `missing` own data, or an `error`. */
export function dataFor(state) {
  const name = state?.data ?? 'digits';
  if (name === 'own') {
    return ownData.id
      ? { name, spec: { kind: 'own', id: ownData.id }, info: ownData.info, missing: false, error: null }
      : { name, spec: null, info: null, missing: true, error: null };
  }
  if (name === 'curve' || name === 'sensors') {
    const spec = {
      kind: 'generated',
      name,
      rows: state.rows,
      seed: state.dseed,
      share: name === 'curve' ? state.dnoise : state.faults,
    };
    try {
      return { name, spec, info: generatedInfo(spec), missing: false, error: null };
    } catch (err) {
      return { name, spec: null, info: null, missing: false, error: err.message };
    }
  }
  return { name: 'digits', spec: null, info: null, missing: false, error: null };
}

/**
 * The data part the menu's links carry (url-state.js dataHashPart), or '' (the digits): in the Your data
 * lesson (`dataSpec`) while its "Use … in every lesson" is on; in the others, whatever data they name
 * (which then shows that button on in Your data).
 */
export function carriedData(state, lesson) {
  if (!lesson?.dataSpec) ownData.inLessons = (state?.data ?? 'digits') !== 'digits';
  return ownData.inLessons ? dataHashPart(state) : '';
}

/** Reads the data the state names into `chosen` (lesson-host.js, before a lesson mounts). */
export function chooseData(state) {
  Object.assign(chosen, dataFor(state));
  return chosen;
}

/** Whether data can stand in for the digits: gray 28×28 images (the digit lessons draw and decode those). */
export function fitsDigitLessons(info) {
  const s = info?.shape;
  return info?.view === 'image' && s?.channels === 1 && s?.height === 28 && s?.width === 28;
}

/**
 * What a lesson can train on (its `accepts`): 'any' rows (a table, signals, images of any size),
 * 'images' of any size and colour, only 'digits' (gray 28×28 pictures: it draws or decodes them as such), or
 * 'none' (it trains on no digits, e.g. Recommend).
 */
export const ACCEPTS = ['any', 'images', 'digits', 'none'];

/** Whether a lesson that accepts `accepts` (and needs labels, if `needsLabels`) can train on data described by `info`. */
export function accepted(accepts, info, { needsLabels = false } = {}) {
  if (!info) return false;
  // Held-out faults (Machine sensors): the training rows are all of one label.
  if (needsLabels && (!info.labelNames?.length || info.heldOutFaults)) return false;
  if (accepts === 'any') return true;
  if (accepts === 'images') return info.view === 'image';
  if (accepts === 'digits') return fitsDigitLessons(info);
  return false;
}

/** The chosen data's info when a lesson (its `accepts`, `needsLabels`) can use it, else null (the digits). */
export function lessonInfo({ accepts = 'digits', needsLabels = false } = {}) {
  return chosen.info && accepted(accepts, chosen.info, { needsLabels }) ? chosen.info : null;
}

/** The data a lesson's run trains on (worker/data-source.js spec): the chosen data when the lesson can use it, else null (the digits). */
export function lessonData(lesson = {}) {
  return lessonInfo(lesson) ? chosen.spec : null;
}
