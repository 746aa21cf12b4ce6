// The view flags (state/view-flags.js) applied to the page, and the address bar kept
// tidy: flags live in the query string, settings in the hash.

import { hiddenParts, formatFlags, withoutFlags, FLAG_KEYS } from './view-flags.js';

/** Marks the body so css/page.css hides the parts and picks the layout the flags ask for. */
export function applyFlags(flags, body = document.body) {
  const parts = hiddenParts(flags);
  body.dataset.hide = parts.join(' ');
  body.classList.toggle('compact', flags.compact);
  body.classList.toggle('embedded', flags.embed);
  // A panel with nothing left in it goes, and the lesson takes the width.
  body.classList.toggle(
    'no-panel',
    ['controls', 'settings', 'lesson-settings', 'tools'].every((p) => parts.includes(p)),
  );
}

/** history.replaceState, which some browsers refuse for file:// addresses (the page works the same). */
export function replaceUrl(url) {
  try {
    history.replaceState(null, '', url);
  } catch {
    // keep the address as it is
  }
}

/** Flags written into the hash by hand move to the query string, where the page keeps them. */
export function moveFlagsToQuery(flags) {
  const params = new URLSearchParams(location.search);
  for (const k of FLAG_KEYS) params.delete(k);
  const search = [params.toString(), formatFlags(flags).slice(1)].filter(Boolean).join('&');
  replaceUrl(`${location.pathname}${search ? `?${search}` : ''}${withoutFlags(location.hash)}`);
}

/** Sets (or, with null, removes) one flag in the query string, keeping the hash. */
export function setQueryFlag(key, value) {
  const params = new URLSearchParams(location.search);
  if (value == null) params.delete(key);
  else params.set(key, value);
  const search = params.toString().replace(/%2C/gi, ',');
  replaceUrl(`${location.pathname}${search ? `?${search}` : ''}${location.hash}`);
}
