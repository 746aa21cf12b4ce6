// The app's parts around the run state (www/app/run-controls.js, recovery.js,
// model-load.js, engine.js) driven against a fake worker client whose replies
// the test holds and releases: what reaches the worker, and which phase the
// page ends in, on the awkward paths (Play while building, refused settings,
// a stale build reply, Reset during recovery, divergence while hidden, a crash
// while switching, a model loaded while training).
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createRunState } from '../../www/app/run-state.js';
import { createEngine } from '../../www/app/engine.js';
import { createRunControls } from '../../www/app/run-controls.js';
import { createRecovery } from '../../www/app/recovery.js';
import { createModelLoad } from '../../www/app/model-load.js';
import { createSnapshots } from '../../www/app/snapshots.js';
import { createStore, defaultState } from '../../www/state/url-state.js';

const deferred = () => {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
/** Lets every reply already released reach its await. */
const settle = () => new Promise((r) => setTimeout(r, 0));

/** The worker client's API; each call is recorded, and answers at once unless the test held it. */
class FakeClient {
  calls = [];
  held = new Map();
  dead = false;
  runs = 0;
  /** The next call of `cmd` waits for the returned deferred. */
  hold(cmd) {
    const d = deferred();
    if (!this.held.has(cmd)) this.held.set(cmd, []);
    this.held.get(cmd).push(d);
    return d;
  }
  info() {
    this.runs += 1;
    return { run: this.runs, trainers: { main: {} } };
  }
  count(cmd) {
    return this.calls.filter((c) => c === cmd).length;
  }
  #call(cmd, value = {}) {
    this.calls.push(cmd);
    const held = this.held.get(cmd)?.shift();
    return held ? held.promise : Promise.resolve(typeof value === 'function' ? value() : value);
  }
  restart() {
    this.calls.push('restart');
  }
  init() {
    return this.#call('init', { threads: { count: 2, why: null } });
  }
  create() {
    return this.#call('create', () => this.info());
  }
  restore() {
    return this.#call('restore', () => this.info());
  }
  adopt() {
    return this.#call('adopt', () => this.info());
  }
  load() {
    return this.#call('load', { config: {} });
  }
  evaluate() {
    return this.#call('evaluate', { valLoss: 0.05 });
  }
  snapshot() {
    return this.#call('snapshot', { main: 'weights' });
  }
  play() {
    return this.#call('play');
  }
  pause() {
    return this.#call('pause');
  }
  step() {
    return this.#call('step');
  }
}

beforeEach(() => {
  globalThis.document = { hidden: false, body: { dataset: {} } };
});

/** The parts app/app.js makes, with a fake client, a fake lesson view and no DOM. */
async function makeApp() {
  const client = new FakeClient();
  const run = createRunState();
  const engine = createEngine({ createClient: () => client });
  engine.start();
  await engine.load();
  const store = createStore(defaultState());
  const status = {
    text: '',
    setRunStatus(text) {
      this.text = text;
    },
    showFatal(message) {
      run.send('fatal');
      this.fatal = message;
    },
    showNotice() {},
  };
  const banner = {
    kind: undefined,
    show(kind, title) {
      this.kind = kind;
      this.title = title;
    },
    hide() {
      this.kind = undefined;
    },
  };
  const view = {
    resets: 0,
    invalids: 0,
    reset(info) {
      this.resets += 1;
      this.info = info;
    },
    invalid() {
      this.invalids += 1;
    },
    stats() {},
    halted() {},
    paused() {},
  };
  const mounted = { lesson: { id: 'reconstruct' }, view, fields: { show() {} } };
  const snapshots = createSnapshots({ save: () => client.snapshot() });
  const configError = { hidden: true, textContent: '' };
  const diverged = [];
  const switches = [];
  const controls = createRunControls({
    ...{ run, engine, store, status, banner, snapshots, mounted, configError },
    onDiverged: (msg) => diverged.push(msg),
    onCrash: (message) => recovery.recover(message),
  });
  const restartSwitch = async () => {
    switches.push(run.phase);
    run.send('switch');
    await engine.ready;
    await controls.buildTrainers();
  };
  const recovery = createRecovery({ run, engine, store, banner, status, snapshots, mounted, controls, restartSwitch });
  const showState = (state) => store.replace(state);
  const switchLesson = async () => false;
  const modelLoad = createModelLoad({
    run,
    engine,
    banner,
    status,
    snapshots,
    mounted,
    controls,
    showState,
    switchLesson,
  });
  return { client, run, engine, status, banner, view, configError, controls, recovery, modelLoad, diverged, switches };
}

/** An app whose first trainers are built (ready), as after boot. */
async function bootedApp() {
  const app = await makeApp();
  await app.controls.build();
  assert.equal(app.run.phase, 'ready');
  return app;
}

test('Play while building: nothing reaches the worker until the trainers exist, then it plays', async () => {
  const app = await bootedApp();
  const create = app.client.hold('create');
  app.controls.reset();
  assert.equal(app.run.phase, 'building');
  await app.controls.play();
  assert.equal(app.client.count('play'), 0);
  create.resolve(app.client.info());
  await settle();
  assert.equal(app.run.phase, 'training');
  assert.equal(app.client.count('play'), 1);
  assert.equal(app.status.text, 'Training (2 threads)…', 'the thread count the worker reported');
});

test('settings refused, then fixed: invalid with the Trainer’s sentence, then ready and the sentence gone', async () => {
  const app = await bootedApp();
  const refused = app.client.hold('create');
  const building = app.controls.rebuild({ resume: true });
  refused.reject(new Error('latent must be at least 1'));
  await building;
  assert.equal(app.run.phase, 'invalid');
  assert.equal(app.configError.hidden, false);
  assert.match(app.configError.textContent, /cannot be trained: latent must be at least 1/);
  assert.equal(app.view.invalids, 1);
  await app.controls.play();
  await app.controls.step();
  assert.equal(app.client.count('play') + app.client.count('step'), 0, 'nothing to train');
  await app.controls.rebuild({ resume: true });
  assert.equal(app.run.phase, 'ready');
  assert.equal(app.configError.hidden, true);
});

test('a build reply that lost the race to a newer build is dropped', async () => {
  const app = await bootedApp();
  const first = app.client.hold('create');
  const second = app.client.hold('create');
  const resets = app.view.resets;
  app.controls.rebuild({ resume: false });
  app.controls.rebuild({ resume: false });
  second.resolve(app.client.info());
  await settle();
  assert.equal(app.run.phase, 'ready');
  const { run } = app.controls.current;
  first.resolve(app.client.info());
  await settle();
  assert.equal(app.controls.current.run, run, 'the older reply did not become the run');
  assert.equal(app.view.resets, resets + 1);
});

test('Reset during recovery is ignored; the recovery restores the snapshot and trains on', async () => {
  const app = await bootedApp();
  await app.controls.play();
  await app.controls.pause(); // a snapshot is taken at the pause
  await settle();
  await app.controls.play();
  const init = app.client.hold('init');
  const recovering = app.recovery.recover('The training engine crashed: unreachable');
  assert.equal(app.run.phase, 'recovering');
  assert.equal(document.body.dataset.recovered, 'pending');
  const creates = app.client.count('create');
  app.controls.reset();
  assert.equal(app.client.count('create'), creates, 'no trainers built under the recovery');
  init.resolve({});
  await recovering;
  assert.equal(app.client.count('restore'), 1);
  assert.equal(document.body.dataset.recovered, 'true');
  assert.equal(app.run.phase, 'training', 'it was training, so it trains again');
});

test('divergence while the tab is hidden: diverged, and the tab coming back does not play', async () => {
  const app = await bootedApp();
  await app.controls.play();
  document.hidden = true;
  app.controls.onVisibilityChange();
  assert.equal(app.run.phase, 'hidden');
  assert.equal(app.client.count('pause'), 1);
  await settle();
  assert.equal(app.status.text, 'Paused while this tab is hidden.');
  app.controls.onHalted({ reason: 'diverged', run: app.controls.current.run, trainer: 'main' });
  assert.equal(app.run.phase, 'diverged');
  assert.equal(app.diverged.length, 1);
  document.hidden = false;
  app.controls.onVisibilityChange();
  await settle();
  assert.equal(app.run.phase, 'diverged');
  assert.equal(app.client.count('play'), 1, 'only the first Play');
});

test('a hidden tab: Play waits for it, and it trains once visible', async () => {
  const app = await bootedApp();
  document.hidden = true;
  await app.controls.play();
  assert.equal(app.run.phase, 'hidden');
  assert.equal(app.client.count('play'), 0);
  document.hidden = false;
  app.controls.onVisibilityChange();
  await settle();
  assert.equal(app.run.phase, 'training');
  assert.equal(app.client.count('play'), 1);
});

test('a crash while switching lessons restarts the worker, then starts the switch over', async () => {
  const app = await bootedApp();
  app.run.send('switch');
  await app.recovery.recover('The training engine crashed: out of memory');
  assert.deepEqual(app.switches, ['recovering']);
  assert.equal(app.client.count('restart'), 1);
  assert.ok(app.client.calls.lastIndexOf('init') < app.client.calls.lastIndexOf('create'), 'built on the new worker');
  assert.equal(app.run.phase, 'ready');
  assert.equal(document.body.dataset.recovered, 'true');
});

test('a crash before the engine ever loaded is fatal, not recovered', async () => {
  const app = await makeApp();
  const fresh = createEngine({ createClient: () => app.client });
  assert.equal(fresh.loadedOnce, false);
  const run = createRunState();
  const status = {
    showFatal(message) {
      run.send('fatal');
      this.fatal = message;
    },
  };
  const recovery = createRecovery({ run, engine: fresh, status, mounted: { lesson: null } });
  await recovery.recover('no engine');
  assert.equal(run.phase, 'error');
  assert.equal(status.fatal, 'no engine');
});

test('a model loaded while training: training stops first; a file that fails goes back to training', async () => {
  const app = await bootedApp();
  await app.controls.play();
  const read = app.client.hold('load');
  const loading = app.modelLoad.loadModel(new Uint8Array(4), 'bad.safetensors');
  assert.equal(app.run.phase, 'loading');
  assert.equal(app.client.count('pause'), 1, 'the worker was paused');
  await app.controls.play();
  assert.equal(app.client.count('play'), 1, 'Play waits for the file');
  await settle();
  read.reject(new Error('not a model of this playground.'));
  await loading;
  assert.equal(app.banner.kind, 'load-error');
  assert.equal(app.run.phase, 'training');
  assert.equal(app.client.count('play'), 2);
});

test('a model loaded into the same lesson becomes the run, paused, with its step', async () => {
  const app = await bootedApp();
  const resets = app.view.resets;
  // A plain autoencoder's file (an empty config here): the current lesson keeps it.
  await app.modelLoad.loadModel(new Uint8Array(4), 'good.safetensors');
  assert.equal(app.run.phase, 'paused');
  assert.equal(app.client.count('adopt'), 1);
  assert.equal(app.view.resets, resets + 1);
  assert.equal(app.client.count('evaluate'), 1, 'a file without a summary: its validation loss is asked for');
  assert.equal(app.view.info.valLoss, 0.05, 'the view starts from the validation loss');
  assert.equal(app.banner.kind, 'info');
  assert.equal(app.status.text, 'Loaded. Press Play to train on, or Step for one minibatch.');
});
