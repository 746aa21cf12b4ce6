// A message that a screen reader hears calmly. Lesson messages such as the
// error on the drawing or a verdict change with every refresh, several times a
// second while the network trains; as a live region each change would be read
// out, one after another. Here the element itself is not live: a hidden
// status next to it repeats its text once it has held still for a moment, and
// not while training runs (body[data-running], drawn by app/status.js), so
// what changed during training is said once, after Pause. The run's own
// status line (Training…, Paused.) is the page's and stays live as it is.

import { h } from '../../lib/dom.js';

const SETTLE_MS = 1500;

/**
 * Makes `el` speak calmly. -> { disconnect() } (pass it to lesson.own)
 * @param {HTMLElement} el  its text is what is said; it loses any aria-live of its own
 */
export function calmLive(el, { settle = SETTLE_MS } = {}) {
  el.removeAttribute('aria-live');
  const voice = h('span', { class: 'visually-hidden', role: 'status' });
  let timer = 0;
  const speak = () => {
    timer = 0;
    if (document.body.dataset.running === 'true' || !el.isConnected) return;
    const text = el.hidden ? '' : el.textContent.trim();
    if (voice.textContent !== text) voice.textContent = text;
  };
  const observer = new MutationObserver(() => {
    // The status is in the page before anything is said in it, as screen readers need.
    if (!voice.isConnected && el.isConnected) el.after(voice);
    clearTimeout(timer);
    timer = setTimeout(speak, settle);
  });
  observer.observe(el, { childList: true, characterData: true, subtree: true, attributes: true });
  return {
    disconnect() {
      observer.disconnect();
      clearTimeout(timer);
      voice.remove();
    },
  };
}
