// A promise API over the training worker (www/worker.js).
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

export class TrainerClient {
  #worker;
  #nextId = 1;
  #pending = new Map();
  #listeners = new Map();
  #dead = null;

  /** @param {URL|string} [url]  the worker script */
  constructor(url = new URL('./worker.js', import.meta.url)) {
    this.#worker = new Worker(url, { type: 'module', name: 'trainer' });
    this.#worker.onmessage = ({ data }) => this.#receive(data);
    this.#worker.onerror = (e) => {
      e.preventDefault();
      this.#die(`The training worker stopped: ${e.message || 'its script could not be loaded'}.`);
    };
    this.#worker.onmessageerror = () => this.#die('The training worker sent a message that could not be read.');
  }

  /** Loads the wasm module and the digits. -> { count, defaults } */
  init() {
    return this.#call('init');
  }

  /**
   * Builds a new run: the main Trainer from `config`, and `companions`
   * ({ name: config }) trained beside it. The old run survives a failure.
   * -> { run, config, latentSize, trainers: { name: { config, latentSize } } }
   */
  create(config, { companions = {} } = {}) {
    return this.#call('create', { config, companions });
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
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(fn);
    return () => this.#listeners.get(event).delete(fn);
  }

  /** Ends the worker. */
  terminate() {
    this.#worker.terminate();
    this.#die('The training worker was closed.', { quiet: true });
  }

  #call(cmd, args = {}, transfer = []) {
    if (this.#dead) return Promise.reject(new Error(this.#dead));
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, cmd, args }, transfer);
    });
  }

  #receive(msg) {
    if (msg && msg.event) {
      for (const fn of this.#listeners.get(msg.event) ?? []) fn(msg);
      return;
    }
    const p = this.#pending.get(msg?.id);
    if (!p) return;
    this.#pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new Error(msg.error));
  }

  #die(message, { quiet = false } = {}) {
    if (this.#dead) return;
    this.#dead = message;
    for (const { reject } of this.#pending.values()) reject(new Error(message));
    this.#pending.clear();
    if (!quiet) for (const fn of this.#listeners.get('halted') ?? []) fn({ reason: 'crashed', message });
  }
}
