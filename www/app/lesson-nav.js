// The lesson navigation: one link per registered lesson (www/lessons/index.js),
// each to its own URL hash. The current lesson is marked with aria-current.
// Links are reached with Tab and followed with Enter; the arrow keys, Home and
// End move between them, as in a toolbar. index.html carries the same links,
// so the menu takes its place at first paint instead of pushing the page down
// when the script runs; they are kept if they match the registry, and written
// again from it if not. On a narrow screen the menu is one sideways-scrolling
// row, scrolled so the current lesson shows. The links carry the data the
// lessons train on (`carry`: "&data=sensors&dseed=2", or nothing for the digits),
// so a generated set or the person's own data follows them from lesson to lesson.

import { h } from '../lib/dom.js';

/**
 * Fills `nav` with links to `lessons` ([{ id, title }]).
 * @returns {{ setCurrent: (id: string) => void, carry: (part: string) => void, hrefFor: (id: string) => string }}
 */
export function buildLessonNav(nav, lessons) {
  let carried = '';
  const href = (l) => `#lesson=${encodeURIComponent(l.id)}${carried}`;
  let links = [...nav.querySelectorAll('a.lesson-link')];
  const same =
    links.length === lessons.length &&
    lessons.every((l, i) => links[i].dataset.lesson === l.id && links[i].textContent === l.title);
  if (!same) {
    links = lessons.map((l) => h('a', { href: href(l), class: 'lesson-link', dataset: { lesson: l.id } }, l.title));
    nav.replaceChildren(h('ul', { class: 'lesson-list' }, ...links.map((a) => h('li', {}, a))));
  }

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

  /**
   * Scrolls the row sideways (never the page) so the current lesson's link is in view: at the next frame,
   * when the page is laid out anyway, rather than forcing a layout of its own now.
   */
  let frame = 0;
  const showCurrent = () => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(scrollToCurrent);
  };
  function scrollToCurrent() {
    const a = links.find((l) => l.hasAttribute('aria-current'));
    if (!a || nav.scrollWidth <= nav.clientWidth) return;
    const left = a.offsetLeft - nav.offsetLeft;
    if (left >= nav.scrollLeft && left + a.offsetWidth <= nav.scrollLeft + nav.clientWidth) return;
    nav.scrollLeft = left - (nav.clientWidth - a.offsetWidth) / 2;
  }

  return {
    /** The data part every link carries from now on (url-state.js dataHashPart). */
    carry(part) {
      if (part === carried) return;
      carried = part;
      for (const [i, a] of links.entries()) a.setAttribute('href', href(lessons[i]));
    },
    /** The link to lesson `id`, with the data it carries (the number keys follow it too). */
    hrefFor(id) {
      return href({ id });
    },
    setCurrent(id) {
      for (const a of links) {
        if (a.dataset.lesson === id) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
      showCurrent();
    },
  };
}
