// The request/reply bookkeeping both worker clients share (trainer-client.js,
// recommender-client.js): numbered requests, replies { id, ok, value | error }
// settling their promises, and rejecting everything still open when a worker dies.

export class Requests {
  #nextId = 1;
  #open = new Map();

  /** A promise for a new request; `send(id)` posts it. */
  open(send) {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#open.set(id, { resolve, reject });
      send(id);
    });
  }

  /** Settles the request a reply answers; unknown ids (a late reply) are ignored. */
  settle(msg) {
    const p = this.#open.get(msg?.id);
    if (!p) return;
    this.#open.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new Error(msg.error));
  }

  /** Rejects every open request with `message`. */
  rejectAll(message) {
    for (const { reject } of this.#open.values()) reject(new Error(message));
    this.#open.clear();
  }
}
