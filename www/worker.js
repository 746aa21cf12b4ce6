// The training worker: owns the wasm module, the digits and the Trainer, and
// trains in time slices so the page's main thread never waits on it.
//
// Protocol (see trainer-client.js for the other side):
//   request  { id, cmd, args }            -> reply { id, ok: true, value } | { id, ok: false, error }
//   event    { event: 'stats', run, ... } while training, once per slice (~15 ms)
//   event    { event: 'halted', run, reason, message } when training stops by itself
// Images travel as Float32Array buffers, transferred (not copied) both ways.

const SLICE_MS = 15;
const WASM_URL = new URL('./pkg/autoencoder_playground.js', import.meta.url);
const DATA_URL = new URL('./data/mnist.bin', import.meta.url);
const PIXELS = 784;

let wasm = null; // the wasm-bindgen module
let digits = null; // { pixels: Uint8Array, labels: Uint8Array, count }
let trainer = null;
let run = 0; // which trainer the events belong to; bumped by every `create`
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

function requireTrainer() {
  if (!trainer) throw new Error('There is no model yet: its settings were not accepted.');
  return trainer;
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

  /** Builds a Trainer from a config (docs/wasm-api.md); the old one is kept if the new one fails. */
  create({ config }) {
    if (!wasm) throw new Error('The training engine is not loaded yet.');
    running = false;
    const next = new wasm.Trainer(config, digits.pixels, digits.labels); // throws a readable Error on a bad config
    trainer?.free();
    trainer = next;
    run += 1;
    return { run, config: trainer.config(), latentSize: trainer.latentSize };
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

  /** One minibatch (only while paused). Its stats also go out as a 'stats' event. */
  step() {
    const t = requireTrainer();
    if (running) return null;
    const t0 = performance.now();
    const s = t.step(1);
    postStats(s, [s.batchLoss], s.valLoss != null ? [{ epoch: s.epoch, step: s.step, valLoss: s.valLoss }] : [], t0);
    return s;
  },

  /** x: Float32Array n*784 in [0, 1] -> its reconstruction, same shape. */
  reconstruct({ x }) {
    const y = own(requireTrainer().reconstruct(x));
    return withTransfer(y, [y.buffer]);
  },

  /** The first n validation digits (fixed by the data split) and their labels. */
  validationImages({ n }) {
    const t = requireTrainer();
    const images = own(t.validationImages(n));
    const labels = t.validationLabels(n);
    return withTransfer({ images, labels }, [images.buffer]);
  },

  /** Loss and metrics on the validation digits. */
  evaluate() {
    return requireTrainer().evaluate();
  },
};

function postStats(s, losses, epochs, t0) {
  self.postMessage({
    event: 'stats',
    run,
    running,
    step: s.step,
    epoch: s.epoch,
    firstStep: s.step - losses.length + 1,
    losses,
    epochs,
    samplesPerSec: s.samplesPerSec,
    sliceMs: performance.now() - t0,
  });
}

/** Trains for about SLICE_MS, reports, and queues the next slice. */
function slice() {
  if (!running || !trainer) return;
  const t0 = performance.now();
  const losses = [];
  const epochs = [];
  let s = null;
  try {
    do {
      s = trainer.step(1);
      losses.push(s.batchLoss);
      if (s.valLoss != null) epochs.push({ epoch: s.epoch, step: s.step, valLoss: s.valLoss });
    } while (!s.stopped && performance.now() - t0 < SLICE_MS);
  } catch (err) {
    // Divergence (NaN/inf loss): the Trainer keeps the last good weights.
    running = false;
    if (s) postStats(s, losses, epochs, t0);
    self.postMessage({ event: 'halted', run, reason: 'error', message: messageOf(err) });
    return;
  }
  if (s.stopped) running = false;
  postStats(s, losses, epochs, t0);
  if (s.stopped) self.postMessage({ event: 'halted', run, reason: 'stopped', message: String(s.stopped) });
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
