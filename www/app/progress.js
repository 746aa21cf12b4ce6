// One signal for "training got this far": the lesson's training card reports
// the step and the smoothed loss it shows, and the page's compact readout
// beside Play (narrow screens, where the card is out of sight) shows them.
// A document event, like the theme signal, so neither side imports the other.

const EVENT = 'playground-progress';

/**
 * Tells whoever listens the step and loss now shown, as numbers and as the card writes them
 * ({ step, loss, stepText, lossText, name? }; loss null: none yet; step 0: a new run, or none;
 * name: what the loss is called, 'loss' unless said).
 */
export function reportProgress(progress) {
  document.dispatchEvent(new CustomEvent(EVENT, { detail: { ...progress } }));
}

/** Calls `fn({ step, loss, stepText, lossText, name })` on every report; returns a function that stops listening. */
export function onProgress(fn) {
  const listener = (e) => fn(e.detail);
  document.addEventListener(EVENT, listener);
  return () => document.removeEventListener(EVENT, listener);
}
