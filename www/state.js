// The one UI state object and its mirror in the URL hash.
//
// Every setting, the seed included, lives in the hash so that a link reproduces
// a run and a tutorial can link to a prepared experiment
// (#lesson=reconstruct&encoder=256&latent=32&act=relu&...). Parsing is
// defensive: anything unreadable or out of range falls back to its default and
// is reported as a sentence for the page's notice; it never throws.
//
// No DOM here, so node can test it.

export const ACTIVATIONS = ['relu', 'leaky_relu', 'sigmoid', 'tanh', 'identity'];
export const LOSSES = ['mse', 'bce'];
export const OPTIMIZERS = ['adam', 'sgd', 'momentum'];
export const SCALES = ['linear', 'log'];

// Limits mirror src/config.rs so a link the parser accepts is one the Trainer accepts
// (the parameter budget is the exception: the Trainer's error message covers it).
export const MAX_WIDTH = 4096;
export const MAX_ENCODER_LAYERS = 8;
export const MAX_LATENT = 256;
export const MAX_BATCH = 8000; // the training split's size
export const MAX_SEED = 2 ** 32 - 1;
export const INPUT_PIXELS = 784;

/** Defaults: the Rust defaults (`defaultConfig()`), chosen so the page learns visibly fast. */
export const DEFAULTS = Object.freeze({
  lesson: 'reconstruct',
  encoder: Object.freeze([256, 64]),
  latent: 32,
  act: 'relu',
  loss: 'mse',
  opt: 'adam',
  lr: 0.002,
  batch: 64,
  seed: 1,
  scale: 'linear',
});

/** Settings that shape the trainer; changing one rebuilds it. */
export const TRAINER_KEYS = ['encoder', 'latent', 'act', 'loss', 'opt', 'lr', 'batch', 'seed'];

const ok = (value) => ({ value });
const bad = (error) => ({ error });

function parseInteger(text, lo, hi, what) {
  const s = String(text).trim();
  if (!/^\d{1,12}$/.test(s)) return bad(`${what} must be a whole number from ${lo} to ${hi}`);
  const n = Number(s);
  return n >= lo && n <= hi ? ok(n) : bad(`${what} must be from ${lo} to ${hi}, got ${n}`);
}

function parseChoice(text, choices, what) {
  const s = String(text).trim().toLowerCase();
  return choices.includes(s) ? ok(s) : bad(`${what} must be one of ${choices.join(', ')}`);
}

/** "512,128" (or "512 128") -> [512, 128]; "" or "none" -> [] (no hidden layer). */
export function parseEncoder(text) {
  const s = String(text).trim().toLowerCase();
  if (s === '' || s === 'none') return ok([]);
  const parts = s.split(/[\s,]+/).filter(Boolean);
  if (parts.length > MAX_ENCODER_LAYERS) {
    return bad(`at most ${MAX_ENCODER_LAYERS} hidden layers are allowed, got ${parts.length}`);
  }
  const widths = [];
  for (const p of parts) {
    const r = parseInteger(p, 1, MAX_WIDTH, 'each width');
    if (r.error) return bad(`${r.error} (write sizes like 256 or 512,128)`);
    widths.push(r.value);
  }
  return ok(widths);
}

/** A learning rate: a plain or scientific-notation number in (0, 10]. */
export function parseLearningRate(text) {
  const s = String(text).trim();
  const n = /^[0-9]*\.?[0-9]+(e[+-]?[0-9]{1,3})?$/i.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(n) || n <= 0 || n > 10) return bad('the learning rate must be a number above 0 and at most 10');
  return ok(n);
}

/**
 * Every setting the hash carries: its label (for messages), parser and formatter.
 * Parsers return { value } or { error: 'a sentence' } and never throw.
 */
export const SETTINGS = {
  encoder: { label: 'Encoder widths', parse: parseEncoder, format: (v) => v.join(',') },
  latent: { label: 'Latent size', parse: (t) => parseInteger(t, 1, MAX_LATENT, 'the latent size'), format: String },
  act: { label: 'Activation', parse: (t) => parseChoice(t, ACTIVATIONS, 'the activation'), format: String },
  loss: { label: 'Loss', parse: (t) => parseChoice(t, LOSSES, 'the loss'), format: String },
  opt: { label: 'Optimiser', parse: (t) => parseChoice(t, OPTIMIZERS, 'the optimiser'), format: String },
  lr: { label: 'Learning rate', parse: parseLearningRate, format: String },
  batch: { label: 'Batch size', parse: (t) => parseInteger(t, 1, MAX_BATCH, 'the batch size'), format: String },
  seed: { label: 'Seed', parse: (t) => parseInteger(t, 0, MAX_SEED, 'the seed'), format: String },
  scale: { label: 'Chart scale', parse: (t) => parseChoice(t, SCALES, 'the chart scale'), format: String },
};

const KEY_ORDER = ['lesson', ...Object.keys(SETTINGS)];
const MAX_PROBLEMS_SHOWN = 3;

/** A fresh copy of the defaults. */
export function defaultState() {
  return { ...DEFAULTS, encoder: [...DEFAULTS.encoder] };
}

// Untrusted text quoted back to the user: short, printable, and only ever shown with textContent.
function quote(text) {
  const s = String(text).replace(/[\u0000-\u001f\u007f]/g, '?');
  return `"${s.length > 24 ? `${s.slice(0, 24)}…` : s}"`;
}

function decodeHash(text) {
  // URLSearchParams never throws, but a lone "%" decodes as itself: fine for our strict parsers.
  try {
    return [...new URLSearchParams(text)];
  } catch {
    return null;
  }
}

/**
 * Reads a location hash ("#a=1&b=2", with or without "#") into a full state.
 * Returns { state, problems }: problems are sentences for the page's notice,
 * one per ignored value (a few at most, then a count). Never throws.
 */
export function parseHash(hash, lessonIds = [DEFAULTS.lesson]) {
  const state = defaultState();
  const problems = [];
  let text = typeof hash === 'string' ? hash : '';
  if (text.startsWith('#')) text = text.slice(1);
  if (text.trim() === '') return { state, problems };

  const pairs = decodeHash(text);
  if (!pairs) return { state, problems: ['The settings in this link could not be read, so the defaults are used.'] };

  const seen = new Set();
  for (const [key, raw] of pairs) {
    if (key === '' && raw === '') continue; // "a=1&&b=2"
    if (seen.has(key)) {
      problems.push(`The setting ${quote(key)} appears more than once; the first one is used.`);
      continue;
    }
    seen.add(key);
    if (key === 'lesson') {
      const id = String(raw).trim().toLowerCase();
      if (lessonIds.includes(id)) state.lesson = id;
      else problems.push(`There is no lesson ${quote(raw)}; showing ${quote(state.lesson)} instead.`);
      continue;
    }
    const setting = Object.hasOwn(SETTINGS, key) ? SETTINGS[key] : null;
    if (!setting) {
      problems.push(`The link has an unknown setting ${quote(key)}, which was ignored.`);
      continue;
    }
    const r = setting.parse(raw);
    if (r.error) {
      problems.push(`${setting.label} ${quote(raw)} was not used: ${r.error}. Using the default, ${setting.format(DEFAULTS[key])}.`);
    } else {
      state[key] = r.value;
    }
  }

  if (problems.length > MAX_PROBLEMS_SHOWN) {
    const more = problems.length - MAX_PROBLEMS_SHOWN;
    problems.splice(MAX_PROBLEMS_SHOWN, more, `…and ${more} more ${more === 1 ? 'problem' : 'problems'} in the link.`);
  }
  return { state, problems };
}

/** The hash for a state, every setting spelled out (so a link keeps meaning the same run). */
export function formatHash(state) {
  const parts = KEY_ORDER.map((key) => {
    const value = key === 'lesson' ? state.lesson : SETTINGS[key].format(state[key]);
    // Values are digits, letters, "_", "." and ","; commas read better unescaped.
    return `${key}=${encodeURIComponent(value).replace(/%2C/gi, ',')}`;
  });
  return `#${parts.join('&')}`;
}

/** The config object for `new Trainer(config, ...)` (see docs/wasm-api.md). */
export function toTrainerConfig(state) {
  return {
    model: { encoder: [...state.encoder], latent: state.latent, activation: state.act },
    train: { loss: state.loss, optimizer: state.opt, lr: state.lr, batchSize: state.batch, seed: state.seed },
  };
}

/** Layer widths of the whole autoencoder, e.g. [784, 256, 32, 256, 784]. */
export function layerWidths(state) {
  const enc = [INPUT_PIXELS, ...state.encoder, state.latent];
  return [...enc, ...enc.slice(0, -1).reverse()];
}

/** Weights and biases of encoder + mirrored decoder (the same count as src/config.rs). */
export function parameterCount(state) {
  const w = layerWidths(state);
  let n = 0;
  for (let i = 1; i < w.length; i++) n += w[i - 1] * w[i] + w[i];
  return n;
}

/** A tiny store: get, set(patch), subscribe(fn(state, patch)) -> unsubscribe. */
export function createStore(initial) {
  let state = initial;
  const listeners = new Set();
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      for (const fn of listeners) fn(state, patch);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
