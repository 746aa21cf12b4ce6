// The settings form in the side panel: shows the state, and turns edits into
// state changes. Each field is checked with the same parser the URL hash uses
// (state/url-state.js); a value that does not parse is left as typed, marked invalid and
// explained next to the field, and the state does not change.

import { SETTINGS, MAX_SEED, layerLabels, parameterCount } from './url-state.js';
import { grouped } from '../lib/numbers.js';

const FIELDS = ['encoder', 'conv', 'latent', 'act', 'loss', 'opt', 'lr', 'batch', 'seed'];

/** Adds an <option> for a value the preset list lacks (e.g. lr=0.005 from a link). */
function ensureOption(select, value) {
  if ([...select.options].some((o) => o.value === value)) return;
  const opt = document.createElement('option');
  opt.value = value;
  opt.textContent = value;
  // Keep numeric lists in order.
  const after = [...select.options].find((o) => Number(o.value) > Number(value));
  select.insertBefore(opt, after ?? null);
}

/**
 * Binds the form to the state.
 * @param {HTMLFormElement} form
 * @param {{ get: () => object, commit: (patch: object) => void, data?: () => object|null }} store
 *   data: the own data the lesson on the page trains on (worker/data-source.js info), or null: the digits
 * @returns {{ show: (state, options?: { fields?: string[] }) => void }}
 */
export function bindSettings(form, { get, commit, data = () => null }) {
  const input = (key) => form.elements.namedItem(key);
  const errorEl = (key) => form.querySelector(`#${key}-error`);
  const shape = form.querySelector('#shape');

  function setFieldError(key, message) {
    const el = input(key);
    el.setAttribute('aria-invalid', message ? 'true' : 'false');
    errorEl(key).textContent = message ?? '';
  }

  /** Shows the state: the given fields' values (all by default) and the network's shape. */
  function show(state, { fields = FIELDS } = {}) {
    for (const key of fields.filter((k) => FIELDS.includes(k))) {
      const el = input(key);
      const text = SETTINGS[key].format(state[key]);
      if (el.tagName === 'SELECT') ensureOption(el, text);
      el.value = text;
      setFieldError(key, null);
    }
    const widths = layerLabels(state, data());
    const mid = (widths.length - 1) / 2; // the bottleneck
    shape.replaceChildren();
    // The widths do not shape a conv model: greyed out, and said so.
    input('encoder').disabled = (state.conv ?? []).length > 0;
    widths.forEach((w, i) => {
      if (i) shape.append(' → ');
      const span = document.createElement(i === mid ? 'strong' : 'span');
      span.textContent = String(w);
      if (i === mid) span.title = 'the bottleneck';
      shape.append(span);
    });
    const params = parameterCount(state, data());
    shape.append(document.createElement('br'), `${grouped(params)} weights and biases`);
    shape.setAttribute('aria-label', `Network shape: ${widths.join(', ')}; ${params} parameters`);
  }

  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('change', (e) => {
    const key = e.target.name;
    if (!FIELDS.includes(key)) return;
    const r = SETTINGS[key].parse(e.target.value);
    if (r.error) {
      setFieldError(key, `${r.error[0].toUpperCase()}${r.error.slice(1)}.`);
      return;
    }
    setFieldError(key, null);
    if (SETTINGS[key].format(r.value) !== SETTINGS[key].format(get()[key])) commit({ [key]: r.value });
  });

  form.querySelector('#new-seed').addEventListener('click', () => {
    const seed = crypto.getRandomValues(new Uint32Array(1))[0] % (MAX_SEED + 1);
    commit({ seed });
  });

  show(get());
  return { show };
}
