// The training worker, as the site starts it: the engine (www/pkg, and the lab
// build www/pkg-lab when first needed; both built by `npm run build:wasm`; their
// threaded twins www/pkg-mt and www/pkg-lab-mt where the page is cross-origin isolated) and
// the digits (www/data/mnist.bin.gz, `npm run data`) are fetched next to this file. The protocol is
// worker/trainer-protocol.js (its handlers in worker/trainer-handlers.js), which
// the single-file build reuses with both inlined.

import { startWorker } from './trainer-protocol.js';
import { gunzip } from './transfer.js';

const ENGINE_URL = new URL('../pkg/autoencoder_playground.js', import.meta.url);
const WASM_URL = new URL('../pkg/autoencoder_playground_bg.wasm', import.meta.url);
// The lab build: fetched only when a lesson or Save/Load first needs what the engine above lacks.
const LAB_ENGINE_URL = new URL('../pkg-lab/autoencoder_playground.js', import.meta.url);
const LAB_WASM_URL = new URL('../pkg-lab/autoencoder_playground_bg.wasm', import.meta.url);
// The engine with threads (www/pkg-mt): used instead where the page is cross-origin isolated
// and the device has more than one core (worker/engines.js threadPlan).
const MT_ENGINE_URL = new URL('../pkg-mt/autoencoder_playground.js', import.meta.url);
const MT_WASM_URL = new URL('../pkg-mt/autoencoder_playground_bg.wasm', import.meta.url);
// The lab build with threads (www/pkg-lab-mt): fetched instead of www/pkg-lab where the engine has threads.
const LAB_MT_ENGINE_URL = new URL('../pkg-lab-mt/autoencoder_playground.js', import.meta.url);
const LAB_MT_WASM_URL = new URL('../pkg-lab-mt/autoencoder_playground_bg.wasm', import.meta.url);
const DATA_URL = new URL('../data/mnist.bin.gz', import.meta.url);

async function fetchDigits() {
  let res;
  try {
    res = await fetch(DATA_URL);
  } catch (err) {
    throw new Error(`The digits (${DATA_URL.pathname}) could not be downloaded: ${err.message}.`);
  }
  if (!res.ok) {
    throw new Error(
      `The digits (${DATA_URL.pathname}) could not be loaded: the server answered ${res.status} ${res.statusText}. ` +
        'If you are running from a checkout, make them with "npm run data".',
    );
  }
  return gunzip(await res.arrayBuffer(), `The digits file (${DATA_URL.pathname})`);
}

startWorker({
  // A dynamic import, so that a missing engine is reported in words instead of failing the worker's own load.
  importEngine: () => import(ENGINE_URL.href),
  wasmSource: () => WASM_URL,
  importLab: () => import(LAB_ENGINE_URL.href),
  labWasmSource: () => LAB_WASM_URL,
  fetchDigits,
  threaded: {
    importEngine: () => import(MT_ENGINE_URL.href),
    wasmSource: () => MT_WASM_URL,
  },
  threadedLab: {
    importEngine: () => import(LAB_MT_ENGINE_URL.href),
    wasmSource: () => LAB_MT_WASM_URL,
  },
});
