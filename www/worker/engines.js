// The worker's engines: loading a wasm-bindgen build, and the lab build's
// copies of the run's trainers (docs/wasm-api.md, "Two builds").
//
// The page trains with the small build (www/pkg). What only the lab build
// (www/pkg-lab) has — PCA views, applications, save and load — is answered by a
// copy of the Trainer there: fetched on first need, made from the trainer's
// config, and given its current weights, step and epoch before every use.

import { messageOf } from './transfer.js';

/** Imports and starts a wasm-bindgen build. -> { mod, exports } (exports: the instance's, with its memory) */
export async function loadWasm(importer, source, what = 'The training engine') {
  if (typeof WebAssembly !== 'object') {
    throw new Error(
      'This browser cannot run WebAssembly, which the playground needs. Try a current Chrome, Firefox, Safari or Edge.',
    );
  }
  let mod;
  try {
    mod = await importer();
  } catch (err) {
    throw new Error(
      `${what} could not be loaded: ${messageOf(err)}. ` +
        'If you are running from a checkout, build it with "npm run build:wasm".',
    );
  }
  let exports;
  try {
    exports = await mod.default({ module_or_path: source });
  } catch (err) {
    throw new Error(
      `${what} could not start in this browser: ${messageOf(err)}. ` +
        'It needs WebAssembly SIMD (Chrome 91+, Firefox 89+, Safari 16.4+).',
    );
  }
  mod.start?.(); // the panic hook: a bug prints a readable Rust stack in the console
  return { mod, exports };
}

/** At most this many threads train, however many cores the device reports. */
export const MAX_THREADS = 16;

/**
 * How many threads to train with, and if one, why (docs/wasm-api.md, "Threads").
 * @param {{ requested?: number|null, isolated: boolean, cores: number, threadedBuild: boolean }} facts
 *   requested: the page's `threads` flag (null: one per core); isolated: self.crossOriginIsolated;
 *   cores: navigator.hardwareConcurrency; threadedBuild: whether this copy has the threaded builds
 * @returns {{ count: number, why: string|null }}
 */
export function threadPlan({ requested = null, isolated, cores, threadedBuild }) {
  const one = (why) => ({ count: 1, why });
  if (requested === 1) return one('threads=1 in the link');
  if (!threadedBuild) return one('this copy of the playground has no threaded engine');
  if (!isolated) {
    // Embedded in another site, opened from a file, or served without the COOP and COEP headers.
    return one('the page is not cross-origin isolated, so the browser allows no shared memory');
  }
  const n = Math.floor(Number(cores));
  if (!(n > 1)) return one('the browser reports one processor core');
  return { count: Math.min(requested ?? n, n, MAX_THREADS), why: null };
}

/** How long a thread pool may take to start before the single-thread build is used instead. */
const POOL_START_MS = 15000;

/**
 * Starts a threaded build's pool of `count` threads (Web Workers sharing its
 * memory); nothing for a single-thread build. Rejects if the pool is not up in
 * POOL_START_MS (a Content-Security-Policy that forbids blob: workers, say).
 */
export async function startPool(mod, count) {
  if (count <= 1 || typeof mod.initThreadPool !== 'function') return;
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`its ${count} workers did not start within ${POOL_START_MS / 1000} s`)),
      POOL_START_MS,
    );
  });
  try {
    await Promise.race([mod.initThreadPool(count), late]);
  } finally {
    clearTimeout(timer);
  }
  const n = mod.threadCount();
  if (n !== count) throw new Error(`the pool has ${n} threads instead of ${count}`);
}

/**
 * A threaded build (`{ importEngine, wasmSource }`) loaded and its pool of `count`
 * threads started; a panic on one of them is then posted on the page's
 * BroadcastChannel `crashChannel` (src/api/pool_crash.rs). Rejects if either fails.
 * -> { mod, exports }
 */
export async function loadThreaded(build, count, crashChannel, what) {
  const r = await loadWasm(build.importEngine, build.wasmSource(), what);
  await startPool(r.mod, count);
  if (typeof crashChannel === 'string') r.mod.reportCrashesTo(crashChannel);
  return r;
}

/** A message without its closing full stop, to be quoted inside a sentence. */
export const sentenceOf = (m) => String(m).replace(/[.\s]+$/, '');

/** Whether a trainer config needs the lab build: convolutional models are only there. */
export function needsLab(config) {
  return Array.isArray(config?.model?.conv) && config.model.conv.length > 0;
}

/**
 * The lab build and the copies of trainers in it.
 * @param {{
 *   importLab?: () => Promise<object>, labWasmSource?: () => URL,
 *   threadedLab?: { importEngine, wasmSource } | null,
 *   plan?: () => { threads: { count: number, why: string|null }, crashChannel: string|null },
 *   onFail?: (message: string) => void,
 * }} sources
 *   importLab none: there is no lab build; threadedLab: its threaded twin (www/pkg-lab-mt), loaded
 *   instead when the engine trains on more than one thread (`plan().threads`, known once `init` has
 *   chosen the engine), its pool as large as the engine's; onFail hears of every failed load (which also rejects)
 */
export function createLab({
  importLab = null,
  labWasmSource = null,
  threadedLab = null,
  plan = () => ({ threads: { count: 1, why: 'the engine is not loaded yet' }, crashChannel: null }),
  onFail = () => {},
} = {}) {
  let loading = null; // Promise of the module, once something needed it
  let exports = null;
  let loadedMod = null;
  let threads = null; // { count, why } the lab build trains on, once loaded
  const copies = new Map(); // Trainer -> its copy in the lab build

  /** The threaded lab build with its pool where the engine has threads; else (or if that fails) the single-thread one. */
  async function load() {
    const { threads: engine, crashChannel } = plan();
    if (engine.count > 1 && threadedLab) {
      try {
        const r = await loadThreaded(threadedLab, engine.count, crashChannel, 'The threaded lab engine');
        threads = { count: engine.count, why: null };
        return r;
      } catch (err) {
        threads = { count: 1, why: `the lab engine's threads could not start (${sentenceOf(messageOf(err))})` };
      }
    } else {
      threads = engine;
    }
    return loadWasm(importLab, labWasmSource?.(), 'The lab engine (PCA, applications, save and load)');
  }

  return {
    /** Whether there is a lab build to ask. */
    get available() {
      return importLab !== null;
    },

    /** The lab build's module, fetched and started the first time (a failed load is tried again next time). */
    module() {
      if (!importLab) return Promise.reject(new Error('This engine has no lab build to ask.'));
      loading ??= load().then(
        (r) => {
          exports = r.exports;
          loadedMod = r.mod;
          return r.mod;
        },
        (err) => {
          loading = null;
          onFail(messageOf(err));
          throw err;
        },
      );
      return loading;
    },

    /** How many threads a run in the lab build trains on, and if one, why (once loaded; else the engine's). */
    threads() {
      return threads ?? plan().threads;
    },

    /** The lab build's module if it has been loaded, else null. */
    loaded() {
      return exports === null ? null : loadedMod;
    },

    /**
     * `t`'s copy in the lab build (`labMod`, loaded), made on first use and given
     * t's current weights, step and epoch. Call it with nothing awaited between
     * it and the use of the copy, so training cannot move `t` on in between.
     */
    copyOf(t, labMod, digits) {
      let copy = copies.get(t);
      if (!copy) {
        copy = new labMod.Trainer(t.config(), digits.pixels, digits.labels);
        copies.set(t, copy);
      }
      const { step, epoch } = t.progress();
      copy.restore(t.parameters(), step, epoch);
      return copy;
    },

    /**
     * A trainer of `engine` (the small build's module) holding the model saved in
     * `bytes`, read by the lab build, whose trainer stays as its copy (a
     * convolutional model: the lab build's trainer itself). Throws the
     * lab build's sentence if the file is not a model of this playground.
     */
    load(labMod, engine, bytes, digits) {
      const copy = labMod.Trainer.load(bytes, digits.pixels, digits.labels);
      // A convolutional model has no small-build twin: the lab trainer is the run.
      if (needsLab(copy.config())) return copy;
      let t = null;
      try {
        t = new engine.Trainer(copy.config(), digits.pixels, digits.labels);
        const { step, epoch } = copy.progress();
        t.restore(copy.parameters(), step, epoch);
      } catch (err) {
        t?.free();
        copy.free();
        throw err;
      }
      copies.set(t, copy);
      return t;
    },

    /** Frees `t`'s copy, if it has one (before `t` itself is freed). */
    forget(t) {
      copies.get(t)?.free();
      copies.delete(t);
    },

    /** { labLoaded, labCopies, labWasmBytes } for the worker's memory report. */
    memory() {
      return {
        labLoaded: exports !== null,
        labCopies: copies.size,
        labWasmBytes: exports?.memory?.buffer?.byteLength ?? 0,
      };
    },
  };
}
