// A promise API over the training worker (www/worker/trainer-worker.js).
//
//   const client = new TrainerClient();
//   await client.init();                      // loads wasm + digits in the worker
//   const { run } = await client.create(cfg); // rejects with the Trainer's own sentence on a bad config
//   client.on('stats', (s) => ...);           // ~60 times a second while playing
//   await client.play();
//   const y = await client.reconstruct(x);    // x is transferred: pass a fresh Float32Array
//   const z = await client.call('encode', x); // any Trainer method by name (x is copied)
//   const s = await client.callOn('plain', 'reconstruct', x); // ... of a companion trainer
//
// Every method resolves with the worker's reply or rejects with an Error whose
// message a person can read.

import { PoolWorkers } from './pool-workers.js';
import { WorkerChannel } from './worker-channel.js';

export class TrainerClient {
  #worker;
  #channel = new WorkerChannel({ haltedEvent: (message) => ({ reason: 'crashed', message }) });
  #createWorker;
  #ownData = null; // the last putData spec: put again after a restart
  #crashes = null; // the current worker's crash channel (see #start)
  #pool = null; // the current worker's PoolWorkers

  /**
   * @param {URL|string|{ createWorker: () => Worker }} [source]  the worker script (a module worker),
   *   or a function that starts one (the single-file build starts it from a Blob)
   */
  constructor(source = new URL('./trainer-worker.js', import.meta.url)) {
    this.#createWorker =
      typeof source?.createWorker === 'function'
        ? source.createWorker
        : () => new Worker(source, { type: 'module', name: 'trainer' });
    this.#start();
  }

  #start() {
    const worker = this.#createWorker();
    this.#worker = worker;
    this.#pool?.terminate();
    const pool = new PoolWorkers(); // the threaded builds' pool threads, started here for the worker
    this.#pool = pool;
    this.#channel.attach((msg, transfer) => worker.postMessage(msg, transfer));
    // A dead worker's late messages and errors must not reach the one that replaced it.
    worker.onmessage = ({ data }) => {
      if (pool.handle(data)) return;
      if (worker === this.#worker) this.#receive(data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (worker === this.#worker)
        this.#channel.die(`The training worker stopped: ${e.message || 'its script could not be loaded'}.`);
    };
    worker.onmessageerror = () => {
      if (worker === this.#worker) this.#channel.die('The training worker sent a message that could not be read.');
    };
    // A panic on one of the threaded engine's pool threads cannot reach the worker, which waits for
    // that thread (src/api/pool_crash.rs): the thread posts it here, on a channel of this worker's own.
    this.#crashes?.close();
    this.#crashes = null;
    if (typeof BroadcastChannel === 'function') {
      const crashes = new BroadcastChannel(`autoencoder-playground-crash-${crypto.randomUUID?.() ?? Math.random()}`);
      crashes.onmessage = ({ data }) => {
        if (worker === this.#worker) this.#channel.die(`The training engine crashed: ${String(data)}.`);
      };
      this.#crashes = crashes;
    }
  }

  /** Ends the current worker (if it still runs) and starts a new one; init() it again before use. */
  restart() {
    this.#worker.terminate();
    this.#channel.die('The training worker was restarted.', { quiet: true });
    this.#start();
  }

  /** True once the worker has died and until restart(). */
  get dead() {
    return this.#channel.dead !== null;
  }

  /**
   * Loads the wasm module and the digits. `options.wasm` / `options.digits`
   * (ArrayBuffers, copied) hand them over instead of letting the worker fetch
   * them; `options.debug` enables crash(). -> { count, defaults }
   */
  init(options = {}) {
    // A restarted worker gets the person's own data back, so a snapshot made on it can be restored.
    const crashChannel = this.#crashes?.name ?? null;
    return this.#call('init', { ...options, crashChannel }).then(async (value) => {
      if (this.#ownData) await this.#call('putData', this.#ownData).catch(() => {});
      return value;
    });
  }

  /**
   * Reads saved models ({ main: Uint8Array, [companion]: Uint8Array }) without
   * changing the current run; rejects with the engine's sentence for a file
   * that is not a model of this playground. -> { config } of the main model
   */
  load(files) {
    return this.#call('load', { files });
  }

  /** Makes the models read by load() the run; `companions` ({ name: config }) builds the ones not read. -> as create() */
  adopt(companions = {}) {
    return this.#call('adopt', { companions });
  }

  /** Every trainer of the run as a safetensors file: { name: Uint8Array }. */
  saveAll() {
    return this.#call('saveAll');
  }

  /** The run's state for restore(): { trainers: { name: { config, params: Float32Array, step, epoch } }, data }. */
  snapshot() {
    return this.#call('snapshot');
  }

  /** Makes a snapshot() the run (e.g. in a restarted worker). -> as create() */
  restore(snapshot) {
    return this.#call('restore', { snapshot });
  }

  /** -> { wasmBytes, labWasmBytes, trainers, labLoaded, labCopies }: the wasm memory (both builds; the lab build apart), live trainers, the lab build fetched?, its live copies. */
  memory() {
    return this.#call('memory');
  }

  /** Only on a page opened with debug=1: the worker fails like a bug would ('trap', 'error' or, threaded, 'pool'). */
  crash(kind = 'trap') {
    return this.#call('crash', { kind });
  }

  /**
   * Builds a new run: the main Trainer from `config`, and `companions`
   * ({ name: config }) trained beside it; `engine: 'lab'` builds them in the lab
   * build, whose every method is then the run's own; `data` (null: the digits) is a generated set
   * ({ kind: 'generated', name, rows, seed, share }) or own data put with putData ({ kind: 'own', id }).
   * The old run survives a failure.
   * -> { run, config, latentSize, trainers: { name: { config, latentSize } } }
   */
  create(config, { companions = {}, engine = 'core', data = null } = {}) {
    return this.#call('create', { config, companions, engine, data });
  }

  /**
   * Keeps the person's own table or images in the worker for runs made with
   * `create(..., { data: { kind: 'own', id } })` (worker/data-source.js).
   * Arguments are copied, so the page keeps its copy. -> the data's info
   */
  async putData(spec) {
    const info = await this.#call('putData', spec);
    this.#ownData = spec;
    return info;
  }

  /** -> { scores, labels, top: [{ row, score, label, errors, values, recon }] } of the run's scored rows (worker/row-scores.js) */
  scoreRows(top = 10, { withValues = false, limit = null } = {}) {
    return this.#call('scoreRows', { top, withValues, limit });
  }

  /**
   * Calls a method of the main Trainer by name (see docs/wasm-api.md), e.g.
   * call('corrupt', x), call('sample', 16), call('latentSize') for a getter.
   * Arguments are copied; typed arrays in the result come back transferred.
   */
  call(method, ...args) {
    return this.#call('call', { trainer: 'main', method, args });
  }

  /** Like `call`, on the named trainer of the run (a companion, or 'main'). */
  callOn(trainer, method, ...args) {
    return this.#call('call', { trainer, method, args });
  }

  /** Starts training in time slices. */
  play() {
    return this.#call('play');
  }

  /** Stops after the current slice. */
  pause() {
    return this.#call('pause');
  }

  /** Trains one minibatch on every trainer of the run (while paused). -> the main trainer's step stats */
  step() {
    return this.#call('step');
  }

  /** Float32Array n*784 -> Float32Array n*784. `x` is transferred, so it is unusable afterwards. */
  reconstruct(x) {
    return this.#call('reconstruct', { x }, [x.buffer]);
  }

  /** -> { images: Float32Array n*784, labels: Uint8Array n }, the first n validation digits */
  validationImages(n) {
    return this.#call('validationImages', { n });
  }

  /** -> { valLoss, mse, psnr, kl, meanActivation, noisyMse } on the validation digits */
  evaluate() {
    return this.#call('evaluate');
  }

  /**
   * Listens to worker events: 'stats' (once per training slice: the main
   * trainer's { step, epoch, firstStep, losses, epochs, terms: { recon: [..], kl: [..], .. } }
   * and the same for every trainer under `trainers[name]`) and 'halted'
   * (training stopped itself: { reason: 'error' | 'stopped' | 'crashed', message, trainer }).
   * Returns a function that removes the listener.
   */
  on(event, fn) {
    return this.#channel.on(event, fn);
  }

  /** Ends the worker. */
  terminate() {
    this.#worker.terminate();
    this.#pool.terminate();
    this.#crashes?.close();
    this.#channel.die('The training worker was closed.', { quiet: true });
  }

  #call(cmd, args = {}, transfer = []) {
    return this.#channel.request(cmd, args, transfer);
  }

  /** A crashed worker says so before it closes; anything else is a reply or an event. */
  #receive(msg) {
    if (msg?.event === 'crashed') this.#channel.die(String(msg.message));
    else this.#channel.receive(msg);
  }
}
