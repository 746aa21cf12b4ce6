// The worker's pure parts: slice stats (worker/slice-stats.js) and snapshots of a
// run rebuilt all or none (worker/run-snapshot.js), with fake trainers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSliceLogs, record, sliceStats, statsGatherer } from '../../www/worker/slice-stats.js';
import { rebuild, snapshotOf } from '../../www/worker/run-snapshot.js';
import { digitsSource } from '../../www/worker/data-source.js';

test('slice stats: main at the top level, every trainer under trainers, epochs and terms kept', () => {
  const logs = newSliceLogs(['main', 'plain']);
  assert.equal(sliceStats(logs, 'main'), null, 'no step, no event');
  record(logs.get('main'), {
    step: 11,
    epoch: 0,
    batchLoss: 0.5,
    samplesPerSec: 100,
    terms: { recon: 0.4, kl: 0.1 },
    valLoss: null,
  });
  record(logs.get('main'), {
    step: 12,
    epoch: 1,
    batchLoss: 0.4,
    samplesPerSec: 120,
    terms: { recon: 0.3, kl: 0.1 },
    valLoss: 0.45,
  });
  record(logs.get('plain'), { step: 12, epoch: 1, batchLoss: 0.6, samplesPerSec: 90, valLoss: null });
  const s = sliceStats(logs, 'main');
  assert.deepEqual([s.step, s.epoch, s.firstStep, s.losses, s.samplesPerSec], [12, 1, 11, [0.5, 0.4], 120]);
  assert.deepEqual(s.terms, { recon: [0.4, 0.3], kl: [0.1, 0.1] });
  assert.deepEqual(s.epochs, [{ epoch: 1, step: 12, valLoss: 0.45 }]);
  assert.deepEqual(Object.keys(s.trainers).sort(), ['main', 'plain']);
  assert.equal(s.trainers.plain.firstStep, 12);
});

/** A fake engine: a Trainer keeps what it was given; config.bad refuses construction, params of the wrong length refuse restore. */
function fakeEngine() {
  const freed = [];
  class Trainer {
    constructor(config) {
      if (config.bad) throw new Error(`bad config ${config.bad}`);
      this.cfg = config;
      this.params = new Float32Array(config.n);
      this.counts = { step: 0, epoch: 0 };
    }
    config() {
      return this.cfg;
    }
    parameters() {
      return this.params.slice();
    }
    progress() {
      return { ...this.counts };
    }
    restore(params, step, epoch) {
      if (params.length !== this.params.length)
        throw new Error(`expected ${this.params.length} parameters, got ${params.length}`);
      this.params = Float32Array.from(params);
      this.counts = { step, epoch };
    }
    free() {
      freed.push(this.cfg.name);
    }
  }
  return { engine: { Trainer }, freed };
}

test('stats gatherer: the first slice after start at once, then one event per 100 ms of slices, all steps kept', () => {
  const g = statsGatherer(100);
  const step = (n) => ({ step: n, epoch: 0, batchLoss: n / 10, samplesPerSec: 1 });
  g.start();
  record(g.logs(['main'], 0).get('main'), step(1));
  assert.equal(g.sliceEnded(15, 15), true, 'the first slice after start is due at once');
  assert.deepEqual(g.take().logs.get('main').losses, [0.1]);
  assert.equal(g.take(), null, 'taking empties the gathering');
  // Then slices gather until 100 ms have passed since the first of them began; each event holds every
  // step since the one before, and its training time.
  let t = 15;
  const events = [];
  for (let n = 2; n <= 17; n++) {
    record(g.logs(['main'], t).get('main'), step(n));
    t += 15;
    if (g.sliceEnded(15, t)) {
      const { logs, trainedMs } = g.take();
      events.push({
        at: t,
        first: sliceStats(logs, 'main').firstStep,
        losses: logs.get('main').losses.length,
        trainedMs,
      });
    }
  }
  assert.deepEqual(events, [
    { at: 120, first: 2, losses: 7, trainedMs: 105 },
    { at: 225, first: 9, losses: 7, trainedMs: 105 },
  ]);
  assert.equal(g.take().logs.get('main').losses.length, 2, 'the steps not yet due stay gathered for the next take');
});

test('a snapshot rebuilds the same run, main first', () => {
  const { engine } = fakeEngine();
  const digits = digitsSource({ pixels: new Uint8Array(0), labels: new Uint8Array(0), count: 0 });
  const a = new engine.Trainer({ name: 'plain', n: 2 });
  const m = new engine.Trainer({ name: 'main', n: 3 });
  a.restore(Float32Array.of(1, 2), 5, 1);
  m.restore(Float32Array.of(3, 4, 5), 7, 2);
  const { value, transfer } = snapshotOf(
    new Map([
      ['plain', a],
      ['main', m],
    ]),
  );
  assert.equal(transfer.length, 2);
  assert.ok(transfer.includes(value.main.params.buffer));
  const run = rebuild(engine, value, digits, 'main');
  assert.deepEqual([...run.keys()], ['main', 'plain']);
  assert.deepEqual([...run.get('main').params], [3, 4, 5]);
  assert.deepEqual(run.get('main').progress(), { step: 7, epoch: 2 });
  assert.deepEqual(run.get('plain').progress(), { step: 5, epoch: 1 });
});

test('a snapshot that cannot be rebuilt frees what was built and says why', () => {
  const { engine, freed } = fakeEngine();
  const digits = digitsSource({ pixels: new Uint8Array(0), labels: new Uint8Array(0), count: 0 });
  const good = { config: { name: 'main', n: 2 }, params: Float32Array.of(1, 2), step: 1, epoch: 0 };
  assert.throws(
    () => rebuild(engine, { main: good, plain: { ...good, config: { name: 'plain', bad: 'x' } } }, digits, 'main'),
    /bad config x/,
  );
  assert.deepEqual(freed, ['main']);
  assert.throws(
    () => rebuild(engine, { main: { ...good, params: Float32Array.of(1) } }, digits, 'main'),
    /expected 2 parameters, got 1/,
  );
  assert.deepEqual(freed, ['main', 'main'], 'the trainer whose restore failed is freed too');
  assert.throws(() => rebuild(engine, { plain: good }, digits, 'main'), /No snapshot with a main trainer/);
  assert.throws(() => rebuild(engine, null, digits, 'main'), /No snapshot/);
});

test('thread plan: one per core where isolated, else one thread and why', async () => {
  const { threadPlan, MAX_THREADS } = await import('../../www/worker/engines.js');
  const ok = { isolated: true, cores: 4, threadedBuild: true };
  assert.deepEqual(threadPlan(ok), { count: 4, why: null });
  assert.deepEqual(threadPlan({ ...ok, requested: 2 }), { count: 2, why: null });
  assert.deepEqual(threadPlan({ ...ok, requested: 9 }), { count: 4, why: null }, 'never more than the cores');
  assert.equal(threadPlan({ ...ok, cores: 64 }).count, MAX_THREADS);
  const one = (facts) => {
    const p = threadPlan({ ...ok, ...facts });
    assert.equal(p.count, 1, JSON.stringify(facts));
    assert.match(p.why, /\w/);
    return p.why;
  };
  assert.match(one({ requested: 1 }), /threads=1/);
  assert.match(one({ isolated: false }), /cross-origin isolated/);
  assert.match(one({ cores: 1 }), /one processor core/);
  assert.match(one({ cores: undefined }), /one processor core/);
  assert.match(one({ threadedBuild: false }), /no threaded engine/);
});

test("the lab build: its threaded twin with a pool as large as the engine's, else the single-thread one and why", async () => {
  const { createLab } = await import('../../www/worker/engines.js');
  /** A fake wasm-bindgen module: `pool` threads once initThreadPool(n) ran (or it fails). */
  const fakeModule = (name, { poolFails = false } = {}) => {
    let pool = 1;
    const mod = {
      name,
      crashes: null,
      default: async () => ({ memory: {} }),
      initThreadPool: async (n) => {
        if (poolFails) throw new Error('no blob: workers here');
        pool = n;
      },
      threadCount: () => pool,
      reportCrashesTo: (channel) => {
        mod.crashes = channel;
      },
    };
    return mod;
  };
  const labOf = (threads, { poolFails = false } = {}) => {
    const loads = [];
    const single = fakeModule('single');
    const threaded = fakeModule('threaded', { poolFails });
    const importing = (mod) => async () => {
      loads.push(mod.name);
      return mod;
    };
    const lab = createLab({
      importLab: importing(single),
      threadedLab: { importEngine: importing(threaded), wasmSource: () => 'lab-mt.wasm' },
      plan: () => ({ threads, crashChannel: 'crashes-1' }),
    });
    return { lab, loads };
  };

  const two = labOf({ count: 2, why: null });
  const mod = await two.lab.module();
  assert.equal(mod.name, 'threaded');
  assert.deepEqual(two.loads, ['threaded']);
  assert.equal(mod.threadCount(), 2);
  assert.equal(mod.crashes, 'crashes-1', 'a panic on its pool is reported to the page');
  assert.deepEqual(two.lab.threads(), { count: 2, why: null });

  const one = { count: 1, why: 'threads=1 in the link' };
  const single = labOf(one);
  assert.equal((await single.lab.module()).name, 'single');
  assert.deepEqual(single.loads, ['single'], 'the threaded build is not fetched');
  assert.deepEqual(single.lab.threads(), one);

  const failing = labOf({ count: 2, why: null }, { poolFails: true });
  assert.equal((await failing.lab.module()).name, 'single');
  assert.deepEqual(failing.loads, ['threaded', 'single']);
  assert.deepEqual(failing.lab.threads(), {
    count: 1,
    why: "the lab engine's threads could not start (no blob: workers here)",
  });
});

test('the status line while training names the threads, and why when one', async () => {
  const { trainingText } = await import('../../www/app/run-controls.js');
  assert.equal(trainingText({ count: 2, why: null }), 'Training (2 threads)…');
  assert.equal(trainingText({ count: 1, why: 'threads=1 in the link' }), 'Training (1 thread: threads=1 in the link)…');
});
