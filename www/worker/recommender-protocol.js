// The recommender's own worker: owns a wasm Recommender (item-based AutoRec on
// the seeded synthetic ratings, src/autorec/) and trains it in time slices,
// as www/worker/trainer-worker.js does for the digit Trainers, so the page never waits on it.
// www/worker/recommender-worker.js starts it with the lab build fetched from the site
// (the recommender is in that build only: docs/wasm-api.md, "Two builds");
// the single-file build starts it with the engine bundled and the .wasm
// handed over by `init`.
//
// Protocol (recommender-client.js is the other side):
//   request { id, cmd, args } -> reply { id, ok: true, value } | { id, ok: false, error }
//   event   { event: 'stats', gen, steps, loss, eval: { rmse, itemMeanRmse, globalMeanRmse, trainRmse }, running }
//           once per training slice (and once after `create`)
//   event   { event: 'pattern', gen, from, to, users, items, cells: Uint8Array }  rows `from`..`to` of the
//           users × items matrix: 0 unrated, 1 a training rating, 2 a held-out test rating
//   event   { event: 'halted', gen, message } when training stops by itself
// `gen` counts `create` calls, so the page can drop events of a replaced model.

import { messageOf } from './transfer.js';

const SLICE_MS = 15;
/** Training stops here by itself: the curve has long flattened, and an open tab should not spin forever. */
const MAX_STEPS = 5000;

/**
 * Starts answering the page's requests.
 * @param {{ importEngine: () => Promise<object>, wasmSource?: () => URL }} sources  the lab build's module, and where its .wasm is
 */
export function startRecommenderWorker({ importEngine, wasmSource = null }) {
  let wasmBytes = null; // handed over by `init`, instead of fetching wasmSource()
  let wasm = null;
  let rec = null;
  let info = null;
  let gen = 0;
  let running = false;
  let ticking = false;
  let lastLoss = null;

  const tick = new MessageChannel();
  tick.port1.onmessage = slice;

  async function load() {
    if (wasm) return wasm;
    const mod = await importEngine();
    await mod.default({ module_or_path: wasmBytes ?? wasmSource() });
    mod.start?.();
    wasm = mod;
    return mod;
  }

  function schedule() {
    if (ticking || !rec || !running) return;
    ticking = true;
    tick.port2.postMessage(null);
  }

  function postStats() {
    self.postMessage({ event: 'stats', gen, steps: rec.steps, loss: lastLoss, eval: rec.evaluate(), running });
  }

  /** The whole ratings pattern in one message (0 missing, 1 training rating, 2 held-out). */
  function postPattern() {
    const { users, items } = info;
    const cells = rec.pattern();
    self.postMessage({ event: 'pattern', gen, from: 0, to: users, users, items, cells }, [cells.buffer]);
  }

  function slice() {
    ticking = false;
    if (!rec) return;
    try {
      if (running) {
        const t0 = performance.now();
        do {
          lastLoss = rec.step(1);
        } while (performance.now() - t0 < SLICE_MS && rec.steps < MAX_STEPS);
        if (rec.steps >= MAX_STEPS) running = false;
        postStats();
        if (!running)
          self.postMessage({
            event: 'halted',
            gen,
            message: `Stopped at ${MAX_STEPS.toLocaleString('en-US')} steps. Reset to start again.`,
          });
      }
    } catch (err) {
      running = false;
      self.postMessage({ event: 'halted', gen, message: messageOf(err) });
      return;
    }
    schedule();
  }

  const handlers = {
    /** Optional, before `create`: the engine's .wasm bytes (ArrayBuffer), when the page hands them over (the single file). */
    init({ wasm: bytes = null } = {}) {
      wasmBytes = bytes;
      return {};
    },
    /**
     * A new model on new ratings: { ratings: RatingsConfig, model: AutoRecConfig } (docs/wasm-api.md).
     * -> { gen, info: { users, items, ratings, density, testRatings }, maxSteps }; then a stats event and pattern events follow.
     */
    async create({ ratings, model }) {
      const mod = await load();
      const next = new mod.Recommender(ratings, model); // throws a readable Error on bad settings
      rec?.free();
      rec = next;
      info = rec.info();
      gen += 1;
      running = false;
      lastLoss = null;
      postStats();
      // After the reply to `create`, which tells the page the new gen.
      const g = gen;
      setTimeout(() => g === gen && postPattern(), 0);
      schedule();
      return { gen, info, maxSteps: MAX_STEPS };
    },
    play() {
      if (!rec) throw new Error('There is no recommender yet.');
      running = rec.steps < MAX_STEPS;
      schedule();
      return { running };
    },
    pause() {
      running = false;
      return { running };
    },
    /** The top k unrated items of `user`: [{ item, predicted, trueRating }]. */
    recommend({ user, k }) {
      if (!rec) throw new Error('There is no recommender yet.');
      return rec.recommend(user, k);
    },
  };

  self.onmessage = async ({ data }) => {
    const { id, cmd, args } = data ?? {};
    try {
      if (!Object.hasOwn(handlers, cmd)) throw new Error(`unknown command ${cmd}`);
      self.postMessage({ id, ok: true, value: await handlers[cmd](args ?? {}) });
    } catch (err) {
      self.postMessage({ id, ok: false, error: messageOf(err) });
    }
  };
}
