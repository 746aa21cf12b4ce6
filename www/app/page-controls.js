// The page around the lesson: the skip link, the settings drawer toggle (narrow
// screens), presentation mode, the keyboard-help dialog and the shortcuts.

import { bindKeyboard } from './keyboard.js';

const $ = (id) => document.getElementById(id);

/** @param page the app's shared state and operations (app/app.js). */
export function bindChrome(page) {
  const { ui, presentation } = page;

  // The skip link moves focus to the lesson without touching the hash, which holds the settings.
  document.querySelector('.skip-link')?.addEventListener('click', (e) => {
    e.preventDefault();
    $('lesson').focus();
  });

  ui.settingsToggle?.addEventListener('click', () => {
    const open = ui.settingsToggle.getAttribute('aria-expanded') !== 'true';
    ui.settingsToggle.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('settings-open', open);
  });
  $('present-toggle')?.addEventListener('click', () => presentation.toggle());

  const help = $('help-dialog');
  $('help-toggle')?.addEventListener('click', () => help?.showModal?.());
  bindKeyboard({
    togglePlay: () => page.trainerOk && page.togglePlay(),
    step: page.stepOnce,
    reset: page.resetRun,
    clearPad: () => $('pad-clear')?.click(),
    lesson: page.openLessonNumber,
    present: () => presentation.toggle(),
    help: () => {
      if (!help) return;
      if (help.open) help.close();
      else help.showModal();
    },
  });
}
