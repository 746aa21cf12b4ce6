// The training worker's run, as its request handlers and its slice loop use it:
// the trainer a request names (or the sentence why there is none), trainers
// built from configs all or none, freed with their lab copies, and a new run put
// in place of the old. Kept apart from worker/trainer-handlers.js so the
// handlers read as the protocol's requests, one after another.

import { messageOf } from './transfer.js';

export const MAIN = 'main';

/**
 * A trap inside the wasm module (a Rust panic under panic=abort is an
 * `unreachable` trap): the module's memory may be half-updated, so nothing in
 * it can be trusted any more and the worker must be replaced.
 */
export const isTrap = (err) => typeof WebAssembly === 'object' && err instanceof WebAssembly.RuntimeError;

/**
 * What checks, builds, frees and replaces the trainers of `state` (the worker's
 * state, see worker/trainer-protocol.js), with the lab build `lab`, the kept
 * data `shelf` and the slice loop's `flushStats` (worker/slice-loop.js).
 * -> { requireTrainer, requireEngine, freeAll, sourceFor, build, replaceRun }
 */
export function createRunTrainers(state, { lab, shelf, flushStats }) {
  function requireTrainer(name = MAIN) {
    const t = state.trainers.get(name);
    if (t) return t;
    if (!state.trainers.size) throw new Error('There is no model yet: its settings were not accepted.');
    throw new Error(`There is no trainer named "${String(name).slice(0, 40)}" in this run.`);
  }

  function requireEngine() {
    if (!state.wasm || !state.digits) throw new Error('The training engine is not loaded yet.');
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
  const sourceFor = (spec, labMod) => shelf.sourceFor(spec, labMod, state.digitRows);

  /** Builds trainers for [name, config] pairs on `rows` (a source), all or none (a refused config frees the ones built). */
  function build(configs, into = new Map(), engine = state.wasm, rows = state.digitRows) {
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
  function replaceRun(next, rows = state.digitRows) {
    state.running = false;
    flushStats();
    freeAll(state.trainers);
    state.trainers = next;
    state.source = rows;
    state.run += 1;
    const info = {};
    for (const [name, t] of state.trainers) info[name] = { config: t.config(), latentSize: t.latentSize };
    const main = state.trainers.get(MAIN);
    const { step, epoch } = main.progress();
    // The threads the run trains on: the engine's, or the lab build's (convolutional models, engine 'lab').
    const runThreads = main instanceof state.wasm.Trainer ? state.threads : lab.threads();
    return {
      run: state.run,
      config: info[MAIN].config,
      latentSize: info[MAIN].latentSize,
      step,
      epoch,
      trainers: info,
      threads: runThreads,
      data: rows.info,
    };
  }

  return { requireTrainer, requireEngine, freeAll, sourceFor, build, replaceRun };
}
