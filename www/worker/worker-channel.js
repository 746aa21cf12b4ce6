// The message channel both worker clients share (trainer-client.js,
// recommender-client.js): numbered requests whose replies { id, ok, value | error }
// settle their promises, events ({ event, ... }) handed to listeners, and, when
// the worker dies, every open request rejected with one sentence and the
// 'halted' listeners told. The clients keep only their worker's start-up and
// their commands.

export class WorkerChannel {
  #nextId = 1;
  #open = new Map();
  #listeners = new Map();
  #dead = null;
  #post = null;
  #haltedEvent;

  /** @param {{ haltedEvent: (message: string) => object }} options  what 'halted' listeners get when the worker dies */
  constructor({ haltedEvent }) {
    this.#haltedEvent = haltedEvent;
  }

  /** Messages go to `post(message, transfer)` from now on (a new worker after a restart); the channel is alive again. */
  attach(post) {
    this.#post = post;
    this.#dead = null;
  }

  /** The sentence the worker died with, or null while it lives. */
  get dead() {
    return this.#dead;
  }

  /** A request: resolves with the reply's value, rejects with its error (or the death sentence). */
  request(cmd, args = {}, transfer = []) {
    if (this.#dead) return Promise.reject(new Error(this.#dead));
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#open.set(id, { resolve, reject });
      this.#post({ id, cmd, args }, transfer);
    });
  }

  /** A message from the worker: an event for the listeners, or a reply (a late reply for a forgotten id is ignored). */
  receive(msg) {
    if (msg?.event) {
      for (const fn of this.#listeners.get(msg.event) ?? []) fn(msg);
      return;
    }
    const p = this.#open.get(msg?.id);
    if (!p) return;
    this.#open.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new Error(msg.error));
  }

  /** Listens to an event; returns a function that stops listening. */
  on(event, fn) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(fn);
    return () => this.#listeners.get(event).delete(fn);
  }

  /** The worker is gone: reject what is open and, unless `quiet` (closed on purpose), tell the 'halted' listeners. */
  die(message, { quiet = false } = {}) {
    if (this.#dead) return;
    this.#dead = message;
    for (const { reject } of this.#open.values()) reject(new Error(message));
    this.#open.clear();
    if (!quiet) for (const fn of this.#listeners.get('halted') ?? []) fn(this.#haltedEvent(message));
  }
}
