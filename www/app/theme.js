// One signal for "the colours or sizes changed": the system's light/dark
// setting, or presentation mode switching the page to its projector theme.
// Charts draw on canvases with colours read from CSS variables, so they
// redraw when it fires.

const EVENT = 'playground-theme';

/** Calls `fn` when the theme changes; returns a function that stops listening. */
export function onThemeChange(fn) {
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', fn);
  document.addEventListener(EVENT, fn);
  return () => {
    scheme.removeEventListener('change', fn);
    document.removeEventListener(EVENT, fn);
  };
}

/** Tells everything listening that the page's theme changed (e.g. presentation mode on or off). */
export function themeChanged() {
  document.dispatchEvent(new Event(EVENT));
}
