// The person's own data, for the life of the page: a link cannot carry it
// (it never leaves the tab where it was opened), so it lives here and in the
// worker, not in the URL state. The Your data lesson opens it
// (lessons/data/source-card.js); the person can then have it stand in for the
// digits in the other lessons (`inLessons`) that can use it: a lesson says
// what it accepts (any rows, images, or only 28×28 gray pictures like the
// digits), and run-controls.js asks the worker for the data it may use. No DOM
// here, so node can test it.

export const ownData = {
  /** The worker's name for it (putData), or null before anything was opened. */
  id: null,
  /** What the worker said of it (worker/data-source.js info). */
  info: null,
  /** A table's file, kept to read it again with another label column: { bytes, name }. */
  table: null,
  /** Whether the digit lessons train on it instead of the digits. */
  inLessons: false,
};

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
  if (needsLabels && !info.labelNames?.length) return false;
  if (accepts === 'any') return true;
  if (accepts === 'images') return info.view === 'image';
  if (accepts === 'digits') return fitsDigitLessons(info);
  return false;
}

/** The own data's info when the person chose it for the lessons and a lesson (its `accepts`, `needsLabels`) can use it, else null. */
export function lessonInfo({ accepts = 'digits', needsLabels = false } = {}) {
  return ownData.inLessons && ownData.id && accepted(accepts, ownData.info, { needsLabels }) ? ownData.info : null;
}

/** The data a lesson's run trains on (worker/data-source.js spec): the own data when chosen and usable, else null (the digits). */
export function lessonData(lesson = {}) {
  return lessonInfo(lesson) ? { kind: 'own', id: ownData.id } : null;
}
