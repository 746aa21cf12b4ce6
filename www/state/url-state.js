// The one UI state object and its mirror in the URL hash.
//
// Every setting, the seed included, lives in the hash so that a link reproduces
// a run and a tutorial can link to a prepared experiment
// (#lesson=denoise&noise=masking&level=0.5&encoder=256,64&latent=32&...).
// The state is the common settings below plus the active lesson's own
// settings (a lesson module's `settings`, declared with www/state/setting-types.js);
// a lesson may also change the common defaults (`defaults`) and decides how
// its settings enter the trainer config (`config`, `companions`).
// Parsing is defensive: anything unreadable or out of range falls back to its
// default and is reported as a sentence for the page's notice; it never throws.
//
// No DOM here, so node can test it.

import { parseInteger, parseChoice, parseNumber } from './setting-types.js';

export { parseInteger, parseChoice, parseNumber };
export { INPUT_PIXELS, convShapes, layerLabels, layerWidths, parameterCount } from './model-shape.js';
export { createStore } from './store.js';

export const ACTIVATIONS = ['relu', 'leaky_relu', 'sigmoid', 'tanh', 'identity'];
export const LOSSES = ['mse', 'bce'];
export const OPTIMIZERS = ['adam', 'sgd', 'momentum'];
export const SCALES = ['linear', 'log'];

// Limits mirror src/config.rs so a link the parser accepts is one the Trainer accepts
// (the parameter budget is the exception: the Trainer's error message covers it).
export const MAX_WIDTH = 4096;
export const MAX_ENCODER_LAYERS = 8;
export const MAX_LATENT = 256;
export const MAX_CONV_BLOCKS = 8;
export const MAX_CHANNELS = 256;
export const MAX_KERNEL = 9;
export const MAX_STRIDE = 4;
export const MAX_BATCH = 8000; // the training split's size
export const MAX_SEED = 2 ** 32 - 1;
/** What the lessons can train on (`data=`): the digits, a generated set (made in the tab from the keys below), or the person's own. */
export const DATA_NAMES = ['digits', 'curve', 'sensors', 'own'];
// The generated sets' limits mirror www/worker/data-source.js (MIN_ROWS, MAX_ROWS) and src/generated.rs.
export const MIN_DATA_ROWS = 100;
export const MAX_DATA_ROWS = 50_000;

/** Defaults: the Rust defaults (`defaultConfig()`), chosen so the page learns visibly fast. */
export const DEFAULTS = Object.freeze({
  lesson: 'reconstruct',
  encoder: Object.freeze([256, 64]),
  conv: Object.freeze([]),
  latent: 32,
  act: 'relu',
  loss: 'mse',
  opt: 'adam',
  lr: 0.002,
  batch: 64,
  seed: 1,
  scale: 'linear',
  data: 'digits',
  rows: 4000,
  dseed: 1,
  dnoise: 0.05,
  faults: 0.2,
});

/** Settings that shape the trainer; changing one rebuilds it. */
export const TRAINER_KEYS = ['encoder', 'conv', 'latent', 'act', 'loss', 'opt', 'lr', 'batch', 'seed'];

const ok = (value) => ({ value });
const bad = (error) => ({ error });

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

/**
 * Conv blocks: "16,8,8" (channels; kernel 3, stride 2) or "16k5s1,8" (kernel
 * and stride given); "" or "none" -> [] (a dense model).
 * -> { value: [{ channels, kernel, stride }] } or { error }
 */
export function parseConv(text) {
  const s = String(text).trim().toLowerCase();
  if (s === '' || s === 'none') return ok([]);
  const parts = s.split(/[\s,]+/).filter(Boolean);
  if (parts.length > MAX_CONV_BLOCKS) {
    return bad(`at most ${MAX_CONV_BLOCKS} conv blocks are allowed, got ${parts.length}`);
  }
  const blocks = [];
  for (const p of parts) {
    const m = /^(\d{1,4})(?:k(\d{1,2}))?(?:s(\d{1,2}))?$/.exec(p);
    if (!m)
      return bad(
        `"${p.slice(0, 12)}" is not a block: write channels, optionally with kernel and stride, like 16 or 16k3s2`,
      );
    const [channels, kernel, stride] = [Number(m[1]), Number(m[2] ?? 3), Number(m[3] ?? 2)];
    if (channels < 1 || channels > MAX_CHANNELS)
      return bad(`each block needs 1 to ${MAX_CHANNELS} channels, got ${channels}`);
    if (kernel < 1 || kernel > MAX_KERNEL) return bad(`a kernel is 1 to ${MAX_KERNEL} pixels wide, got ${kernel}`);
    if (stride < 1 || stride > MAX_STRIDE) return bad(`the stride is 1 to ${MAX_STRIDE}, got ${stride}`);
    blocks.push({ channels, kernel, stride });
  }
  return ok(blocks);
}

/** [{ channels, kernel, stride }] -> "16,8k5s1" (kernel 3 and stride 2 left out); [] -> "none". */
export function formatConv(blocks) {
  if (!blocks.length) return 'none';
  return blocks
    .map((b) => (b.kernel === 3 && b.stride === 2 ? `${b.channels}` : `${b.channels}k${b.kernel}s${b.stride}`))
    .join(',');
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
  // The data (state/own-data.js): optional, so a link on the digits reads as before. A change mounts the lesson
  // again (its pictures follow the data), except in the Your data lesson, which is built around it.
  data: {
    label: 'Data',
    parse: (t) => parseChoice(t, DATA_NAMES, 'the data'),
    format: String,
    optional: true,
  },
  rows: {
    label: 'Rows',
    parse: (t) => parseInteger(t, MIN_DATA_ROWS, MAX_DATA_ROWS, 'the number of rows'),
    format: String,
    optional: true,
  },
  dseed: {
    label: 'Data seed',
    parse: (t) => parseInteger(t, 0, MAX_SEED, 'the data seed'),
    format: String,
    optional: true,
  },
  dnoise: {
    label: 'Curve noise',
    parse: (t) => parseNumber(t, 0, 1, 'the curve noise'),
    format: String,
    optional: true,
  },
  faults: {
    label: 'Faulty share',
    parse: (t) => parseNumber(t, 0.05, 0.5, 'the faulty share'),
    format: String,
    optional: true,
  },
  encoder: { label: 'Encoder widths', parse: parseEncoder, format: (v) => v.join(',') },
  // Optional: in a link only when set, so every dense link reads as before.
  conv: { label: 'Conv blocks', parse: parseConv, format: formatConv, optional: true },
  latent: { label: 'Latent size', parse: (t) => parseInteger(t, 1, MAX_LATENT, 'the latent size'), format: String },
  act: { label: 'Activation', parse: (t) => parseChoice(t, ACTIVATIONS, 'the activation'), format: String },
  loss: { label: 'Loss', parse: (t) => parseChoice(t, LOSSES, 'the loss'), format: String },
  opt: { label: 'Optimiser', parse: (t) => parseChoice(t, OPTIMIZERS, 'the optimiser'), format: String },
  lr: { label: 'Learning rate', parse: parseLearningRate, format: String },
  batch: { label: 'Batch size', parse: (t) => parseInteger(t, 1, MAX_BATCH, 'the batch size'), format: String },
  seed: { label: 'Seed', parse: (t) => parseInteger(t, 0, MAX_SEED, 'the seed'), format: String },
  scale: { label: 'Chart scale', parse: (t) => parseChoice(t, SCALES, 'the chart scale'), format: String },
};

const MAX_PROBLEMS_SHOWN = 3;
const COMMON_KEYS = Object.keys(SETTINGS);

/**
 * A lesson's own settings, minus any that would shadow `lesson` or a common key
 * (a programming mistake the unit tests catch; the common setting wins).
 */
function ownSettings(lesson) {
  const out = {};
  for (const [key, setting] of Object.entries(lesson?.settings ?? {})) {
    if (key !== 'lesson' && !Object.hasOwn(SETTINGS, key)) out[key] = setting;
  }
  return out;
}

/** Every setting the hash may carry for this lesson: its own first, then the common ones. */
export function settingsFor(lesson) {
  return { ...ownSettings(lesson), ...SETTINGS };
}

/** The keys that name the data the lessons train on (state/own-data.js). */
export const DATA_KEYS = ['data', 'rows', 'dseed', 'dnoise', 'faults'];

/**
 * The keys whose change builds a new trainer: the common ones, and the lesson's unless marked `rebuild: false`;
 * the data keys in a lesson that makes its own data (`dataSpec`: Your data). Elsewhere a change of data
 * mounts the lesson again (settings-sync.js).
 */
export function rebuildKeys(lesson) {
  const own = Object.entries(ownSettings(lesson))
    .filter(([, s]) => s.rebuild !== false)
    .map(([k]) => k);
  return [...TRAINER_KEYS, ...(lesson?.dataSpec ? DATA_KEYS : []), ...own];
}

/** The data keys a link names for data `name`: a generated set's own settings, nothing more. */
export function dataKeysFor(name) {
  if (name === 'curve') return ['data', 'rows', 'dseed', 'dnoise'];
  if (name === 'sensors') return ['data', 'rows', 'dseed', 'faults'];
  return name === 'own' ? ['data'] : [];
}

/** The data part of a state's hash ("&data=sensors&dseed=2"; "" for the digits), for links to other lessons. */
export function dataHashPart(state) {
  if (!state?.data || state.data === 'digits') return '';
  const parts = [];
  for (const key of dataKeysFor(state.data)) {
    const value = SETTINGS[key].format(state[key]);
    if (key === 'data' || value !== SETTINGS[key].format(DEFAULTS[key]))
      parts.push(`${key}=${encodeURIComponent(value)}`);
  }
  return `&${parts.join('&')}`;
}

/** A fresh copy of the defaults: the common ones, changed by the lesson's `defaults`, plus its own settings' defaults. */
export function defaultState(lesson = null) {
  const state = { ...DEFAULTS, encoder: [...DEFAULTS.encoder], conv: [] };
  if (!lesson) return state;
  state.lesson = lesson.id;
  for (const [key, value] of Object.entries(lesson.defaults ?? {})) {
    if (Object.hasOwn(SETTINGS, key)) state[key] = Array.isArray(value) ? [...value] : value;
  }
  for (const [key, setting] of Object.entries(ownSettings(lesson))) state[key] = setting.default;
  return state;
}

// Untrusted text quoted back to the user: short, printable, and only ever shown with textContent.
function quote(text) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this removes
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

function hashPairs(hash) {
  let text = typeof hash === 'string' ? hash : '';
  if (text.startsWith('#')) text = text.slice(1);
  return text.trim() === '' ? [] : decodeHash(text);
}

/**
 * The lesson a hash asks for, so its module can be loaded before the rest is
 * read: the first `lesson=` value if it names one of `lessonIds`, else the first id.
 */
export function lessonIdOf(hash, lessonIds = [DEFAULTS.lesson]) {
  const pair = (hashPairs(hash) ?? []).find(([key]) => key === 'lesson');
  const id = pair ? String(pair[1]).trim().toLowerCase() : '';
  return lessonIds.includes(id) ? id : lessonIds[0];
}

/**
 * Reads a location hash ("#a=1&b=2", with or without "#") into a full state.
 * `options.lessonIds` lists the lessons a link may name; `options.lesson` is the
 * loaded lesson module whose own settings are read too (when it is the one the
 * hash names). An array is taken as `lessonIds`.
 * Returns { state, problems }: problems are sentences for the page's notice,
 * one per ignored value (a few at most, then a count). Never throws.
 */
export function parseHash(hash, options = {}) {
  const { lessonIds = [DEFAULTS.lesson], lesson = null } = Array.isArray(options)
    ? { lessonIds: options }
    : (options ?? {});
  const id = lessonIdOf(hash, lessonIds);
  const def = lesson && lesson.id === id ? lesson : null;
  const state = defaultState(def);
  state.lesson = id;
  const problems = [];
  const pairs = hashPairs(hash);
  if (!pairs) return { state, problems: ['The settings in this link could not be read, so the defaults are used.'] };

  const settings = settingsFor(def);
  const seen = new Set();
  for (const [given, raw] of pairs) {
    // A lesson's older names for a key (e.g. Your data's source=, now the common data=).
    const key = Object.hasOwn(def?.aliases ?? {}, given) ? def.aliases[given] : given;
    if (key === '' && raw === '') continue; // "a=1&&b=2"
    if (seen.has(key)) {
      problems.push(`The setting ${quote(key)} appears more than once; the first one is used.`);
      continue;
    }
    seen.add(key);
    if (key === 'lesson') {
      if (String(raw).trim().toLowerCase() !== id)
        problems.push(`There is no lesson ${quote(raw)}; showing ${quote(id)} instead.`);
      continue;
    }
    const setting = Object.hasOwn(settings, key) ? settings[key] : null;
    if (!setting) {
      problems.push(`The link has an unknown setting ${quote(key)}, which was ignored.`);
      continue;
    }
    let r;
    try {
      r = setting.parse(raw);
    } catch {
      r = { error: 'it could not be read' }; // a lesson's parser must not take the page down
    }
    if (r?.error || !r) {
      problems.push(
        `${setting.label} ${quote(raw)} was not used: ${r?.error ?? 'it could not be read'}. ` +
          `Using the default, ${setting.format(state[key])}.`,
      );
    } else {
      state[key] = r.value;
    }
  }

  // A lesson may take only some data (Your data: generated or own, not the digits).
  if (def?.dataChoices && !def.dataChoices.includes(state.data)) {
    const fallback = defaultState(def).data;
    problems.push(
      `The ${def.title ?? def.id} lesson cannot show data ${quote(state.data)}; it shows ${quote(fallback)}.`,
    );
    state.data = fallback;
  }
  // Settings of data the link does not name are the defaults, as the link written for this state reads back.
  for (const key of DATA_KEYS) if (!dataKeysFor(state.data).includes(key)) state[key] = DEFAULTS[key];

  if (problems.length > MAX_PROBLEMS_SHOWN) {
    const more = problems.length - MAX_PROBLEMS_SHOWN;
    problems.splice(MAX_PROBLEMS_SHOWN, more, `…and ${more} more ${more === 1 ? 'problem' : 'problems'} in the link.`);
  }
  return { state, problems };
}

/**
 * The hash for a state, every setting spelled out (so a link keeps meaning the
 * same run): lesson, then the lesson's own settings, then the common ones.
 */
export function formatHash(state, lesson = null) {
  const own = lesson && lesson.id === state.lesson ? Object.keys(ownSettings(lesson)) : [];
  const settings = settingsFor(lesson);
  const parts = [`lesson=${encodeURIComponent(state.lesson)}`];
  // An optional setting is left out where it has the lesson's default, which a link without it reads back;
  // the data keys where they have the common default (Your data's default data depends on the tab).
  const defaults = { ...defaultState(lesson && lesson.id === state.lesson ? lesson : null) };
  for (const key of DATA_KEYS) defaults[key] = DEFAULTS[key];
  const unused = DATA_KEYS.filter((k) => !dataKeysFor(state.data).includes(k));
  for (const key of [...own, ...COMMON_KEYS]) {
    if (unused.includes(key)) continue; // e.g. a generated set's rows, with the person's own data
    const value = settings[key].format(state[key]);
    if (settings[key].optional && value === settings[key].format(defaults[key])) continue;
    // Values are digits, letters, "_", "." and ","; commas read better unescaped.
    parts.push(`${key}=${encodeURIComponent(value).replace(/%2C/gi, ',')}`);
  }
  return `#${parts.join('&')}`;
}

/** The config object for `new Trainer(config, ...)` from the common settings (see docs/wasm-api.md). */
export function toTrainerConfig(state) {
  const conv = state.conv ?? [];
  const model = conv.length
    ? { encoder: [], conv: conv.map((b) => ({ ...b })), latent: state.latent, activation: state.act }
    : { encoder: [...state.encoder], latent: state.latent, activation: state.act };
  return {
    model,
    train: { loss: state.loss, optimizer: state.opt, lr: state.lr, batchSize: state.batch, seed: state.seed },
  };
}

/**
 * Every trainer the lesson trains, by name: `main` from the common settings
 * passed through the lesson's `config(state, cfg)`, plus its `companions(state,
 * mainCfg)` (e.g. a plain autoencoder to compare with), trained side by side.
 */
export function trainerConfigs(state, lesson = null) {
  const base = toTrainerConfig(state);
  const main = lesson?.config ? (lesson.config(state, base) ?? base) : base;
  const companions = lesson?.companions ? (lesson.companions(state, structuredClone(main)) ?? {}) : {};
  return { ...companions, main };
}
