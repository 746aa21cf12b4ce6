// Entry of the single-file build (dist/autoencoder-playground.html): the same
// app as the site, with the training worker started from a Blob URL of its
// bundled source and the engine (.wasm) and the digits handed to it from
// gzip+base64 blocks in the page. Opened from disk (file://) it needs no
// server and no network. scripts/build-dist.mjs bundles this with esbuild.

import { startApp } from '../../www/app/app.js';
import { TrainerClient } from '../../www/worker/trainer-client.js';
import { configureRecommender } from '../../www/worker/recommender-client.js';
import { gunzip } from '../../www/worker/transfer.js';

const text = (id) => document.getElementById(id)?.textContent ?? '';

/** A gzip+base64 block of the page -> its bytes (ArrayBuffer). */
function inflate(id) {
  const raw = atob(text(id).replace(/\s+/g, ''));
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return gunzip(bytes.buffer, 'The built-in data');
}

const workerUrl = URL.createObjectURL(new Blob([text('ae-worker-source')], { type: 'text/javascript' }));
const recommenderUrl = URL.createObjectURL(new Blob([text('ae-recommender-source')], { type: 'text/javascript' }));
let resources = null;
/** Unpacked once; every (re)started worker gets a copy. */
const unpacked = () => {
  resources ??= Promise.all([inflate('ae-wasm'), inflate('ae-digits')]).then(([wasm, digits]) => ({ wasm, digits }));
  return resources;
};

// The Recommend lesson's worker: the engine here is the lab build, which has the recommender.
configureRecommender({
  createWorker: () => new Worker(recommenderUrl, { name: 'recommender' }),
  wasm: () => unpacked().then((r) => r.wasm),
});

startApp({
  createClient: () => new TrainerClient({ createWorker: () => new Worker(workerUrl, { name: 'trainer' }) }),
  resources: unpacked,
});
