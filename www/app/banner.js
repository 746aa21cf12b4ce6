// The banner over the lesson: what stopped training, or what the page did
// about it, with at most one action button and a close button. Text only:
// messages from the engine or from a file never become markup.

import { h } from '../lib/dom.js';

/**
 * @param {HTMLElement} el  the banner element (role="alert")
 * @returns {{ show(kind, title, text, action?), hide(), readonly kind: string|undefined }}
 *   kind: 'halted' | 'crashed' | 'load-error' | 'info' (in data-kind, for styling and tests);
 *   action: { id, label, onClick } — the button works once
 */
export function createBanner(el) {
  const api = {
    show(kind, title, text, action = null) {
      el.replaceChildren(h('p', { class: 'banner-title' }, h('strong', {}, title)), h('p', {}, text));
      if (action) {
        const button = h('button', { type: 'button', class: 'button primary', id: action.id }, action.label);
        button.addEventListener('click', action.onClick, { once: true });
        el.append(h('p', { class: 'banner-actions' }, button));
      }
      const close = h('button', { type: 'button', class: 'banner-close', 'aria-label': 'Close this message' }, '×');
      close.addEventListener('click', api.hide);
      el.append(close);
      el.dataset.kind = kind;
      el.hidden = false;
    },
    hide() {
      el.hidden = true;
      el.replaceChildren();
      delete el.dataset.kind;
    },
    get kind() {
      return el.dataset.kind;
    },
  };
  return api;
}
