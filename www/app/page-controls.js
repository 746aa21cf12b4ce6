// The page around the lesson: the skip link, the settings drawer toggle (narrow
// screens), presentation mode, the keyboard-help dialog and the shortcuts.

import { bindKeyboard } from './keyboard.js';

const $ = (id) => document.getElementById(id);

/**
 * @param {{
 *   ui: { settingsToggle: HTMLElement }, presentation: { toggle(): void },
 *   actions: { togglePlay, step, reset, lesson: (n: number) => void },  what the shortcuts do to the run
 * }} parts
 */
export function bindChrome({ ui, presentation, actions }) {
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
    ...actions,
    clearPad: () => $('pad-clear')?.click(),
    present: () => presentation.toggle(),
    help: () => {
      if (!help) return;
      if (help.open) help.close();
      else help.showModal();
    },
  });
}
