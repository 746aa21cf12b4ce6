// Keyboard shortcuts, for the person at the front of a classroom as much as for
// anyone else. They never fire while the user types in a field, nor with
// Ctrl, Cmd or Alt held (those belong to the browser). The help dialog
// (index.html #help-dialog, opened with ?) lists them.
//
//   Space or K  play / pause        S  one step        R  reset
//   C           clear the draw pad  1–9  the n-th lesson
//   P           presentation mode   ?  this list

/** Is the key meant for the element that has focus (typing, or a control Space activates)? */
function typing(target) {
  return Boolean(target?.closest?.('input, select, textarea, [contenteditable=""], [contenteditable="true"]'));
}
const activates = (target) => Boolean(target?.closest?.('button, a[href], summary, [role="button"], [role="link"]'));

/**
 * @param {{ togglePlay, step, reset, clearPad, lesson: (n: number) => void, present, help }} actions
 * @returns {() => void} stops listening
 */
export function bindKeyboard(actions, target = document) {
  function onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (typing(e.target)) return;
    // Escape and the dialog's own keys are the dialog's.
    if (e.target?.closest?.('dialog[open]') && e.key !== '?') return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    let act = null;
    if (key === ' ') {
      if (activates(e.target)) return; // Space presses the focused button, as it always does
      act = actions.togglePlay;
    } else if (key === 'k') act = actions.togglePlay;
    else if (key === 's') act = actions.step;
    else if (key === 'r') act = actions.reset;
    else if (key === 'c') act = actions.clearPad;
    else if (key === 'p') act = actions.present;
    else if (key === '?') act = actions.help;
    else if (/^[1-9]$/.test(key)) act = () => actions.lesson(Number(key));
    if (!act || e.repeat) {
      if (act) e.preventDefault();
      return;
    }
    e.preventDefault();
    act();
  }
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
