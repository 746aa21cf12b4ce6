// Presentation mode, for a projector at the front of a room: large type, thick
// chart lines and a high-contrast theme (css/page.css, :root[data-present]),
// secondary controls hidden, and the page full screen where the browser allows
// it (only from a click or a key press, and in an iframe only with
// allow="fullscreen"). Toggled by the Present button, the P key, or present=1
// in the address.

import { themeChanged } from './theme.js';

/**
 * @param {{ initial?: boolean, onChange?: (on: boolean) => void }} options
 * @returns {{ readonly on: boolean, set(on: boolean, options?: { fullscreen?: boolean }): void, toggle(): void }}
 */
export function createPresentation({ initial = false, onChange = () => {} } = {}) {
  const root = document.documentElement;
  let on = false;

  function apply() {
    if (on) root.dataset.present = 'true';
    else delete root.dataset.present;
    const button = document.getElementById('present-toggle');
    button?.setAttribute('aria-pressed', String(on));
    themeChanged(); // charts redraw with the projector's colours, sizes and line widths
  }

  async function fullscreen(want) {
    try {
      if (want && document.fullscreenEnabled && !document.fullscreenElement) await root.requestFullscreen();
      if (!want && document.fullscreenElement) await document.exitFullscreen();
    } catch {
      // Not allowed here (no user gesture, or an iframe without allow="fullscreen"): the mode works without it.
    }
  }

  const api = {
    get on() {
      return on;
    },
    set(next, { fullscreen: full = true } = {}) {
      next = Boolean(next);
      if (next === on) return;
      on = next;
      apply();
      if (full) fullscreen(on);
      onChange(on);
    },
    toggle() {
      api.set(!on);
    },
  };
  if (initial) {
    on = true;
    apply();
  }
  return api;
}
