// The training worker as the app holds it: the client, the promise that its
// engine (wasm + digits) is loaded, and a restart after a crash. Whatever must
// wait for the engine (mounting a lesson, building trainers) awaits `ready`,
// which a restart replaces, so work started during a recovery waits for the
// new worker instead of asking the dead one.

/**
 * @param {{
 *   createClient: () => import('../worker/trainer-client.js').TrainerClient,
 *   resources?: () => Promise<{ wasm: ArrayBuffer, digits: ArrayBuffer }>,  handed to the worker instead of fetched
 *   debug?: boolean,  lets the page make the worker crash (tests)
 *   threads?: number|null,  the `threads` flag: at most this many threads (null: one per core)
 * }} options
 */
export function createEngine({ createClient, resources = null, debug = false, threads = null }) {
  let client = null;
  let options = null;
  let ready = null;
  let loadedOnce = false;
  let threadInfo = { count: 1, why: 'the engine is not loaded yet' };

  const init = () =>
    client.init(options).then((value) => {
      loadedOnce = true;
      if (value?.threads) threadInfo = value.threads;
      return value;
    });

  return {
    /** The TrainerClient (null until start()); the same object across restarts. */
    get client() {
      return client;
    },
    /** Starts the worker; throws when the browser cannot start one. */
    start() {
      client = createClient();
      return client;
    },
    /** Loads the wasm module and the digits in the worker, the first time: once `after` settles, if given. */
    load({ after = null } = {}) {
      ready = (async () => {
        await after?.catch(() => {});
        options = { ...(resources ? await resources() : {}), debug, threads };
        return init();
      })();
      return ready;
    },
    /** Ends the (dead) worker, starts a fresh one and loads the engine in it again. */
    restart() {
      client.restart();
      ready = init();
      return ready;
    },
    /** Resolves once the current worker's engine is loaded. */
    get ready() {
      return ready;
    },
    /** { count, why }: how many threads train, and if one, why (worker/engines.js threadPlan). */
    get threads() {
      return threadInfo;
    },
    /** Did the engine load once? Before that, a crash is a failure to start, not something to recover from. */
    get loadedOnce() {
      return loadedOnce;
    },
  };
}
