// The page around the lesson: the skip link, the settings drawer (narrow
// screens and the compact layout: its button opens and closes it, Escape closes
// it), presentation mode, the keyboard-help dialog and the shortcuts.

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

  // The settings drawer (narrow screens and the compact layout; css/page.css hides what it holds until opened).
  const toggle = ui.settingsToggle;
  const setOpen = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('settings-open', open);
  };
  toggle?.addEventListener('click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));
  // Escape in an open drawer closes it and puts focus back on its button.
  toggle?.closest('.panel')?.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || toggle.getAttribute('aria-expanded') !== 'true' || e.target.matches?.('select')) return;
    if (getComputedStyle(toggle).display === 'none') return; // a wide screen: no drawer
    setOpen(false);
    toggle.focus();
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
