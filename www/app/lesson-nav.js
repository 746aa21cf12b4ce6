// The lesson navigation: one link per registered lesson (www/lessons/index.js),
// each to its own URL hash. The current lesson is marked with aria-current.
// Links are reached with Tab and followed with Enter; the arrow keys, Home and
// End move between them, as in a toolbar.

import { h } from '../lib/dom.js';

/**
 * Fills `nav` with links to `lessons` ([{ id, title }]).
 * @returns {{ setCurrent: (id: string) => void }}
 */
export function buildLessonNav(nav, lessons) {
  const links = lessons.map((l) =>
    h('a', { href: `#lesson=${encodeURIComponent(l.id)}`, class: 'lesson-link', dataset: { lesson: l.id } }, l.title),
  );
  nav.replaceChildren(h('ul', { class: 'lesson-list' }, ...links.map((a) => h('li', {}, a))));

  // The current lesson's own link would reset its settings to the defaults: it does nothing instead.
  nav.addEventListener('click', (e) => {
    const a = e.target.closest?.('a[aria-current="page"]');
    if (a && !e.ctrlKey && !e.metaKey && !e.shiftKey) e.preventDefault();
  });

  nav.addEventListener('keydown', (e) => {
    const i = links.indexOf(document.activeElement);
    if (i < 0) return;
    const next = {
      ArrowRight: i + 1,
      ArrowDown: i + 1,
      ArrowLeft: i - 1,
      ArrowUp: i - 1,
      Home: 0,
      End: links.length - 1,
    }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    links[(next + links.length) % links.length].focus();
  });

  return {
    setCurrent(id) {
      for (const a of links) {
        if (a.dataset.lesson === id) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
  };
}
