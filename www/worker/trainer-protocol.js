// The training worker's protocol and handlers: owns the wasm module, the
// digits and the Trainers, and trains in time slices so the page's main thread
// never waits on it. www/worker/trainer-worker.js starts it with the engine and digits fetched
// from the site; the single-file build starts it with both handed over inline.
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

import { messageOf, transferable, unpackDigits } from './transfer.js';
import { LAB_ONE_THREAD, createLab, loadWasm, needsLab, sentenceOf, startPool, threadPlan } from './engines.js';
import { rebuild, snapshotOf } from './run-snapshot.js';
import { newSliceLogs, record, sliceStats, statsGatherer } from './slice-stats.js';
import { createShelf, digitsSource } from './data-source.js';
import { scoreRows } from './row-scores.js';

const SLICE_MS = 15;
/** While training, stats events go out about this often (slice-stats.js statsGatherer). */
const STATS_MS = 100;
const MAIN = 'main';
/** Trainer methods `call` may not run: lifecycle, and `step` (training goes through play/step so stats events stay whole). */
const NOT_CALLABLE = new Set(['constructor', 'free', 'step']);

/**
 * A trap inside the wasm module (a Rust panic under panic=abort is an
 * `unreachable` trap): the module's memory may be half-updated, so nothing in
 * it can be trusted any more and the worker must be replaced.
 */
const isTrap = (err) => typeof WebAssembly === 'object' && err instanceof WebAssembly.RuntimeError;

/**
 * Starts answering the page's requests.
 * @param {{
 *   importEngine: () => Promise<object>,        the wasm-bindgen module (its default export initialises it)
 *   wasmSource?: () => URL,                     where the .wasm file is, when the page does not hand it over
 *   fetchDigits?: () => Promise<ArrayBuffer>,   the digits file, when the page does not hand it over
 *   importLab?: () => Promise<object>,          the lab build's module, for what the engine lacks
 *   labWasmSource?: () => URL,                  where the lab build's .wasm file is
 *   threaded?: { importEngine, wasmSource },    the engine's threaded twin, used where threadPlan allows
 * }} sources
 */
export function startWorker({
  importEngine,
  wasmSource = null,
  fetchDigits = null,
  importLab = null,
  labWasmSource = null,
  threaded = null,
}) {
  let wasm = null; // the wasm-bindgen module
  let exports = null; // the instance's exports (its memory)
  let threads = { count: 1, why: 'the engine is not loaded yet' };
  // The lab build and the trainers' copies in it. A failed load is also an event: a lesson's request may have nobody to show it to.
  // It trains on one thread: its threaded twin (www/pkg-lab-mt) made convolutional models slower (docs/wasm-api.md, "Threads").
  const lab = createLab({
    importLab,
    labWasmSource,
    onFail: (message) => self.postMessage({ event: 'lab-failed', message }),
  });
  let digits = null; // { pixels: Uint8Array, labels: Uint8Array, count }
  // The rows runs train on (worker/data-source.js): the digits unless a lesson asks for other data.
  let digitRows = null; // the digits' source
  let source = null; // the current run's
  const shelf = createShelf(); // the person's own data (putData) and the last generated set, kept for later runs
  let trainers = new Map(); // name -> Trainer; 'main' first
  let pending = new Map(); // trainers read from files by `load`, waiting for `adopt`
  let run = 0; // which trainers the events belong to; bumped by every `create` and `adopt`
  let running = false;
  let debug = false;
  let dead = false;

  // A MessageChannel yields to queued requests between slices without setTimeout's 4 ms clamp.
  const tick = new MessageChannel();
  tick.port1.onmessage = slice;

  function requireTrainer(name = MAIN) {
    const t = trainers.get(name);
    if (t) return t;
    if (!trainers.size) throw new Error('There is no model yet: its settings were not accepted.');
    throw new Error(`There is no trainer named "${String(name).slice(0, 40)}" in this run.`);
  }

  function requireEngine() {
    if (!wasm || !digits) throw new Error('The training engine is not loaded yet.');
  }

  /** Frees a trainer and its lab copy, if it has one. */
  function freeTrainer(t) {
    lab.forget(t);
    t.free();
  }

  function freeAll(map) {
    for (const t of map.values()) freeTrainer(t);
    map.clear();
  }

  /** The source a `create` or `restore` asks for (worker/data-source.js `createShelf`). */
  const sourceFor = (spec, labMod) => shelf.sourceFor(spec, labMod, digitRows);

  /** Builds trainers for [name, config] pairs on `rows` (a source), all or none (a refused config frees the ones built). */
  function build(configs, into = new Map(), engine = wasm, rows = digitRows) {
    const built = [];
    try {
      for (const [name, cfg] of configs) {
        try {
          into.set(name, rows.make(engine, cfg)); // throws a readable Error on a bad config
          built.push(name);
        } catch (err) {
          throw new Error(name === MAIN ? messageOf(err) : `(${name} model) ${messageOf(err)}`);
        }
      }
    } catch (err) {
      for (const name of built) {
        into.get(name).free();
        into.delete(name);
      }
      throw err;
    }
    return into;
  }

  /**
   * Makes `next` the run: frees the old trainers, bumps the run and describes it,
   * with the step and epoch its main trainer starts at (not 0 for a loaded or restored model).
   */
  function replaceRun(next, rows = digitRows) {
    running = false;
    flushStats();
    freeAll(trainers);
    trainers = next;
    source = rows;
    run += 1;
    const info = {};
    for (const [name, t] of trainers) info[name] = { config: t.config(), latentSize: t.latentSize };
    const main = trainers.get(MAIN);
    const { step, epoch } = main.progress();
    // The threads the run trains on: the engine's, or one in the lab build (convolutional models, engine 'lab').
    const inEngine = main instanceof wasm.Trainer;
    const runThreads = inEngine || threads.count === 1 ? threads : { count: 1, why: LAB_ONE_THREAD };
    return {
      run,
      config: info[MAIN].config,
      latentSize: info[MAIN].latentSize,
      step,
      epoch,
      trainers: info,
      threads: runThreads,
      data: rows.info,
    };
  }

  const handlers = {
    /**
     * Loads the wasm module and the digits. `wasm` and `digits` (ArrayBuffers)
     * may be handed over instead of fetched. -> { count, defaults }
     */
    async init({
      wasm: wasmBytes = null,
      digits: digitBytes = null,
      debug: debugFlag = false,
      threads: requested = null,
    } = {}) {
      debug = debugFlag === true;
      const digitsNow = async () => {
        if (digitBytes) return unpackDigits(digitBytes);
        return unpackDigits(await fetchDigits(), 'The digits file (data/mnist.bin)');
      };
      const single = async () => {
        const r = await loadWasm(importEngine, wasmBytes ?? wasmSource());
        exports = r.exports;
        return r.mod;
      };
      const engine = async () => {
        threads = threadPlan({
          requested: Number.isInteger(requested) && requested > 0 ? requested : null,
          isolated: self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
          cores: self.navigator?.hardwareConcurrency ?? 1,
          threadedBuild: threaded !== null && wasmBytes === null,
          firefox: /\bFirefox\//.test(self.navigator?.userAgent ?? ''),
        });
        if (threads.count === 1) return single();
        // The threaded build, its pool started; if either fails, the single-thread build says why in the status line.
        try {
          const r = await loadWasm(threaded.importEngine, threaded.wasmSource(), 'The threaded engine');
          await startPool(r.mod, threads.count);
          exports = r.exports;
          return r.mod;
        } catch (err) {
          threads = { count: 1, why: `the threads could not start (${sentenceOf(messageOf(err))})` };
          return single();
        }
      };
      [wasm, digits] = await Promise.all([wasm ?? engine(), digits ?? digitsNow()]);
      digitRows = digitsSource(digits);
      return { count: digits.count, defaults: wasm.defaultConfig(), threads };
    },

    /**
     * Builds the run's Trainers from configs (docs/wasm-api.md): `config` is the
     * main one, `companions` ({ name: config }) the ones trained beside it. All
     * are built before any is replaced, so a refused config keeps the old run.
     * `engine: 'lab'` builds them in the lab build, where every method is the
     * run's own (the Inside lesson's step in slow motion is then a step of the
     * run itself, not of a copy); where there is no lab build, the page's engine.
     * -> { run, config, latentSize, step, epoch, trainers: { name: { config, latentSize } } }
     */
    create({ config, companions = {}, engine = 'core', data = null }) {
      requireEngine();
      const configs = [[MAIN, config], ...Object.entries(companions ?? {}).filter(([name]) => name !== MAIN)];
      const createWith = (Engine) => {
        const rows = sourceFor(data, Engine); // a refused data setting keeps the old run too
        const next = build(configs, new Map(), Engine, rows);
        running = false;
        freeAll(pending);
        return replaceRun(next, rows);
      };
      // The page's engine answers at once, as it always has: an async reply here (a few microtasks later)
      // made Firefox miss the Denoise pad's first noisy picture (tests/e2e/lessons.test.mjs).
      // Convolutional models and data beyond the digits exist only in the lab build (docs/wasm-api.md).
      const wantLab = engine === 'lab' || data !== null || configs.some(([, c]) => needsLab(c));
      if (!wantLab) return createWith(wasm);
      if (!lab.available) {
        if (data !== null)
          throw new Error('This copy of the playground has no lab build, which data beyond the digits needs.');
        return createWith(wasm);
      }
      return lab.module().then(createWith);
    },

    /**
     * Keeps the person's own data for later runs (`create` with data { kind:
     * 'own', id }): { id, kind: 'table', bytes, label, name } or { id, kind:
     * 'images', values, labels, labelNames, channels, height, width, name }.
     * Refused data (a sentence says why) leaves what was kept as it was. -> its info
     */
    async putData(spec) {
      requireEngine();
      const labMod = await lab.module();
      return shelf.put(spec, labMod);
    },

    /**
     * Reconstruction errors of the rows a lesson scores for anomalies (the held-out
     * sensor windows, or every row of a table or of the images), by the main
     * trainer, with the per-column squared errors of the `top` highest.
     * `withValues`: the scored rows' values too, and `filled`: them with each missing cell filled by the network (for a download);
     * `limit`: only the first that many rows (a live view of a large table).
     * -> { scores: Float32Array, labels: Uint8Array | null, top: [{ row, score, label, errors: Float32Array, values, recon }], values? }
     */
    scoreRows({ top = 10, withValues = false, limit = null } = {}) {
      const t = requireTrainer();
      if (!source?.scored) throw new Error('This run trains on the digits: the Anomalies lesson scores them.');
      const rows = source.scored;
      // A live view may score only the first `limit` rows (a 50 MB table every few seconds would stall training).
      const count = Number.isInteger(limit) && limit > 0 ? Math.min(limit, rows.count) : rows.count;
      const scored = count === rows.count ? rows : { ...rows, count, labels: rows.labels?.subarray(0, count) ?? null };
      const report = scoreRows(t, scored, top, { fill: withValues });
      if (withValues) report.values = rows.values.slice(0, count * rows.width);
      return transferable(report);
    },

    /**
     * Reads saved models ({ name: Uint8Array }, 'main' required) with
     * Trainer.load, without touching the current run: a file that is not a
     * model of this playground throws the engine's sentence and changes
     * nothing. `adopt` then makes them the run. -> { config } (main's)
     */
    async load({ files }) {
      requireEngine();
      if (!files || !ArrayBuffer.isView(files[MAIN])) throw new Error('No model file was given.');
      const labMod = wasm.Trainer.load ? null : await lab.module();
      const next = new Map();
      try {
        for (const [name, bytes] of Object.entries(files)) {
          if (!ArrayBuffer.isView(bytes)) continue;
          try {
            next.set(
              name,
              labMod ? lab.load(labMod, wasm, bytes, digits) : wasm.Trainer.load(bytes, digits.pixels, digits.labels),
            );
          } catch (err) {
            if (isTrap(err)) throw err;
            throw new Error(name === MAIN ? messageOf(err) : `(${name} model) ${messageOf(err)}`);
          }
        }
      } catch (err) {
        freeAll(next);
        throw err;
      }
      freeAll(pending);
      pending = next;
      return { config: pending.get(MAIN).config() };
    },

    /**
     * Makes the models read by `load` the run, building any companion
     * ({ name: config }) that was not read from a file. -> as `create`
     */
    adopt({ companions = {} } = {}) {
      requireEngine();
      if (!pending.has(MAIN)) throw new Error('There is no loaded model to use.');
      const missing = Object.entries(companions ?? {}).filter(([name]) => name !== MAIN && !pending.has(name));
      const next = new Map([[MAIN, pending.get(MAIN)]]);
      for (const [name, t] of pending) if (name !== MAIN) next.set(name, t);
      // `load` read the files with the lab build, so it is loaded when a companion needs it.
      build(missing, next, missing.some(([, c]) => needsLab(c)) ? (lab.loaded() ?? wasm) : wasm);
      pending = new Map();
      return replaceRun(next);
    },

    /** Every trainer of the run saved (safetensors bytes): { name: Uint8Array }, main included. */
    async saveAll() {
      requireTrainer();
      const own = [...trainers.values()].every((t) => typeof t.save === 'function');
      const labMod = own ? null : await lab.module();
      requireTrainer(); // the run may have been replaced while the lab engine loaded
      const out = {};
      for (const [name, t] of trainers)
        out[name] = typeof t.save === 'function' ? t.save() : lab.copyOf(t, labMod, digits).save();
      return transferable(out);
    },

    /** The run's state for `restore` (worker/run-snapshot.js): needs only this engine, and no evaluation. */
    snapshot() {
      requireTrainer();
      const { value, transfer } = snapshotOf(trainers);
      return { value: { trainers: value, data: source?.spec ?? null }, transfer };
    },

    /** Makes a `snapshot` (from this worker or a crashed one) the run, all or none. -> as `create` */
    restore({ snapshot }) {
      requireEngine();
      const data = snapshot?.data ?? null;
      const restoreWith = (engine) => {
        const rows = sourceFor(data, engine);
        const next = rebuild(engine, snapshot?.trainers, rows, MAIN);
        running = false;
        freeAll(pending);
        return replaceRun(next, rows);
      };
      const conv = data !== null || Object.values(snapshot?.trainers ?? {}).some((s) => needsLab(s?.config));
      return conv && lab.available ? lab.module().then(restoreWith) : restoreWith(wasm);
    },

    /** Starts training in slices; stats events follow. */
    play() {
      requireTrainer();
      if (!running) {
        running = true;
        gathered.start();
        tick.port2.postMessage(null);
      }
      return { running };
    },

    pause() {
      running = false;
      flushStats();
      return { running };
    },

    /** One minibatch for every trainer of the run (only while paused). The stats also go out as a 'stats' event. -> main's step stats */
    step() {
      requireTrainer();
      if (running) return null;
      const t0 = performance.now();
      const logs = newLogs();
      try {
        for (const [name, t] of trainers) record(logs.get(name), t.step(1));
      } finally {
        postStats(logs, performance.now() - t0);
      }
      return logs.get(MAIN).last;
    },

    /**
     * Runs a Trainer method by name: { trainer = 'main', method, args = [] }.
     * Any public method or getter of the wasm Trainer except free and step.
     * Typed arrays in the result are transferred.
     */
    async call({ trainer = MAIN, method, args = [] }) {
      let t = requireTrainer(trainer);
      const allowed = typeof method === 'string' && !method.startsWith('_') && !NOT_CALLABLE.has(method);
      const lookup = (proto) => {
        const d = allowed ? Object.getOwnPropertyDescriptor(proto, method) : undefined;
        return d && (typeof d.value === 'function' || d.get) ? d : undefined;
      };
      let desc = lookup(Object.getPrototypeOf(t));
      if (!desc && allowed && lab.available) {
        // Not in this engine: the lab build's copy of the trainer answers, if that build has it.
        const labMod = await lab.module();
        desc = lookup(labMod.Trainer.prototype);
        if (desc) t = lab.copyOf(requireTrainer(trainer), labMod, digits);
      }
      if (!desc) throw new Error(`The trainer has no method "${String(method).slice(0, 40)}" that a lesson may call.`);
      const value = desc.get ? desc.get.call(t) : desc.value.apply(t, Array.isArray(args) ? args : [args]);
      if (method === 'traceStep' && trainer === MAIN && t === trainers.get(MAIN)) {
        // A step of the run itself: the page hears of it as of any other step.
        const logs = newLogs();
        const { epoch } = t.progress();
        record(logs.get(MAIN), { step: value.step, epoch, batchLoss: value.loss, terms: value.lossTerms });
        postStats(logs, performance.now());
      }
      return transferable(value);
    },

    /** x: Float32Array n*784 in [0, 1] -> its reconstruction, same shape. */
    reconstruct({ x }) {
      return transferable(requireTrainer().reconstruct(x));
    },

    /** The first n validation rows (fixed by the data split) and their labels. */
    validationImages({ n }) {
      const t = requireTrainer();
      return transferable({ images: t.validationImages(n), labels: t.validationLabels(n) });
    },

    /** Loss and metrics on the validation digits. */
    evaluate() {
      return requireTrainer().evaluate();
    },

    /**
     * What the worker holds, for the soak test and for anyone watching memory:
     * the wasm memory's size in bytes (it grows and never shrinks, so it is the
     * high-water mark) and how many trainers are alive.
     */
    memory() {
      const { labLoaded, labCopies, labWasmBytes } = lab.memory();
      return {
        wasmBytes: (exports?.memory?.buffer?.byteLength ?? 0) + labWasmBytes,
        labWasmBytes,
        trainers: trainers.size + pending.size,
        labLoaded,
        labCopies,
      };
    },

    /**
     * Only when the page was opened with debug=1: makes the worker fail the way
     * a bug would, to try the page's recovery. kind 'trap' raises the error a
     * wasm trap raises (WebAssembly.RuntimeError); 'error' throws an uncaught
     * error outside any request, which the page sees as worker.onerror.
     */
    crash({ kind = 'trap' } = {}) {
      if (!debug) throw new Error('crash is only available when the page was opened with debug=1.');
      if (kind === 'error') {
        setTimeout(() => {
          throw new Error('a deliberate crash (debug=1)');
        });
        return { kind };
      }
      throw new WebAssembly.RuntimeError('unreachable (a deliberate crash, debug=1)');
    },
  };

  /** Per trainer of the run: the losses and loss terms of the steps of one slice. */
  const newLogs = () => newSliceLogs(trainers.keys());

  /** One stats event for the steps in `logs` (see sliceStats), which took `trainedMs` of training. */
  function postStats(logs, trainedMs) {
    const stats = sliceStats(logs, MAIN);
    if (stats) self.postMessage({ event: 'stats', run, running, ...stats, sliceMs: trainedMs });
  }

  /** The slices' stats while training, posted about every STATS_MS. */
  const gathered = statsGatherer(STATS_MS);

  /** Posts the gathered slices' stats, if any (when due, and before a pause's reply, a halt, or a new run). */
  function flushStats() {
    const g = gathered.take();
    if (g) postStats(g.logs, g.trainedMs);
  }

  /** The engine trapped: say so and close, so the page starts a fresh worker. */
  function crashed(err) {
    dead = true;
    running = false;
    self.postMessage({ event: 'crashed', message: `The training engine crashed: ${messageOf(err)}` });
    self.close();
  }

  /** Trains every trainer of the run, in turn, for about SLICE_MS; reports, and queues the next slice. */
  function slice() {
    if (!running || !trainers.size || dead) return;
    const t0 = performance.now();
    const logs = gathered.logs(trainers.keys(), t0);
    let stopped = null;
    let current = MAIN;
    try {
      do {
        for (const [name, t] of trainers) {
          current = name;
          const s = t.step(1);
          record(logs.get(name), s);
          if (s.stopped && !stopped) stopped = { trainer: name, message: String(s.stopped) };
        }
      } while (!stopped && performance.now() - t0 < SLICE_MS);
    } catch (err) {
      if (isTrap(err)) {
        crashed(err);
        return;
      }
      // Divergence (NaN/inf loss): the Trainer keeps the last good weights.
      running = false;
      const end = performance.now();
      gathered.sliceEnded(end - t0, end);
      flushStats();
      const who = current === MAIN ? '' : `(${current} model) `;
      self.postMessage({ event: 'halted', run, reason: 'error', trainer: current, message: who + messageOf(err) });
      return;
    }
    if (stopped) running = false;
    const now = performance.now();
    if (gathered.sliceEnded(now - t0, now) || stopped) flushStats();
    if (stopped) self.postMessage({ event: 'halted', run, reason: 'stopped', ...stopped });
    else tick.port2.postMessage(null);
  }

  self.onmessage = async ({ data }) => {
    const { id, cmd, args } = data ?? {};
    if (dead) return;
    try {
      if (!Object.hasOwn(handlers, cmd)) throw new Error(`unknown command ${cmd}`);
      const out = await handlers[cmd](args ?? {});
      const { value, transfer } = out?.transfer ? out : { value: out, transfer: [] };
      self.postMessage({ id, ok: true, value }, transfer);
    } catch (err) {
      if (isTrap(err)) {
        self.postMessage({ id, ok: false, error: `The training engine crashed: ${messageOf(err)}` });
        crashed(err);
        return;
      }
      self.postMessage({ id, ok: false, error: messageOf(err) });
    }
  };
}
