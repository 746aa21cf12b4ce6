// The page side of the threaded builds' pools (www/worker/pool-workers.js):
// a worker's request starts that many module workers, answers once every one
// is ready (or why one is not), and terminate() ends them all.

import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { PoolWorkers, SPAWN_POOL } from '../../www/worker/pool-workers.js';

/** A stand-in for the browser's Worker: records what it was given; the test makes it ready or fail. */
class FakeWorker {
  static made = [];
  static throwOnCreate = null;
  constructor(url, options) {
    if (FakeWorker.throwOnCreate) throw new Error(FakeWorker.throwOnCreate);
    this.url = url;
    this.options = options;
    this.posted = [];
    this.listeners = [];
    this.onerror = null;
    this.terminated = false;
    FakeWorker.made.push(this);
  }
  postMessage(data) {
    this.posted.push(data);
  }
  addEventListener(type, fn) {
    if (type === 'message') this.listeners.push(fn);
  }
  removeEventListener(type, fn) {
    if (type === 'message') this.listeners = this.listeners.filter((f) => f !== fn);
  }
  /** The pool thread's wasm-bindgen-rayon helper answering its init. */
  ready() {
    for (const fn of [...this.listeners]) fn({ data: { type: 'wasm_bindgen_worker_ready' } });
  }
  fail(message) {
    this.onerror?.({ message, preventDefault() {} });
  }
  terminate() {
    this.terminated = true;
  }
}

/** A request as the patched startWorkers posts it; `answers` receives what is posted on its port. */
function request(count) {
  const answers = [];
  const port = { postMessage: (m) => answers.push(m) };
  return {
    data: {
      type: SPAWN_POOL,
      init: { type: 'wasm_bindgen_worker_init', receiver: 7 },
      count,
      script: 'https://x/helper.js',
      port,
    },
    answers,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

let savedWorker;
beforeEach(() => {
  savedWorker = globalThis.Worker;
  globalThis.Worker = FakeWorker;
  FakeWorker.made = [];
  FakeWorker.throwOnCreate = null;
});
afterEach(() => {
  globalThis.Worker = savedWorker;
});

test('messages that are not pool requests are left to the caller', () => {
  const pool = new PoolWorkers();
  for (const data of [null, undefined, 3, { type: 'result' }, { id: 1, ok: true }])
    assert.equal(pool.handle(data), false);
  assert.equal(FakeWorker.made.length, 0);
});

test('a request starts count module workers of the script, posts each the init, and answers once all are ready', async () => {
  const pool = new PoolWorkers();
  const { data, answers } = request(3);
  assert.equal(pool.handle(data), true);
  assert.equal(FakeWorker.made.length, 3);
  for (const w of FakeWorker.made) {
    assert.equal(w.url, 'https://x/helper.js');
    assert.deepEqual(w.options, { type: 'module', name: 'pool' });
    assert.deepEqual(w.posted, [data.init]);
  }
  FakeWorker.made[0].ready();
  FakeWorker.made[2].ready();
  await settle();
  assert.deepEqual(answers, [], 'not before every worker is ready');
  FakeWorker.made[1].ready();
  await settle();
  assert.deepEqual(answers, [{ ok: true }]);
  assert.equal(pool.size, 3);

  pool.terminate();
  assert.ok(FakeWorker.made.every((w) => w.terminated));
  assert.equal(pool.size, 0);
  const late = request(2);
  assert.equal(pool.handle(late.data), true);
  await settle();
  assert.equal(late.answers[0].ok, false);
  assert.match(late.answers[0].error, /has ended/);
  assert.equal(FakeWorker.made.length, 3, 'no worker started after terminate()');
});

test("a worker that cannot start: the request is answered with why, and that request's workers end", async () => {
  const pool = new PoolWorkers();
  const first = request(1);
  pool.handle(first.data);
  FakeWorker.made[0].ready();
  await settle();
  const second = request(2);
  pool.handle(second.data);
  FakeWorker.made[1].ready();
  FakeWorker.made[2].fail('blocked by the Content-Security-Policy');
  await settle();
  assert.deepEqual(second.answers, [
    { ok: false, error: 'a pool worker could not start: blocked by the Content-Security-Policy' },
  ]);
  assert.deepEqual(
    FakeWorker.made.map((w) => w.terminated),
    [false, true, true],
    'the first pool still runs',
  );
  assert.equal(pool.size, 1);

  FakeWorker.throwOnCreate = 'SecurityError';
  const third = request(1);
  pool.handle(third.data);
  await settle();
  assert.match(third.answers[0].error, /would not start a worker \(SecurityError\)/);
});
