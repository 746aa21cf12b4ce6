// What the page says about itself: the run status line, the Play / Step /
// Reset buttons and the body's data-state / data-running (drawn from the run
// state on every transition, so no caller has to remember to update them),
// the notice about settings a link could not use, the compact step-and-loss
// line beside Play on narrow screens (app/progress.js), and the screen that
// replaces the lesson when the playground cannot start at all.

import { h } from '../lib/dom.js';
import { onProgress } from './progress.js';

/** A message as a sentence that ends in one full stop. */
export const sentence = (m) =>
  `${String(m)
    .trim()
    .replace(/[.\s]+$/, '')}.`;

/**
 * @param {{
 *   ui: { play, step, reset, runStatus, notice, fatal: HTMLElement },
 *   run: ReturnType<import('./run-state.js').createRunState>,
 *   banner: ReturnType<import('./banner.js').createBanner>,
 *   tools: { update({ ready, running }): void },  the model tools (save needs trainers)
 * }} parts
 */
export function createStatus({ ui, run, banner, tools }) {
  function setRunStatus(text) {
    ui.runStatus.textContent = text;
  }

  function drawControls() {
    ui.play.disabled = !(run.canPlay || run.canPause);
    ui.step.disabled = !run.canStep;
    ui.reset.disabled = !run.canReset;
    // The button's name is its visible word, so "click Play" by voice finds it; the title says more.
    ui.play.querySelector('.label').textContent = run.running ? 'Pause' : 'Play';
    ui.play.title = run.running ? 'Pause training (Space)' : 'Start training (Space)';
    document.body.dataset.running = String(run.running);
    document.body.dataset.state = run.pageState;
    tools.update({ ready: run.hasTrainers, running: run.running });
  }
  run.subscribe(drawControls);

  // The compact readout beside Play (shown by css/page.css on narrow screens): the training card's step and loss.
  const progress = document.getElementById('run-progress');
  if (progress) {
    onProgress(({ step, loss, stepText, lossText, name = 'loss' }) => {
      progress.hidden = !(step > 0);
      progress.textContent = loss == null ? `Step ${stepText}` : `Step ${stepText} · ${name} ${lossText}`;
      progress.dataset.step = String(step);
    });
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
    run.send('fatal');
    banner.hide();
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
    drawControls();
  }

  return { setRunStatus, showNotice, showFatal };
}
