// One signal for "the colours or sizes changed": the system's light/dark
// setting, or presentation mode switching the page to its projector theme.
// Every canvas (charts, digit tiles, the pads, the scatter, colour maps)
// paints with colours read from the theme's CSS variables (css/page.css), so
// each repaints when it fires; nothing listens to prefers-color-scheme itself.

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
