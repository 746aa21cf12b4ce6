// The threaded builds' pools, started from the page (vendor/wasm-bindgen-rayon/PATCHED.md).
//
// A threaded build's initThreadPool(n), called in a worker, does not create
// its pool threads there: it posts the worker's creator a
// 'wasm_bindgen_spawn_pool' message, and the page creates them (n − 1: the
// worker's own thread is the pool's thread 0). Firefox
// sometimes blocked for good in `new Worker` called inside a worker (15 starts
// in 560; none in 850 started from the page: docs/wasm-api.md, "Threads").

/** The type of a threaded build's request for its pool's workers. */
export const SPAWN_POOL = 'wasm_bindgen_spawn_pool';

/**
 * The pool workers a page starts for one worker's threaded builds: give every
 * message from that worker to handle() first, and terminate() with it.
 */
export class PoolWorkers {
  #workers = [];
  #ended = false;

  /** How many pool workers are alive. */
  get size() {
    return this.#workers.length;
  }

  /**
   * Answers `data` if it is a pool request (-> true); anything else is not ours (-> false).
   * A request is { init, count, script, port }: start `count` module workers of
   * `script`, post each `init`, and once every one has posted
   * 'wasm_bindgen_worker_ready' post { ok: true } on `port`, or { ok: false, error }.
   */
  handle(data) {
    if (data?.type !== SPAWN_POOL) return false;
    const { init, count, script, port } = data;
    this.#start(init, count, script).then(
      () => port.postMessage({ ok: true }),
      (err) => port.postMessage({ ok: false, error: err?.message ?? String(err) }),
    );
    return true;
  }

  async #start(init, count, script) {
    if (this.#ended) throw new Error('the worker that asked for them has ended');
    const mine = [];
    const starting = [];
    for (let i = 0; i < count; i++) {
      let worker;
      try {
        worker = new Worker(script, { type: 'module', name: 'pool' });
      } catch (err) {
        throw new Error(`the browser would not start a worker (${err?.message ?? err})`);
      }
      // Kept here until terminate(): Firefox collects workers sharing wasm memory that nothing holds.
      this.#workers.push(worker);
      mine.push(worker);
      starting.push(
        new Promise((resolve, reject) => {
          const onMessage = ({ data }) => {
            if (data?.type !== 'wasm_bindgen_worker_ready') return;
            worker.removeEventListener('message', onMessage);
            worker.onerror = null;
            resolve();
          };
          worker.addEventListener('message', onMessage);
          worker.onerror = (e) => {
            e.preventDefault?.();
            reject(new Error(`a pool worker could not start: ${e.message || 'its script could not be loaded'}`));
          };
        }),
      );
      worker.postMessage(init);
    }
    try {
      await Promise.all(starting);
    } catch (err) {
      for (const worker of mine) worker.terminate();
      this.#workers = this.#workers.filter((w) => !mine.includes(w));
      throw err;
    }
  }

  /** Ends every pool worker; later requests are refused. */
  terminate() {
    this.#ended = true;
    for (const worker of this.#workers) worker.terminate();
    this.#workers = [];
  }
}
