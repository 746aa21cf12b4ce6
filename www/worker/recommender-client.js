// A promise API over the recommender's worker (www/worker/recommender-worker.js).
//
//   const rec = new RecommenderClient();
//   const { gen, info } = await rec.create({ ratings: {}, model: {} }); // defaults: 500 users × 300 items
//   rec.on('stats', (s) => ...);    // { gen, steps, loss, eval: { rmse, itemMeanRmse, .. }, running }
//   rec.on('pattern', (p) => ...);  // rows of the ratings matrix as they are read
//   await rec.play(); await rec.pause();
//   const top = await rec.recommend(user, 5);
//   rec.terminate();
//
// Every method resolves with the worker's reply or rejects with an Error a person can read.

import { WorkerChannel } from './worker-channel.js';

/** How a page that is not the site (the single file) starts the worker: { createWorker, wasm: () => Promise<ArrayBuffer> }. */
let custom = null;

/** Used by the single-file build: its recommender worker comes from a bundled source and gets the .wasm handed over. */
export function configureRecommender({ createWorker, wasm }) {
  custom = { createWorker, wasm };
}

export class RecommenderClient {
  #worker;
  #channel = new WorkerChannel({ haltedEvent: (message) => ({ gen: null, message }) });
  #ready = Promise.resolve(); // the hand-over of the .wasm, when there is one

  constructor(url = new URL('./recommender-worker.js', import.meta.url)) {
    try {
      this.#worker = custom ? custom.createWorker() : new Worker(url, { type: 'module', name: 'recommender' });
      if (custom) this.#ready = custom.wasm().then((bytes) => this.#call('init', { wasm: bytes }));
    } catch (err) {
      this.#channel.die(
        `The recommender runs in a worker of its own, which could not start here (${err.message}). ` +
          'Open the playground from a web server (npm start, or the dist/ folder) for this lesson.',
        { quiet: true },
      );
      return;
    }
    this.#channel.attach((msg, transfer) => this.#worker.postMessage(msg, transfer));
    this.#worker.onmessage = ({ data }) => this.#channel.receive(data);
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#channel.die(
        `The recommender's worker stopped: ${e.message || 'its script could not be loaded'}. ` +
          (location.protocol === 'file:'
            ? 'Opened from disk, this lesson needs the served site instead (npm start, or the dist/ folder on a web server).'
            : ''),
      );
    };
  }

  /** A new model on freshly generated ratings. -> { gen, info: { users, items, ratings, density, testRatings }, maxSteps } */
  create({ ratings = {}, model = {} } = {}) {
    return this.#ready.then(() => this.#call('create', { ratings, model }));
  }

  play() {
    return this.#call('play');
  }

  pause() {
    return this.#call('pause');
  }

  /** -> [{ item, predicted, trueRating: number|null }], best first */
  recommend(user, k) {
    return this.#call('recommend', { user, k });
  }

  /** Listens to 'stats', 'pattern' or 'halted' events; returns a function that stops listening. */
  on(event, fn) {
    return this.#channel.on(event, fn);
  }

  terminate() {
    this.#worker?.terminate();
    this.#channel.die('The recommender was closed.', { quiet: true });
  }

  #call(cmd, args = {}) {
    return this.#channel.request(cmd, args);
  }
}
