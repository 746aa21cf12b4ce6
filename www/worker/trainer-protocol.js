// The training worker's protocol and handlers: owns the wasm module, the
// digits and the Trainers, and trains in time slices so the page's main thread
// never waits on it. www/worker/trainer-worker.js starts it with the engine and digits fetched
// from the site; the single-file build starts it with both handed over inline.
// Here: the worker's state and the requests' dispatch. The handlers are in
// worker/trainer-handlers.js, the slice loop in worker/slice-loop.js, and what
// builds and replaces the run's trainers in worker/run-trainers.js.
//
// Protocol (see trainer-client.js for the other side):
//   request  { id, cmd, args }            -> reply { id, ok: true, value } | { id, ok: false, error }
//   event    { event: 'stats', run, ... } while training: after the first slice, then about every 100 ms
//   event    { event: 'halted', run, reason, message, trainer } when training stops by itself
//   event    { event: 'crashed', message } the engine trapped; the worker closes itself
//   event    { event: 'lab-failed', message } the lab build (worker/engines.js) could not be loaded
// Images travel as Float32Array buffers, transferred (not copied) both ways.
//
// A run holds one or more named Trainers: 'main', plus any companions a lesson
// trains beside it (e.g. 'plain', to compare with). They are built together by
// `create` (or `load` + `adopt`), trained together (one step each, in turn)
// and replaced together. `call` runs any public method of a run's Trainer by
// name, so a new wasm method needs no change here.
//
// Runs train on the digits unless `create` names other data (worker/data-source.js):
// a generated set, or the person's own table or images kept with `putData`;
// `scoreRows` scores such a run's rows for anomalies (worker/row-scores.js).
//
// What the engine lacks (PCA views, applications, save, load) is answered by a
// copy of the trainer in the lab build (worker/engines.js); an engine that has a
// method itself (the single-file build's, which is the lab build) answers it.

import { messageOf } from './transfer.js';
import { createLab } from './engines.js';
import { createShelf } from './data-source.js';
import { isTrap, createRunTrainers } from './run-trainers.js';
import { createSliceLoop } from './slice-loop.js';
import { createHandlers } from './trainer-handlers.js';

/**
 * Starts answering the page's requests.
 * @param {{
 *   importEngine: () => Promise<object>,        the wasm-bindgen module (its default export initialises it)
 *   wasmSource?: () => URL,                     where the .wasm file is, when the page does not hand it over
 *   fetchDigits?: () => Promise<ArrayBuffer>,   the digits file, when the page does not hand it over
 *   importLab?: () => Promise<object>,          the lab build's module, for what the engine lacks
 *   labWasmSource?: () => URL,                  where the lab build's .wasm file is
 *   threaded?: { importEngine, wasmSource },    the engine's threaded twin, used where threadPlan allows
 *   threadedLab?: { importEngine, wasmSource }, the lab build's threaded twin, used where the engine has threads
 * }} sources
 */
export function startWorker({
  importEngine,
  wasmSource = null,
  fetchDigits = null,
  importLab = null,
  labWasmSource = null,
  threaded = null,
  threadedLab = null,
}) {
  // The worker's state, in one object: the request handlers (worker/trainer-handlers.js),
  // the run's trainers (worker/run-trainers.js) and the slice loop (worker/slice-loop.js) all read and change it.
  const state = {
    wasm: null, // the wasm-bindgen module
    exports: null, // the instance's exports (its memory)
    threads: { count: 1, why: 'the engine is not loaded yet' },
    crashChannel: null, // the page's BroadcastChannel for panics on pool threads (init)
    digits: null, // { pixels: Uint8Array, labels: Uint8Array, count }
    // The rows runs train on (worker/data-source.js): the digits unless a lesson asks for other data.
    digitRows: null, // the digits' source
    source: null, // the current run's
    trainers: new Map(), // name -> Trainer; 'main' first
    pending: new Map(), // trainers read from files by `load`, waiting for `adopt`
    run: 0, // which trainers the events belong to; bumped by every `create` and `adopt`
    running: false,
    debug: false,
    dead: false,
  };
  // The lab build and the trainers' copies in it. A failed load is also an event: a lesson's request may have nobody to show it to.
  // Where the engine trains on threads, so does the lab build: its threaded twin (www/pkg-lab-mt, docs/wasm-api.md, "Threads").
  const lab = createLab({
    importLab,
    labWasmSource,
    threadedLab,
    plan: () => ({ threads: state.threads, crashChannel: state.crashChannel }),
    onFail: (message) => self.postMessage({ event: 'lab-failed', message }),
  });
  const shelf = createShelf(); // the person's own data (putData) and the last generated set, kept for later runs

  const loop = createSliceLoop(state);
  const runTrainers = createRunTrainers(state, { lab, shelf, flushStats: loop.flushStats });
  const sources = { importEngine, wasmSource, fetchDigits, threaded };
  const handlers = createHandlers(state, { sources, lab, shelf, runTrainers, loop });

  self.onmessage = async ({ data }) => {
    const { id, cmd, args } = data ?? {};
    if (state.dead) return;
    try {
      if (!Object.hasOwn(handlers, cmd)) throw new Error(`unknown command ${cmd}`);
      const out = await handlers[cmd](args ?? {});
      const { value, transfer } = out?.transfer ? out : { value: out, transfer: [] };
      self.postMessage({ id, ok: true, value }, transfer);
    } catch (err) {
      if (isTrap(err)) {
        self.postMessage({ id, ok: false, error: `The training engine crashed: ${messageOf(err)}` });
        loop.crashed(err);
        return;
      }
      self.postMessage({ id, ok: false, error: messageOf(err) });
    }
  };
}
