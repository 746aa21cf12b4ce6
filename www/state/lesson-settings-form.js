// The active lesson's own settings as form fields, built from the lesson's
// declarations (www/state/setting-types.js): a select for a choice, a slider for a range.
// They go in the side panel, except settings marked `inPanel: false`, which
// the lesson places in its own view with `settingField` (e.g. a slider beside
// the pictures it changes). A change is parsed with the same parser the URL
// hash uses and committed to the state; a slider shows its value as it moves
// and commits when released.

import { h } from '../lib/dom.js';

/** Adds an <option> for a value the preset list lacks (e.g. weight=0.005 from a link), keeping numbers in order. */
function ensureOption(select, value) {
  if ([...select.options].some((o) => o.value === value)) return;
  const opt = h('option', { value }, value);
  const n = Number(value);
  const after = Number.isFinite(n) ? [...select.options].find((o) => Number(o.value) > n) : null;
  select.insertBefore(opt, after ?? null);
}

function control(key, setting) {
  const id = `lesson-${key}`;
  const c = setting.control ?? { type: 'select', options: [] };
  if (c.type === 'range') {
    return h('input', {
      id,
      name: key,
      type: 'range',
      min: c.min,
      max: c.max,
      step: c.step,
      'aria-describedby': `${id}-hint ${id}-error`,
    });
  }
  return h(
    'select',
    { id, name: key, 'aria-describedby': `${id}-hint ${id}-error` },
    ...c.options.map((o) => h('option', { value: o.value }, o.label)),
  );
}

/**
 * One setting as a labelled field (id "lesson-<key>").
 * @returns {{ el: HTMLElement, show: (state) => void }}
 */
export function settingField(key, setting, { get, commit }) {
  const input = control(key, setting);
  const output =
    setting.control?.type === 'range'
      ? h('output', { for: input.id, class: 'range-value', id: `${input.id}-value` })
      : null;
  const hint = h('p', { class: 'hint', id: `${input.id}-hint` });
  const error = h('p', { class: 'field-error', id: `${input.id}-error` });
  const el = h(
    'div',
    { class: 'field' },
    h('div', { class: 'label-row' }, h('label', { for: input.id }, setting.label), output),
    input,
    hint,
    error,
  );
  const describe = (value, state) => (setting.describe ? setting.describe(value, state) : setting.format(value));

  input.addEventListener('input', () => {
    const r = setting.parse(input.value);
    if (output && !r.error) output.textContent = describe(r.value, get());
  });
  input.addEventListener('change', () => {
    const r = setting.parse(input.value);
    if (r.error) {
      error.textContent = `${r.error[0].toUpperCase()}${r.error.slice(1)}.`;
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    error.textContent = '';
    input.setAttribute('aria-invalid', 'false');
    if (setting.format(r.value) !== setting.format(get()[key])) commit({ [key]: r.value });
  });

  function show(state) {
    const value = state[key];
    const text = setting.format(value);
    if (input.tagName === 'SELECT') ensureOption(input, text);
    else if (setting.control?.step) {
      // A link's in-between value is shown as it is, not snapped to the slider's step.
      const k = value / setting.control.step;
      input.step = Math.abs(k - Math.round(k)) > 1e-6 ? 'any' : String(setting.control.step);
    }
    input.value = text;
    if (output) output.textContent = describe(value, state);
    hint.textContent = setting.hint ? setting.hint(state) : '';
    hint.hidden = !hint.textContent;
    error.textContent = '';
    input.setAttribute('aria-invalid', 'false');
  }

  show(get());
  return { el, show };
}

/**
 * Builds the panel fields for `lesson.settings` (and `lesson.commonFields`) into `fieldset` (emptied
 * first), with the lesson's `note(state)` under them, and keeps them in step
 * with the state. The fieldset is hidden when there is nothing to show.
 * @returns {{ show: (state) => void }}
 */
export function bindLessonSettings(fieldset, lesson, store) {
  // A lesson may show common keys among its own fields (`commonFields`: Your data's data keys).
  const entries = Object.entries({ ...(lesson?.commonFields ?? {}), ...(lesson?.settings ?? {}) }).filter(
    ([, s]) => s.inPanel !== false,
  );
  fieldset.replaceChildren();
  fieldset.hidden = !entries.length && !lesson?.note;
  const fields = entries.map(([key, setting]) => settingField(key, setting, store));
  const note = h('p', { class: 'hint lesson-note', id: 'lesson-note' });
  fieldset.append(h('legend', {}, lesson?.settingsTitle ?? lesson?.title ?? ''), ...fields.map((f) => f.el), note);

  function show(state) {
    for (const f of fields) f.show(state);
    note.textContent = lesson?.note ? (lesson.note(state) ?? '') : '';
    note.hidden = !note.textContent;
  }

  show(store.get());
  return { show };
}
