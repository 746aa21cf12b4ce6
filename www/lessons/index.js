// The lessons, in the order a reader meets them; the nav lists them in this order.
// Each entry loads its module on demand. To add a lesson: write
// www/lessons/<id>.js with defineLesson (kit/lesson.js; docs/lessons.md),
// add one line here, and its link to the menu in index.html (written there so
// the menu is on the page at first paint; e2e phone.test checks the two
// agree). What the app sees, the module's default export, is
//
//   {
//     id, title,                       // the same as here
//     settings: { key: setting },      // optional: its own URL keys (www/state/setting-types.js: choice, numberChoice, range)
//     defaults: { latent: 2, ... },    // optional: its own defaults for the common settings
//     config(state, cfg) -> cfg,       // optional: its settings into the main trainer's config (docs/wasm-api.md)
//     companions(state, mainCfg) -> { name: cfg },  // optional: more trainers, trained beside 'main'
//     note(state) -> string,           // optional: a line under its settings (e.g. what it fixed for you)
//     mount(root, { client, store, commit }) -> view,
//   }
//
// `accepts` here says which of the person's own data the lesson can train on
// instead of the digits (state/own-data.js: 'any' rows, 'images' of any size,
// 'none' (it trains on no digits); unset: only 28×28 gray pictures like the digits), `needsLabels` that the data
// must have labels; the lesson's module reads them from here.
//
// and the view has reset(info, state), invalid(), stats(msg), halted(msg),
// setScale(scale), unmount(), and optionally update(state, patch) (a
// `rebuild: false` setting changed) and paused().

import { accepted } from '../state/own-data.js';

export const LESSONS = [
  { id: 'reconstruct', title: 'Reconstruct', accepts: 'any', load: () => import('./reconstruct.js') },
  { id: 'denoise', title: 'Denoise', accepts: 'any', load: () => import('./denoise.js') },
  { id: 'sparse', title: 'Sparse codes', accepts: 'any', load: () => import('./sparse.js') },
  { id: 'contractive', title: 'Contractive', load: () => import('./contractive.js') },
  { id: 'latent', title: 'Latent space', accepts: 'any', load: () => import('./latent.js') },
  { id: 'generate', title: 'Generate (VAE)', accepts: 'any', load: () => import('./generate.js') },
  { id: 'compare-pca', title: 'Autoencoder vs PCA', accepts: 'any', load: () => import('./compare-pca.js') },
  { id: 'quality', title: 'Quality metrics', accepts: 'images', load: () => import('./quality.js') },
  { id: 'filters', title: 'Filters', accepts: 'images', load: () => import('./filters.js') },
  { id: 'conv', title: 'Convolutional', load: () => import('./conv.js') },
  { id: 'inside', title: 'Inside the network', load: () => import('./inside.js') },
  { id: 'anomalies', title: 'Anomalies', accepts: 'any', load: () => import('./anomalies.js') },
  { id: 'features', title: 'Features', accepts: 'any', needsLabels: true, load: () => import('./features.js') },
  { id: 'impute', title: 'Impute', accepts: 'any', load: () => import('./impute.js') },
  { id: 'recommend', title: 'Recommend', accepts: 'none', load: () => import('./recommend.js') },
  { id: 'data', title: 'Your data', load: () => import('./data.js') },
];

export const LESSON_IDS = LESSONS.map((l) => l.id);

/** The titles of the lessons that can train on own data described by `info` (not Your data itself). */
export function lessonsFor(info) {
  return LESSONS.filter((l) => l.id !== 'data' && accepted(l.accepts ?? 'digits', info, l))
    .map((l) => l.title)
    .join(', ');
}

/** The registry entry for an id (the first lesson when the id is unknown). */
export function findLesson(id) {
  return LESSONS.find((l) => l.id === id) ?? LESSONS[0];
}
