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

import { Requests } from './requests.js';

/** How a page that is not the site (the single file) starts the worker: { createWorker, wasm: () => Promise<ArrayBuffer> }. */
let custom = null;

/** Used by the single-file build: its recommender worker comes from a bundled source and gets the .wasm handed over. */
export function configureRecommender({ createWorker, wasm }) {
  custom = { createWorker, wasm };
}

export class RecommenderClient {
  #worker;
  #requests = new Requests();
  #listeners = new Map();
  #dead = null;
  #ready = Promise.resolve(); // the hand-over of the .wasm, when there is one

  constructor(url = new URL('./recommender-worker.js', import.meta.url)) {
    try {
      this.#worker = custom ? custom.createWorker() : new Worker(url, { type: 'module', name: 'recommender' });
      if (custom) this.#ready = custom.wasm().then((bytes) => this.#call('init', { wasm: bytes }));
    } catch (err) {
      this.#dead =
        `The recommender runs in a worker of its own, which could not start here (${err.message}). ` +
        'Open the playground from a web server (npm start, or the dist/ folder) for this lesson.';
      return;
    }
    this.#worker.onmessage = ({ data }) => this.#receive(data);
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#die(
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
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(fn);
    return () => this.#listeners.get(event).delete(fn);
  }

  terminate() {
    this.#worker?.terminate();
    this.#die('The recommender was closed.', { quiet: true });
  }

  #call(cmd, args = {}) {
    if (this.#dead) return Promise.reject(new Error(this.#dead));
    return this.#requests.open((id) => this.#worker.postMessage({ id, cmd, args }));
  }

  #receive(msg) {
    if (msg?.event) {
      for (const fn of this.#listeners.get(msg.event) ?? []) fn(msg);
      return;
    }
    this.#requests.settle(msg);
  }

  #die(message, { quiet = false } = {}) {
    if (this.#dead) return;
    this.#dead = message;
    this.#requests.rejectAll(message);
    if (!quiet) for (const fn of this.#listeners.get('halted') ?? []) fn({ gen: null, message });
  }
}
