// The training worker's request handlers, one per command of its protocol
// (worker/trainer-protocol.js describes it and answers with them): the engine
// loaded, runs built, loaded, saved and restored, training started and stopped,
// and a run's Trainer methods called by name. Kept apart from the slice loop
// (worker/slice-loop.js), which trains between requests, so each reads on its own.

import { messageOf, transferable, unpackDigits } from './transfer.js';
import { loadThreaded, loadWasm, needsLab, sentenceOf, threadPlan } from './engines.js';
import { rebuild, snapshotOf } from './run-snapshot.js';
import { record } from './slice-stats.js';
import { digitsSource } from './data-source.js';
import { scoreRows } from './row-scores.js';
import { MAIN, isTrap } from './run-trainers.js';

/** Trainer methods `call` may not run: lifecycle, and `step` (training goes through play/step so stats events stay whole). */
const NOT_CALLABLE = new Set(['constructor', 'free', 'step']);

/**
 * The handlers by command name, each taking the request's args: they read and
 * change `state` (the worker's state, see worker/trainer-protocol.js), with the
 * page's `sources` (startWorker's), the lab build `lab`, the kept data `shelf`,
 * the run's trainers `runTrainers` (worker/run-trainers.js) and the slice loop `loop`.
 */
export function createHandlers(state, { sources, lab, shelf, runTrainers, loop }) {
  const { importEngine, wasmSource, fetchDigits, threaded } = sources;
  const { requireTrainer, requireEngine, freeAll, sourceFor, build, replaceRun } = runTrainers;
  const { newLogs, postStats, flushStats } = loop;

  return {
    /**
     * Loads the wasm module and the digits. `wasm` and `digits` (ArrayBuffers)
     * may be handed over instead of fetched. -> { count, defaults }
     */
    async init({
      wasm: wasmBytes = null,
      digits: digitBytes = null,
      debug: debugFlag = false,
      threads: requested = null,
      crashChannel = null,
    } = {}) {
      state.debug = debugFlag === true;
      state.crashChannel = typeof crashChannel === 'string' ? crashChannel : null;
      const digitsNow = async () => {
        if (digitBytes) return unpackDigits(digitBytes);
        return unpackDigits(await fetchDigits(), 'The digits file (data/mnist.bin)');
      };
      const single = async () => {
        const r = await loadWasm(importEngine, wasmBytes ?? wasmSource());
        state.exports = r.exports;
        return r.mod;
      };
      const engine = async () => {
        state.threads = threadPlan({
          requested: Number.isInteger(requested) && requested > 0 ? requested : null,
          isolated: self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function',
          cores: self.navigator?.hardwareConcurrency ?? 1,
          threadedBuild: threaded !== null && wasmBytes === null,
        });
        if (state.threads.count === 1) return single();
        // The threaded build, its pool started; if either fails, the single-thread build says why in the status line.
        try {
          const r = await loadThreaded(threaded, state.threads.count, state.crashChannel, 'The threaded engine');
          state.exports = r.exports;
          return r.mod;
        } catch (err) {
          state.threads = { count: 1, why: `the threads could not start (${sentenceOf(messageOf(err))})` };
          return single();
        }
      };
      [state.wasm, state.digits] = await Promise.all([state.wasm ?? engine(), state.digits ?? digitsNow()]);
      state.digitRows = digitsSource(state.digits);
      return { count: state.digits.count, defaults: state.wasm.defaultConfig(), threads: state.threads };
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
        state.running = false;
        freeAll(state.pending);
        return replaceRun(next, rows);
      };
      // The page's engine answers at once, as it always has: an async reply here (a few microtasks later)
      // made Firefox miss the Denoise pad's first noisy picture (tests/e2e/lessons.test.mjs).
      // Convolutional models and data beyond the digits exist only in the lab build (docs/wasm-api.md).
      const wantLab = engine === 'lab' || data !== null || configs.some(([, c]) => needsLab(c));
      if (!wantLab) return createWith(state.wasm);
      if (!lab.available) {
        if (data !== null)
          throw new Error('This copy of the playground has no lab build, which data beyond the digits needs.');
        return createWith(state.wasm);
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
      if (!state.source?.scored) throw new Error('This run trains on the digits: the Anomalies lesson scores them.');
      const rows = state.source.scored;
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
      const labMod = state.wasm.Trainer.load ? null : await lab.module();
      const next = new Map();
      try {
        for (const [name, bytes] of Object.entries(files)) {
          if (!ArrayBuffer.isView(bytes)) continue;
          try {
            next.set(
              name,
              labMod
                ? lab.load(labMod, state.wasm, bytes, state.digits)
                : state.wasm.Trainer.load(bytes, state.digits.pixels, state.digits.labels),
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
      freeAll(state.pending);
      state.pending = next;
      return { config: state.pending.get(MAIN).config() };
    },

    /**
     * Makes the models read by `load` the run, building any companion
     * ({ name: config }) that was not read from a file. -> as `create`
     */
    adopt({ companions = {} } = {}) {
      requireEngine();
      if (!state.pending.has(MAIN)) throw new Error('There is no loaded model to use.');
      const missing = Object.entries(companions ?? {}).filter(([name]) => name !== MAIN && !state.pending.has(name));
      const next = new Map([[MAIN, state.pending.get(MAIN)]]);
      for (const [name, t] of state.pending) if (name !== MAIN) next.set(name, t);
      // `load` read the files with the lab build, so it is loaded when a companion needs it.
      build(missing, next, missing.some(([, c]) => needsLab(c)) ? (lab.loaded() ?? state.wasm) : state.wasm);
      state.pending = new Map();
      return replaceRun(next);
    },

    /** Every trainer of the run saved (safetensors bytes): { name: Uint8Array }, main included. */
    async saveAll() {
      requireTrainer();
      const own = [...state.trainers.values()].every((t) => typeof t.save === 'function');
      const labMod = own ? null : await lab.module();
      requireTrainer(); // the run may have been replaced while the lab engine loaded
      const out = {};
      for (const [name, t] of state.trainers)
        out[name] = typeof t.save === 'function' ? t.save() : lab.copyOf(t, labMod, state.digits).save();
      return transferable(out);
    },

    /** The run's state for `restore` (worker/run-snapshot.js): needs only this engine, and no evaluation. */
    snapshot() {
      requireTrainer();
      const { value, transfer } = snapshotOf(state.trainers);
      return { value: { trainers: value, data: state.source?.spec ?? null }, transfer };
    },

    /** Makes a `snapshot` (from this worker or a crashed one) the run, all or none. -> as `create` */
    restore({ snapshot }) {
      requireEngine();
      const data = snapshot?.data ?? null;
      const restoreWith = (engine) => {
        const rows = sourceFor(data, engine);
        const next = rebuild(engine, snapshot?.trainers, rows, MAIN);
        state.running = false;
        freeAll(state.pending);
        return replaceRun(next, rows);
      };
      const conv = data !== null || Object.values(snapshot?.trainers ?? {}).some((s) => needsLab(s?.config));
      return conv && lab.available ? lab.module().then(restoreWith) : restoreWith(state.wasm);
    },

    /** Starts training in slices; stats events follow. */
    play() {
      requireTrainer();
      if (!state.running) {
        state.running = true;
        loop.start();
      }
      return { running: state.running };
    },

    pause() {
      state.running = false;
      flushStats();
      return { running: state.running };
    },

    /** One minibatch for every trainer of the run (only while paused). The stats also go out as a 'stats' event. -> main's step stats */
    step() {
      requireTrainer();
      if (state.running) return null;
      const t0 = performance.now();
      const logs = newLogs();
      try {
        for (const [name, t] of state.trainers) record(logs.get(name), t.step(1));
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
        if (desc) t = lab.copyOf(requireTrainer(trainer), labMod, state.digits);
      }
      if (!desc) throw new Error(`The trainer has no method "${String(method).slice(0, 40)}" that a lesson may call.`);
      const value = desc.get ? desc.get.call(t) : desc.value.apply(t, Array.isArray(args) ? args : [args]);
      if (method === 'traceStep' && trainer === MAIN && t === state.trainers.get(MAIN)) {
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
        wasmBytes: (state.exports?.memory?.buffer?.byteLength ?? 0) + labWasmBytes,
        labWasmBytes,
        trainers: state.trainers.size + state.pending.size,
        labLoaded,
        labCopies,
      };
    },

    /**
     * Only when the page was opened with debug=1: makes the worker fail the way
     * a bug would, to try the page's recovery. kind 'trap' raises the error a
     * wasm trap raises (WebAssembly.RuntimeError); 'error' throws an uncaught
     * error outside any request, which the page sees as worker.onerror; 'pool'
     * (a threaded build: the lab build's when the run trains there) panics on a
     * pool thread while the worker waits for it.
     */
    crash({ kind = 'trap' } = {}) {
      if (!state.debug) throw new Error('crash is only available when the page was opened with debug=1.');
      if (kind === 'pool') {
        requireEngine();
        const main = state.trainers.get(MAIN);
        const mod = main && !(main instanceof state.wasm.Trainer) ? lab.loaded() : state.wasm;
        if (typeof mod?.debugPanicOnPool !== 'function') throw new Error('This engine has no thread pool to crash.');
        return mod.debugPanicOnPool(); // does not come back: the worker waits for the crashed thread
      }
      if (kind === 'error') {
        setTimeout(() => {
          throw new Error('a deliberate crash (debug=1)');
        });
        return { kind };
      }
      throw new WebAssembly.RuntimeError('unreachable (a deliberate crash, debug=1)');
    },
  };
}
