// "Look inside": a button in every lesson's header that opens the Inside view
// (kit/network-view.js: the network layer by layer with its activations, dead
// units and each layer's gradients) under the header, for the lesson's own
// network. The view's module loads on the first open; while the panel is
// closed nothing is asked of the worker. hide=inside takes the button and the
// panel away (css/explore.css).

import { h } from '../../lib/dom.js';

/** -> { toggle, el, reset(), destroy() } for `lesson` (kit/lesson.js). */
export function insidePanel(lesson) {
  let view = null;
  let opening = null;
  const el = h('section', {
    class: 'inside-panel',
    id: 'inside-panel',
    'aria-label': 'Inside the network',
    hidden: true,
  });
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'button small inside-toggle',
      id: 'inside-toggle',
      'aria-expanded': 'false',
      'aria-controls': 'inside-panel',
      title: 'Show the network layer by layer: activations, dead units, gradients',
      on: { click: () => (view || opening ? close() : open()) },
    },
    'Look inside',
  );

  async function open() {
    toggle.setAttribute('aria-expanded', 'true');
    el.hidden = false;
    opening = import('./network-view.js');
    const { networkView } = await opening;
    if (!opening) return; // closed meanwhile
    opening = null;
    view = networkView(lesson);
    el.append(view.el);
    view.refresh();
  }

  function close() {
    opening = null;
    toggle.setAttribute('aria-expanded', 'false');
    el.hidden = true;
    view?.destroy();
    view = null;
    el.replaceChildren();
  }

  return {
    toggle,
    el,
    reset: () => view?.reset(),
    destroy: close,
  };
}
