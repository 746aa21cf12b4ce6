// The training worker: owns the wasm module, the digits and the Trainers, and
// trains in time slices so the page's main thread never waits on it.
//
// Protocol (see trainer-client.js for the other side):
//   request  { id, cmd, args }            -> reply { id, ok: true, value } | { id, ok: false, error }
//   event    { event: 'stats', run, ... } while training, once per slice (~15 ms)
//   event    { event: 'halted', run, reason, message, trainer } when training stops by itself
// Images travel as Float32Array buffers, transferred (not copied) both ways.
//
// A run holds one or more named Trainers: 'main', plus any companions a lesson
// trains beside it (e.g. 'plain', to compare with). They are built together by
// `create`, trained together (one step each, in turn) and replaced together.
// `call` runs any public method of a run's Trainer by name, so a new wasm
// method needs no change here.

const SLICE_MS = 15;
const WASM_URL = new URL('./pkg/autoencoder_playground.js', import.meta.url);
const DATA_URL = new URL('./data/mnist.bin', import.meta.url);
const PIXELS = 784;
const MAIN = 'main';
/** Trainer methods `call` may not run: lifecycle, and `step` (training goes through play/step so stats events stay whole). */
const NOT_CALLABLE = new Set(['constructor', 'free', 'step']);

let wasm = null; // the wasm-bindgen module
let digits = null; // { pixels: Uint8Array, labels: Uint8Array, count }
let trainers = new Map(); // name -> Trainer; 'main' first
let run = 0; // which trainers the events belong to; bumped by every `create`
let running = false;

// A MessageChannel yields to queued requests between slices without setTimeout's 4 ms clamp.
const tick = new MessageChannel();
tick.port1.onmessage = slice;

const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/** A value and the buffers to transfer with it. */
const withTransfer = (value, transfer) => ({ value, transfer });

/** A typed array whose buffer we may transfer: it must own its whole buffer (never a view of wasm memory). */
function own(arr) {
  return arr.byteOffset === 0 && arr.byteLength === arr.buffer.byteLength ? arr : arr.slice();
}

/**
 * A result made safe to transfer: typed arrays (at the top, or as values of a
 * plain object or array) are replaced by copies that own their buffers.
 */
function transferable(value) {
  const transfer = [];
  const fix = (v) => {
    if (!ArrayBuffer.isView(v) || v instanceof DataView) return v;
    const o = own(v);
    if (!transfer.includes(o.buffer)) transfer.push(o.buffer);
    return o;
  };
  let out = fix(value);
  if (out === value && Array.isArray(value)) out = value.map(fix);
  else if (out === value && value && Object.getPrototypeOf(value) === Object.prototype) {
    out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fix(v)]));
  }
  return withTransfer(out, transfer);
}

function requireTrainer(name = MAIN) {
  const t = trainers.get(name);
  if (t) return t;
  if (!trainers.size) throw new Error('There is no model yet: its settings were not accepted.');
  throw new Error(`There is no trainer named "${String(name).slice(0, 40)}" in this run.`);
}

async function loadWasm() {
  if (typeof WebAssembly !== 'object') {
    throw new Error('This browser cannot run WebAssembly, which the playground needs. Try a current Chrome, Firefox, Safari or Edge.');
  }
  let mod;
  try {
    mod = await import(WASM_URL.href);
  } catch (err) {
    throw new Error(`The training engine (${WASM_URL.pathname}) could not be loaded: ${messageOf(err)}. `
      + 'If you are running from a checkout, build it with "npm run build:wasm".');
  }
  try {
    await mod.default({ module_or_path: new URL('./pkg/autoencoder_playground_bg.wasm', import.meta.url) });
  } catch (err) {
    throw new Error(`The training engine could not start in this browser: ${messageOf(err)}. `
      + 'It needs WebAssembly SIMD (Chrome 91+, Firefox 89+, Safari 16.4+).');
  }
  mod.start?.(); // the panic hook: a bug prints a readable Rust stack in the console
  return mod;
}

async function loadDigits() {
  let res;
  try {
    res = await fetch(DATA_URL);
  } catch (err) {
    throw new Error(`The digits (${DATA_URL.pathname}) could not be downloaded: ${messageOf(err)}.`);
  }
  if (!res.ok) {
    throw new Error(`The digits (${DATA_URL.pathname}) could not be loaded: the server answered ${res.status} ${res.statusText}. `
      + 'If you are running from a checkout, make them with "npm run data".');
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length === 0 || bytes.length % (PIXELS + 1) !== 0) {
    throw new Error(`The digits file (${DATA_URL.pathname}) is damaged: ${bytes.length} bytes is not a whole number of 28×28 images plus labels.`);
  }
  const count = bytes.length / (PIXELS + 1);
  return { pixels: bytes.subarray(0, count * PIXELS), labels: bytes.subarray(count * PIXELS), count };
}

const handlers = {
  /** Loads the wasm module and the digits. -> { count, defaults } */
  async init() {
    [wasm, digits] = await Promise.all([wasm ?? loadWasm(), digits ?? loadDigits()]);
    return { count: digits.count, defaults: wasm.defaultConfig() };
  },

  /**
   * Builds the run's Trainers from configs (docs/wasm-api.md): `config` is the
   * main one, `companions` ({ name: config }) the ones trained beside it. All
   * are built before any is replaced, so a refused config keeps the old run.
   * -> { run, config, latentSize, trainers: { name: { config, latentSize } } }
   */
  create({ config, companions = {} }) {
    if (!wasm) throw new Error('The training engine is not loaded yet.');
    running = false;
    const configs = [[MAIN, config], ...Object.entries(companions ?? {}).filter(([name]) => name !== MAIN)];
    const next = new Map();
    try {
      for (const [name, cfg] of configs) {
        try {
          next.set(name, new wasm.Trainer(cfg, digits.pixels, digits.labels)); // throws a readable Error on a bad config
        } catch (err) {
          throw new Error(name === MAIN ? messageOf(err) : `(${name} model) ${messageOf(err)}`);
        }
      }
    } catch (err) {
      for (const t of next.values()) t.free();
      throw err;
    }
    for (const t of trainers.values()) t.free();
    trainers = next;
    run += 1;
    const info = {};
    for (const [name, t] of trainers) info[name] = { config: t.config(), latentSize: t.latentSize };
    return { run, config: info[MAIN].config, latentSize: info[MAIN].latentSize, trainers: info };
  },

  /** Starts training in slices; stats events follow. */
  play() {
    requireTrainer();
    if (!running) {
      running = true;
      tick.port2.postMessage(null);
    }
    return { running };
  },

  pause() {
    running = false;
    return { running };
  },

  /** One minibatch for every trainer of the run (only while paused). The stats also go out as a 'stats' event. -> main's step stats */
  step() {
    requireTrainer();
    if (running) return null;
    const t0 = performance.now();
    const logs = newLogs();
    try {
      for (const [name, t] of trainers) record(logs.get(name), t.step(1));
    } finally {
      postStats(logs, t0);
    }
    return logs.get(MAIN).last;
  },

  /**
   * Runs a Trainer method by name: { trainer = 'main', method, args = [] }.
   * Any public method or getter of the wasm Trainer except free and step.
   * Typed arrays in the result are transferred.
   */
  call({ trainer = MAIN, method, args = [] }) {
    const t = requireTrainer(trainer);
    const proto = Object.getPrototypeOf(t);
    const desc = typeof method === 'string' && !method.startsWith('_') && !NOT_CALLABLE.has(method)
      ? Object.getOwnPropertyDescriptor(proto, method) : undefined;
    if (!desc || (typeof desc.value !== 'function' && !desc.get)) {
      throw new Error(`The trainer has no method "${String(method).slice(0, 40)}" that a lesson may call.`);
    }
    const value = desc.get ? desc.get.call(t) : desc.value.apply(t, Array.isArray(args) ? args : [args]);
    return transferable(value);
  },

  /** x: Float32Array n*784 in [0, 1] -> its reconstruction, same shape. */
  reconstruct({ x }) {
    return transferable(requireTrainer().reconstruct(x));
  },

  /** The first n validation digits (fixed by the data split) and their labels. */
  validationImages({ n }) {
    const t = requireTrainer();
    return transferable({ images: t.validationImages(n), labels: t.validationLabels(n) });
  },

  /** Loss and metrics on the validation digits. */
  evaluate() {
    return requireTrainer().evaluate();
  },
};

/** Per trainer: the losses and loss terms of the steps of one slice. */
function newLogs() {
  const logs = new Map();
  for (const name of trainers.keys()) logs.set(name, { losses: [], epochs: [], terms: {}, last: null });
  return logs;
}

function record(log, s) {
  log.last = s;
  log.losses.push(s.batchLoss);
  for (const [k, v] of Object.entries(s.terms ?? {})) (log.terms[k] ??= []).push(v);
  if (s.valLoss != null) log.epochs.push({ epoch: s.epoch, step: s.step, valLoss: s.valLoss });
}

/**
 * One stats event for the slice: the main trainer's numbers at the top level
 * (step, epoch, firstStep, losses, epochs, terms, samplesPerSec), and every
 * trainer's, main included, under `trainers[name]`.
 */
function postStats(logs, t0) {
  const per = {};
  for (const [name, log] of logs) {
    if (!log.last) continue;
    per[name] = {
      step: log.last.step,
      epoch: log.last.epoch,
      firstStep: log.last.step - log.losses.length + 1,
      losses: log.losses,
      epochs: log.epochs,
      terms: log.terms,
      samplesPerSec: log.last.samplesPerSec,
    };
  }
  const main = per[MAIN];
  if (!main) return;
  self.postMessage({ event: 'stats', run, running, ...main, trainers: per, sliceMs: performance.now() - t0 });
}

/** Trains every trainer of the run, in turn, for about SLICE_MS; reports, and queues the next slice. */
function slice() {
  if (!running || !trainers.size) return;
  const t0 = performance.now();
  const logs = newLogs();
  let stopped = null;
  let current = MAIN;
  try {
    do {
      for (const [name, t] of trainers) {
        current = name;
        const s = t.step(1);
        record(logs.get(name), s);
        if (s.stopped && !stopped) stopped = { trainer: name, message: String(s.stopped) };
      }
    } while (!stopped && performance.now() - t0 < SLICE_MS);
  } catch (err) {
    // Divergence (NaN/inf loss): the Trainer keeps the last good weights.
    running = false;
    postStats(logs, t0);
    const who = current === MAIN ? '' : `(${current} model) `;
    self.postMessage({ event: 'halted', run, reason: 'error', trainer: current, message: who + messageOf(err) });
    return;
  }
  if (stopped) running = false;
  postStats(logs, t0);
  if (stopped) self.postMessage({ event: 'halted', run, reason: 'stopped', ...stopped });
  else tick.port2.postMessage(null);
}

self.onmessage = async ({ data }) => {
  const { id, cmd, args } = data ?? {};
  try {
    if (!Object.hasOwn(handlers, cmd)) throw new Error(`unknown command ${cmd}`);
    const out = await handlers[cmd](args ?? {});
    const { value, transfer } = out && out.transfer ? out : { value: out, transfer: [] };
    self.postMessage({ id, ok: true, value }, transfer);
  } catch (err) {
    self.postMessage({ id, ok: false, error: messageOf(err) });
  }
};
