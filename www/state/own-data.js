// The person's own data, for the life of the page: a link cannot carry it
// (it never leaves the tab where it was opened), so it lives here and in the
// worker, not in the URL state. The Your data lesson opens it
// (lessons/data/source-card.js); images read like the digits (gray, 28×28) can
// also stand in for the digits in every other lesson (`inLessons`), which
// run-controls.js asks the worker for. No DOM here, so node can test it.

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

/** The data a digit lesson's run trains on: the own images when chosen for the lessons, else null (the digits). */
export function lessonData() {
  return ownData.inLessons && ownData.id && fitsDigitLessons(ownData.info) ? { kind: 'own', id: ownData.id } : null;
}
