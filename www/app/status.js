// What the page says about itself: the run status line, the Play / Step /
// Reset buttons, the notice about settings a link could not use, and the
// screen that replaces the lesson when the playground cannot start at all.

import { h } from '../lib/dom.js';

/** A message as a sentence that ends in one full stop. */
export const sentence = (m) =>
  `${String(m)
    .trim()
    .replace(/[.\s]+$/, '')}.`;

/** @param page the app's shared state (app/app.js): reads ui, banner, tools and the run flags. */
export function createStatus(page) {
  const { ui } = page;

  function setRunStatus(text) {
    ui.runStatus.textContent = text;
  }

  function updateButtons() {
    ui.play.disabled = !page.trainerOk;
    ui.step.disabled = !page.trainerOk || page.running;
    ui.reset.disabled = !page.ready;
    ui.play.querySelector('.label').textContent = page.running ? 'Pause' : 'Play';
    ui.play.setAttribute('aria-label', page.running ? 'Pause training' : 'Start training');
    document.body.dataset.running = String(page.running);
    page.tools.update({ ready: page.trainerOk, running: page.running });
  }

  function showNotice(problems) {
    ui.notice.replaceChildren();
    ui.notice.hidden = problems.length === 0;
    if (!problems.length) return;
    ui.notice.append(h('strong', {}, 'Some settings in this link were not used. '));
    for (const p of problems) ui.notice.append(h('span', { class: 'notice-item' }, p, ' '));
  }

  /** Stops everything and says why; the page stays in this state. */
  function showFatal(message) {
    page.ready = false;
    page.trainerOk = false;
    page.running = false;
    document.body.dataset.state = 'error';
    page.banner.hide();
    ui.fatal.replaceChildren(
      h('h2', {}, 'The playground could not start'),
      h('p', {}, message),
      h(
        'p',
        { class: 'hint' },
        'Reloading the page may help. Nothing was sent anywhere: everything runs in this browser.',
      ),
    );
    ui.fatal.hidden = false;
    document.getElementById('boot')?.remove();
    setRunStatus('');
    updateButtons();
  }

  return { setRunStatus, updateButtons, showNotice, showFatal };
}
