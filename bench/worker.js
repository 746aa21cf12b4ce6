// The benchmark's worker: one job per worker, so every contender starts in a
// fresh Web Worker (a fresh wasm instance and heap), as the app's trainer does.
// A classic worker, so that TensorFlow.js's UMD bundles load with importScripts;
// this project's wasm module is loaded with a dynamic import().
//
//   request  { cmd, args }   -> reply { ok: true, value } | { ok: false, error }
//   progress { progress: string } while a job runs
//
// Jobs:
//   info        {}                                   -> { ourWasm, hardwareConcurrency, crossOriginIsolated }
//   throughput  { contender, model (its name), encoder: number[], latent, batch, lr, windows, windowMs, warmupMs }
//               contender: 'ours' | 'ours-mt' (threaded build) | 'tfjs-wasm' | 'tfjs-cpu'
//               -> { windowsMs: number[] (ms per step, one per window), steps, threads?, backend?,
//                    evaluation? (ours: { rows, perStep }, the epoch-end validation passes it made) }
//   denseFloor  { encoder, latent, batch, evaluationRows?, windows, windowMs, warmupMs }
//               the matrix products of one dense step by mirror pair, timed on the lab build's Roofline kernel
//               -> { shapes: [{ layer, dims, products, splits, windowsMs (ms per Roofline run), flopsPerRun }] }
//   validation  { n, config }                        -> Float32Array n*784 (our Trainer's validation digits)
//   quality     { contender: 'ours' | 'tfjs-wasm', config, seconds, evalEveryMs, threshold, val? }
//               -> { points: [{ t, step, mse }], thresholdSeconds: number|null, steps, wallSeconds }
//   convThroughput { contender: 'ours' | 'ours-mt' | 'tfjs-wasm', conv, latent, batch, lr, loss, windows, windowMs, warmupMs }
//               the conv autoencoder (ours: the lab build) -> { windowsMs, steps, params, threads?, backend?, evaluation? }
//   convFloor   { conv, latent, batch, evaluationRows?, windows, windowMs, warmupMs }
//               the matrix products of one conv step, timed on the lab build's Roofline kernel
//               -> { shapes: [{ layer, dims, products, splits, windowsMs (ms per Roofline run), flopsPerRun }] }
//   kernelAt    { dims: [c, a, b], startAt, windowMs }
//               the lab build's Roofline([a, b], c) run over and over: warmed up until the clock
//               (performance.timeOrigin + performance.now(), the same in every worker) reaches
//               startAt, then counted for windowMs -> { runs, ms, from, to (the window on that clock) }
//   kernelSplit { dims: [c, a, b], windowMs, warmupMs }
//               the same on the threaded lab build, each product split across its pool (one
//               thread per core) as the trainer splits it -> { runs, ms, threads }
//   convQuality { config, seconds, evalEveryMs }  (our lab build, conv or dense)
//               -> { points: [{ mark, t, step, bce, mse, ssim }], steps, params, wallSeconds }

const PIXELS = 784;
const BASE = new URL('../', self.location.href); // the repository root as served
const TFJS = new URL('node_modules/@tensorflow/tfjs/dist/tf.min.js', BASE).href;
const TFJS_WASM = new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js', BASE).href;
const TFJS_WASM_DIR = new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/', BASE).href;
const OUR_MODULE = new URL('www/pkg/autoencoder_playground.js', BASE).href;
const OUR_WASM = new URL('www/pkg/autoencoder_playground_bg.wasm', BASE).href;
// The lab build (www/pkg-lab): the roofline kernel and the convolutional models live there.
const LAB_MODULE = new URL('www/pkg-lab/autoencoder_playground.js', BASE).href;
const LAB_WASM = new URL('www/pkg-lab/autoencoder_playground_bg.wasm', BASE).href;
// The threaded twins (www/pkg-mt, www/pkg-lab-mt): contender 'ours-mt', on a pool of one thread per core.
const MT_MODULE = new URL('www/pkg-mt/autoencoder_playground.js', BASE).href;
const MT_WASM = new URL('www/pkg-mt/autoencoder_playground_bg.wasm', BASE).href;
const LAB_MT_MODULE = new URL('www/pkg-lab-mt/autoencoder_playground.js', BASE).href;
const LAB_MT_WASM = new URL('www/pkg-lab-mt/autoencoder_playground_bg.wasm', BASE).href;
const DATA = new URL('www/data/mnist.bin', BASE).href;

const progress = (text) => self.postMessage({ progress: text });

// ------------------------------------------------------------------ loading

let ours = null;
async function loadOurs() {
  if (!ours) {
    ours = await import(OUR_MODULE);
    await ours.default({ module_or_path: OUR_WASM });
  }
  return ours;
}

let lab = null;
async function loadLab() {
  if (!lab) {
    lab = await import(LAB_MODULE);
    await lab.default({ module_or_path: LAB_WASM });
  }
  return lab;
}

/** A threaded build (the lab one for conv models), its pool started with one thread per core. */
async function loadThreaded(withLab, threads = self.navigator.hardwareConcurrency) {
  if (!self.crossOriginIsolated) throw new Error('ours-mt needs a cross-origin isolated page (SharedArrayBuffer)');
  const m = await import(withLab ? LAB_MT_MODULE : MT_MODULE);
  await m.default({ module_or_path: withLab ? LAB_MT_WASM : MT_WASM });
  await m.initThreadPool(threads);
  return m;
}

let digits = null;
async function loadDigits() {
  if (!digits) {
    const res = await fetch(DATA);
    if (!res.ok) throw new Error(`${DATA}: ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const count = bytes.length / (PIXELS + 1);
    digits = { pixels: bytes.subarray(0, count * PIXELS), labels: bytes.subarray(count * PIXELS), count };
  }
  return digits;
}

/** TensorFlow.js on the given backend ('wasm' | 'cpu'). -> { tf, backend: {...facts} } */
async function loadTf(backend) {
  importScripts(TFJS);
  if (backend === 'wasm') {
    importScripts(TFJS_WASM);
    self.tf.wasm.setWasmPaths(TFJS_WASM_DIR); // served from node_modules, never a CDN
    // Where the page is isolated tfjs-wasm runs threaded, on half the cores: its backend.cc caps the threads at
    // navigator.hardwareConcurrency / 2, whatever setThreadsCount asks (one thread on a 2-core machine). Ours
    // uses every core, so tfjs-wasm is told of twice the cores while its module starts, and asked for one
    // thread per real core (facts.threads reports what it took).
    if (self.crossOriginIsolated) {
      const cores = self.navigator.hardwareConcurrency;
      Object.defineProperty(self.navigator, 'hardwareConcurrency', { get: () => 2 * cores, configurable: true });
      self.tf.wasm.setThreadsCount(cores);
    }
  }
  const tf = self.tf;
  try {
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not initialise`);
    await tf.ready();
  } finally {
    delete self.navigator.hardwareConcurrency; // the real count again (the prototype's)
  }
  const facts = { name: tf.getBackend(), version: tf.version.tfjs };
  if (backend === 'wasm') {
    facts.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    facts.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    facts.threads = tf.wasm.getThreadsCount?.() ?? null;
    facts.wasmFiles = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((n) => n.endsWith('.wasm'));
  }
  return { tf, facts };
}

// ------------------------------------------------------------------ timing

function _percentile(sorted, q) {
  return sorted[Math.round((sorted.length - 1) * q)];
}

/**
 * One turn of the worker's event loop (a message to itself, without
 * setTimeout's clamp), as the app's trainer takes between its slices.
 */
function turn() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Calls `step()` (one training step) for warmupMs (and at least 3 times), then
 * for `windows` windows of at least windowMs each. The worker's event loop
 * turns before the warm-up and between windows (off the clock), as the app's
 * trainer yields between its slices: in Chromium a worker that ran our kernel
 * straight after loading the module, never yielding (`kernelAt` before it
 * turned), stayed 2-3× slower (17 runs/s at 128×784×256 against 35-45 with one
 * turn). The trainers' and floors' jobs, which fetch the digits first, were
 * not affected: same ms with and without these turns.
 * -> { windowsMs, steps }
 */
async function timeSteps(step, { windows, windowMs, warmupMs }, label) {
  await turn();
  const w0 = performance.now();
  for (let i = 0; i < 3 || performance.now() - w0 < warmupMs; i++) step();
  const windowsMs = [];
  let steps = 0;
  for (let w = 0; w < windows; w++) {
    await turn();
    const start = performance.now();
    let n = 0;
    let now = start;
    do {
      step();
      n++;
      now = performance.now();
    } while (now - start < windowMs);
    windowsMs.push((now - start) / n);
    steps += n;
    progress(`${label}: window ${w + 1}/${windows} ${((now - start) / n).toFixed(3)} ms/step`);
  }
  return { windowsMs, steps };
}

/**
 * The validation passes of a trainer: at each epoch's end it reconstructs the
 * validation digits (src/train/step.rs), whose forward products are part of
 * the steps timed, one pass every epoch's steps (read from its first epoch;
 * 0 if the run ended none).
 * -> { rows (validation digits), perStep (1 / steps an epoch) }
 */
function evaluationsOf(t) {
  const first = t.history().epochs[0];
  return { rows: t.validationLabels(1 << 30).length, perStep: first ? 1 / Number(first.step) : 0 };
}

// ------------------------------------------------------------------ TensorFlow.js model

/** A seeded PRNG (mulberry32) for batch order and tfjs initial weights. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(arr, next) {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [arr[i], arr[j]] = [arr[j], arr[i]];
  }
  return arr;
}

/**
 * The training digits for tfjs as pixel/255: 8,000 digits of the 10,000 that
 * are not among `exclude` (the validation digits, when given), in a seeded order.
 */
async function tfTrainSet(exclude) {
  const { pixels, count } = await loadDigits();
  const skip = new Set();
  if (exclude) {
    for (let i = 0; i < exclude.length / PIXELS; i++) {
      const key = Array.from(exclude.subarray(i * PIXELS, (i + 1) * PIXELS), (v) => Math.round(v * 255)).join(',');
      skip.add(key);
    }
  }
  const keep = [];
  for (let i = 0; i < count && keep.length < count; i++) {
    if (skip.size && skip.has(pixels.subarray(i * PIXELS, (i + 1) * PIXELS).join(','))) continue;
    keep.push(i);
  }
  const order = shuffle(keep, rng(7)).slice(0, 8000);
  const x = new Float32Array(order.length * PIXELS);
  order.forEach((src, r) => {
    for (let p = 0; p < PIXELS; p++) x[r * PIXELS + p] = pixels[src * PIXELS + p] / 255;
  });
  return { x, n: order.length, excluded: count - keep.length };
}

/**
 * The minibatches of `train` for tfjs, reshuffled (seeded) every epoch as ours
 * are. -> nextBatch() -> Float32Array batch*784 (one buffer, refilled each call)
 */
function batchFeeder(train, batch) {
  const buf = new Float32Array(batch * PIXELS);
  const perEpoch = Math.floor(train.n / batch);
  const order = Array.from({ length: train.n }, (_, i) => i);
  const shuf = rng(3);
  let cursor = perEpoch; // reshuffle before the first batch
  return () => {
    if (cursor >= perEpoch) {
      shuffle(order, shuf);
      cursor = 0;
    }
    for (let r = 0; r < batch; r++) {
      const src = order[cursor * batch + r];
      buf.set(train.x.subarray(src * PIXELS, (src + 1) * PIXELS), r * PIXELS);
    }
    cursor++;
    return buf;
  };
}

/**
 * The autoencoder 784-enc..-latent-..enc-784 in TensorFlow.js core ops: fused
 * matMul+bias(+ReLU) per layer, a linear bottleneck, sigmoid output, MSE,
 * Adam (eps 1e-8 as ours). Weights: He-uniform before a ReLU, Xavier-uniform
 * elsewhere, zero biases (the same rule as this project's engine).
 */
function tfModel(tf, { encoder, latent, lr, batch }, train) {
  const enc = [PIXELS, ...encoder, latent];
  const widths = [...enc, ...enc.slice(0, -1).reverse()];
  const latentLayer = enc.length - 2; // index of the layer that outputs the code
  const last = widths.length - 2;
  const next = rng(1);
  const layers = [];
  for (let i = 0; i <= last; i++) {
    const [a, b] = [widths[i], widths[i + 1]];
    const relu = i !== latentLayer && i !== last;
    const lim = relu ? Math.sqrt(6 / a) : Math.sqrt(6 / (a + b));
    const w = new Float32Array(a * b);
    for (let k = 0; k < w.length; k++) w[k] = (2 * next() - 1) * lim;
    layers.push({ w: tf.variable(tf.tensor2d(w, [a, b])), b: tf.variable(tf.zeros([b])), relu });
  }
  const vars = layers.flatMap((l) => [l.w, l.b]);
  const forward = (x) => {
    let h = x;
    for (const l of layers) h = tf.fused.matMul({ a: h, b: l.w, bias: l.b, activation: l.relu ? 'relu' : 'linear' });
    return tf.sigmoid(h);
  };
  const opt = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  const nextBatch = batchFeeder(train, batch);
  let steps = 0;
  /** One training step on the next minibatch; returns the batch loss (read back like ours). */
  const step = () => {
    const buf = nextBatch();
    steps++;
    const cost = tf.tidy(() => {
      const x = tf.tensor2d(buf, [batch, PIXELS]);
      return opt.minimize(() => tf.losses.meanSquaredError(x, forward(x)), true, vars);
    });
    const loss = cost.dataSync()[0];
    cost.dispose();
    return loss;
  };
  /** Mean squared error per pixel on x (Float32Array n*784). */
  const mse = (x) =>
    tf.tidy(() => {
      const t = tf.tensor2d(x, [x.length / PIXELS, PIXELS]);
      return tf.losses.meanSquaredError(t, forward(t)).dataSync()[0];
    });
  return {
    step,
    mse,
    get steps() {
      return steps;
    },
  };
}

// ------------------------------------------------------------------ the conv autoencoder

/**
 * The images of a conv model, the 1×28×28 input first: [{ channels, side }]
 * (zero padding ⌊k/2⌋, as src/config.rs conv_shapes).
 */
function convSides(conv) {
  const shapes = [{ channels: 1, side: 28 }];
  for (const b of conv) {
    const p = Math.floor(b.kernel / 2);
    shapes.push({ channels: b.channels, side: Math.floor((shapes.at(-1).side + 2 * p - b.kernel) / b.stride) + 1 });
  }
  return shapes;
}

/**
 * dLoss/dFilter of a stride-s k×k convolution with zero padding p, from its
 * input x (N×H×W×Ci) and output gradient dy (N×Ho×Wo×Co), as a [k, k, Ci, Co] filter.
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel (tf.conv2d's own
 * gradient throws "Kernel 'Conv2DBackpropFilter' not registered for backend
 * 'wasm'"), and its Conv3DBackpropFilterV2 gives wrong sums for stride 2
 * (off by up to the values' size against a plain loop; right for stride 1).
 * So the sum is one tf.conv2d on its XNNPACK kernel, the usual identity: the
 * batch becomes the channels, dy the filter, the stride the dilation
 * (x as [Ci, H, W, N] ⊛ dy as [Ho, Wo, N, Co], dilation s), cropped to k×k.
 * Checked against a plain loop on both backends at the blog model's shapes (to
 * 1e-6); the blog model's first steps give the same losses on wasm and cpu.
 */
function filterGrad(tf, x, dy, k, s, p) {
  const [, h, w, ci] = x.shape;
  const [, ho, wo, co] = dy.shape;
  // Padding after: enough that the output has k rows and columns (any more are cropped).
  const pb = Math.max(0, k + s * (ho - 1) - h - p);
  const pr = Math.max(0, k + s * (wo - 1) - w - p);
  const pad = [
    [0, 0],
    [p, pb],
    [p, pr],
    [0, 0],
  ];
  const g = tf.conv2d(tf.transpose(x, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, pad, 'NHWC', s);
  return tf.transpose(tf.slice(g, [0, 0, 0, 0], [ci, k, k, co]), [1, 2, 0, 3]);
}

/**
 * The conv autoencoder of model.conv in TensorFlow.js core ops (NHWC), the
 * engine's architecture: Conv2d(k, stride s, zero padding ⌊k/2⌋ each side,
 * bias) + ReLU per block; dense flat → latent (the code, identity), dense
 * latent → flat + ReLU; the blocks mirrored by transposed convolutions, ReLU
 * after each but the last (logits); BCE on the logits (or MSE after a sigmoid);
 * Adam (eps 1e-8). Weights as the engine's: He-uniform before a ReLU (a
 * transposed conv's fan-in C_in·⌈k/s⌉²), Xavier-uniform elsewhere, zero biases.
 *
 * Padding and sizes: PyTorch pads 1 on each side where tfjs's 'same' would pad
 * 0 before and 1 after for a stride-2 3×3 window, so every conv gets explicit
 * padding [[0,0],[p,p],[p,p],[0,0]] (28 → 14 → 7 → 4). A transposed conv is
 * tf.conv2dTranspose with the same explicit padding and the output shape given
 * (the adjoint of that conv), which is PyTorch's ConvTranspose2d(padding p,
 * output_padding 0 for 4 → 7, 1 for 7 → 14 and 14 → 28): the model checks that
 * it ends at 28×28.
 */
function tfConvModel(tf, { conv, latent, lr, batch, loss }, train) {
  const shapes = convSides(conv);
  const last = shapes.at(-1);
  const flat = last.channels * last.side * last.side;
  const next = rng(1);
  const uniform = (shape, lim) => {
    const w = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < w.length; i++) w[i] = (2 * next() - 1) * lim;
    return tf.variable(tf.tensor(w, shape));
  };
  const padding = (p) => [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ];
  // tf.customGrad so that both gradients run on kernels the wasm backend has.
  const convOp = (k, s, p) =>
    tf.customGrad((x, w, save) => {
      save([x, w]);
      return {
        value: tf.conv2d(x, w, s, padding(p)),
        gradFunc: (dy, [x, w]) => [tf.conv2dTranspose(dy, w, x.shape, s, padding(p)), filterGrad(tf, x, dy, k, s, p)],
      };
    });
  const convTOp = (k, s, p, outShape) =>
    tf.customGrad((x, w, save) => {
      save([x, w]);
      return {
        value: tf.conv2dTranspose(x, w, outShape, s, padding(p)),
        gradFunc: (dy, [x, w]) => [tf.conv2d(dy, w, s, padding(p)), filterGrad(tf, dy, x, k, s, p)],
      };
    });
  const enc = conv.map((b, i) => {
    const [ci, co] = [shapes[i].channels, b.channels];
    return {
      op: convOp(b.kernel, b.stride, Math.floor(b.kernel / 2)),
      w: uniform([b.kernel, b.kernel, ci, co], Math.sqrt(6 / (ci * b.kernel ** 2))),
      b: tf.variable(tf.zeros([co])),
    };
  });
  const code = { w: uniform([flat, latent], Math.sqrt(6 / (flat + latent))), b: tf.variable(tf.zeros([latent])) };
  const up = { w: uniform([latent, flat], Math.sqrt(6 / latent)), b: tf.variable(tf.zeros([flat])) };
  const dec = conv
    .map((b, i) => {
      const [ci, co] = [shapes[i + 1].channels, shapes[i].channels]; // grows block i's output back to its input
      const reach = Math.ceil(b.kernel / b.stride) ** 2;
      const lim = i === 0 ? Math.sqrt(6 / ((ci + co) * reach)) : Math.sqrt(6 / (ci * reach));
      const out = [batch, shapes[i].side, shapes[i].side, co];
      return {
        op: convTOp(b.kernel, b.stride, Math.floor(b.kernel / 2), out),
        w: uniform([b.kernel, b.kernel, co, ci], lim),
        b: tf.variable(tf.zeros([co])),
        relu: i > 0,
      };
    })
    .reverse();
  const vars = [...enc, code, up, ...dec].flatMap((l) => [l.w, l.b]);
  const forward = (x) => {
    let h = x.reshape([batch, 28, 28, 1]);
    for (const l of enc) h = tf.relu(tf.add(l.op(h, l.w), l.b));
    h = tf.fused.matMul({ a: h.reshape([batch, flat]), b: code.w, bias: code.b });
    h = tf.fused.matMul({ a: h, b: up.w, bias: up.b, activation: 'relu' });
    h = h.reshape([batch, last.side, last.side, last.channels]);
    for (const l of dec) {
      h = tf.add(l.op(h, l.w), l.b);
      if (l.relu) h = tf.relu(h);
    }
    if (h.shape[1] !== 28 || h.shape[2] !== 28) throw new Error(`tfjs conv model ends at ${h.shape}, not 28×28`);
    return h.reshape([batch, PIXELS]);
  };
  const lossOf = (x, logits) =>
    loss === 'bce' ? tf.losses.sigmoidCrossEntropy(x, logits) : tf.losses.meanSquaredError(x, tf.sigmoid(logits));
  const opt = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  const nextBatch = batchFeeder(train, batch);
  /** One training step on the next minibatch; returns the batch loss (read back like ours). */
  const step = () => {
    const buf = nextBatch();
    const cost = tf.tidy(() => {
      const x = tf.tensor2d(buf, [batch, PIXELS]);
      return opt.minimize(() => lossOf(x, forward(x)), true, vars);
    });
    const value = cost.dataSync()[0];
    cost.dispose();
    return value;
  };
  return { step, params: vars.reduce((n, v) => n + v.size, 0) };
}

/** Digits a slice of a conv model's evaluation (src/model/autoencoder.rs EVAL_ROWS). */
const EVAL_SLICE = 64;

/**
 * The matrix products of one training step of a conv model, grouped by the
 * three sizes they multiply, each group as a Roofline (www/pkg-lab) that runs
 * products of those sizes: Roofline([a, b], c) runs five products of c·a·b
 * multiply-adds each, c×a·a×b (the forward), a×c·c×b, c×b·b×a, b×c·c×a and
 * c×a·a×b, four of which are exactly the conv layer's own three shapes when c
 * is its small channel count, a its C·k² and b its N·P columns. A group's floor
 * is the Roofline's time / 5 × the step's products of those sizes. b above 4096
 * (the Roofline's limit) is split into equal parts, run one after another.
 *
 * With `evaluationRows` V, also the epoch-end evaluation's forward products
 * (`evaluation: true`, counted per evaluation; floorOf scales them by the
 * evaluations per step): the model evaluates in slices of EVAL_SLICE digits,
 * so each block's convolution and its mirror and the two dense products at
 * that batch, V / EVAL_SLICE times.
 * -> [{ layer, dims: [c, a, b], products, splits, evaluation? }]
 */
function convGemmShapes({ conv, latent, batch, evaluationRows }) {
  const shapes = convSides(conv);
  const out = [];
  const split = (cols) => {
    let j = Math.ceil(cols / 4096);
    while (cols % j) j++;
    return j;
  };
  conv.forEach((b, i) => {
    const cols = batch * shapes[i + 1].side ** 2;
    const k2 = b.kernel * b.kernel;
    const j = split(cols);
    // Encoder block i: W (C_out × C_in·k²) · cols (C_in·k² × N·P), dW and dCols (the first block,
    // which sees pixels, has no dCols); its decoder mirror: Wᵀ (C_in·k² × C_out) · x (C_out × N·P)
    // and its two gradients — the same three sizes.
    out.push({
      layer: `conv.${i} + convT.${i}`,
      dims: [b.channels, shapes[i].channels * k2, cols / j],
      products: (i ? 3 : 2) + 3,
      splits: j,
    });
  });
  const last = shapes.at(-1);
  const flat = last.channels * last.side ** 2;
  // Dense code (flat → latent) and back (latent → flat): their six products are the Roofline's five and one more.
  out.push({ layer: 'dense', dims: [batch, flat, latent], products: 6, splits: 1 });
  if (evaluationRows) {
    // A conv model evaluates in slices of EVAL_SLICE digits: every product at that batch, V/EVAL_SLICE times.
    const slices = evaluationRows / EVAL_SLICE;
    conv.forEach((b, i) => {
      const cols = EVAL_SLICE * shapes[i + 1].side ** 2;
      const j = split(cols);
      out.push({
        layer: `conv.${i} + convT.${i}, evaluation`,
        // the convolution's forward and its mirror's
        dims: [b.channels, shapes[i].channels * b.kernel * b.kernel, cols / j],
        products: 2,
        splits: j * slices,
        evaluation: true,
      });
    });
    out.push({
      layer: 'dense, evaluation',
      dims: [EVAL_SLICE, flat, latent],
      products: 2,
      splits: slices,
      evaluation: true,
    });
  }
  return out;
}

/** The two forward products of a dense pair a→b, b→a at V rows, as Roofline shapes of at most 4096 rows. */
function evaluationDense(layer, rows, a, b) {
  const parts = Math.ceil(rows / 4096);
  return { layer, dims: [Math.ceil(rows / parts), a, b], products: 2, splits: parts, evaluation: true };
}

/**
 * The matrix products of one training step of a dense autoencoder
 * 784-e₁-…-latent-…-e₁-784 at `batch` rows, by mirror pair: encoder layer
 * a→b and its decoder mirror b→a multiply the same three sizes, and
 * Roofline([a, b], batch) runs five products of batch·a·b each (the first
 * layer's forward and weight gradient, the mirror's three; see
 * src/roofline.rs). The first pair has five products in the step (the pixels
 * need no gradient); every other pair six. With `evaluationRows` V, also
 * the epoch-end evaluation's two forward products of each pair at V rows
 * (`evaluation: true`, see convGemmShapes).
 * -> [{ layer, dims: [batch, a, b], products, splits, evaluation? }]
 */
function denseGemmShapes({ encoder, latent, batch, evaluationRows }) {
  const widths = [PIXELS, ...encoder, latent];
  const pairs = widths.slice(1).map((b, i) => ({
    layer: `${widths[i]}→${b} + ${b}→${widths[i]}`,
    dims: [batch, widths[i], b],
    products: i ? 6 : 5,
    splits: 1,
  }));
  if (!evaluationRows) return pairs;
  const evaluation = widths
    .slice(1)
    .map((b, i) => evaluationDense(`${pairs[i].layer}, evaluation`, evaluationRows, widths[i], b));
  return [...pairs, ...evaluation];
}

/**
 * Each shape's products timed alone on our kernel (one thread, the lab
 * build's Roofline): a window of Roofline([a, b], c).run(1) calls per shape.
 * -> [{ ...shape, windowsMs, flopsPerRun }]
 */
async function gemmFloor(shapes, args) {
  const m = await loadLab();
  const timing = { windows: args.windows, windowMs: args.windowMs, warmupMs: args.warmupMs };
  const out = [];
  for (const g of shapes) {
    const [c, a, b] = g.dims;
    const roof = new m.Roofline(Uint32Array.of(a, b), c);
    const perRun = roof.flopsPerStep; // five products of 2·c·a·b
    const r = await timeSteps(() => roof.run(1), timing, `floor ${g.layer} ${c}×${a}×${b}`);
    roof.free();
    out.push({ ...g, windowsMs: r.windowsMs, flopsPerRun: perRun });
  }
  return out;
}

// ------------------------------------------------------------------ jobs

/** The clock every worker of the page shares (ms since the epoch, sub-millisecond). */
const sharedClock = () => performance.timeOrigin + performance.now();

/** Our config for a throughput model. */
function ourConfig({ encoder, latent, batch, lr }) {
  return { model: { encoder, latent }, train: { lr, batchSize: batch } };
}

const jobs = {
  /** The kernel alone for a window that starts at a time set by the page (so two workers can run it at once). */
  async kernelAt({ dims, startAt, windowMs }) {
    const m = await loadLab();
    const [c, a, b] = dims;
    const roof = new m.Roofline(Uint32Array.of(a, b), c);
    await turn();
    try {
      do roof.run(1);
      while (sharedClock() < startAt);
      const from = sharedClock();
      const start = performance.now();
      let runs = 0;
      let now = start;
      do {
        roof.run(1);
        runs++;
        now = performance.now();
      } while (now - start < windowMs);
      return { runs, ms: now - start, from, to: from + (now - start) };
    } finally {
      roof.free();
    }
  },

  /** The kernel as the threaded trainer runs it: each product split across the pool. */
  async kernelSplit({ dims, windowMs, warmupMs, threads }) {
    const m = await loadThreaded(true, threads);
    const [c, a, b] = dims;
    const roof = new m.Roofline(Uint32Array.of(a, b), c);
    try {
      const r = await timeSteps(() => roof.runSplit(1), { windows: 1, windowMs, warmupMs }, `split ${c}×${a}×${b}`);
      return { runs: r.steps, ms: r.windowsMs[0] * r.steps, threads: m.threadCount() };
    } finally {
      roof.free();
    }
  },

  async info() {
    const m = await loadOurs();
    return {
      ourDefaults: m.defaultConfig(),
      hardwareConcurrency: self.navigator.hardwareConcurrency,
      crossOriginIsolated: self.crossOriginIsolated,
      userAgent: self.navigator.userAgent,
    };
  },

  async throughput(args) {
    const { contender, model: name, encoder, latent, batch, lr } = args;
    const label = `${contender} ${name} b${batch}`;
    const timing = { windows: args.windows, windowMs: args.windowMs, warmupMs: args.warmupMs };
    if (contender === 'ours' || contender === 'ours-mt') {
      const m = contender === 'ours' ? await loadOurs() : await loadThreaded(false, args.threads);
      const { pixels, labels } = await loadDigits();
      const t = new m.Trainer(ourConfig(args), pixels, labels);
      const r = await timeSteps(() => t.step(1), timing, label); // one step a call, as the app's worker calls it
      const evaluation = evaluationsOf(t);
      t.free();
      return { ...r, threads: m.threadCount(), evaluation };
    }
    if (contender === 'tfjs-wasm' || contender === 'tfjs-cpu') {
      const { tf, facts } = await loadTf(contender === 'tfjs-wasm' ? 'wasm' : 'cpu');
      const train = await tfTrainSet(null);
      const model = tfModel(tf, { encoder, latent, lr, batch }, train);
      model.step(); // the first step creates Adam's moment variables
      const before = tf.memory().numTensors;
      const r = await timeSteps(() => model.step(), timing, label);
      return { ...r, backend: { ...facts, tensorsLeaked: tf.memory().numTensors - before } };
    }
    throw new Error(`unknown contender ${contender}`);
  },

  async convThroughput(args) {
    const { contender, conv, latent, batch, lr, loss } = args;
    const label = `${contender} conv ${conv.map((b) => b.channels).join('-')} latent ${latent} b${batch}`;
    const timing = { windows: args.windows, windowMs: args.windowMs, warmupMs: args.warmupMs };
    if (contender === 'ours' || contender === 'ours-mt') {
      // conv models exist only in the lab build
      const m = contender === 'ours' ? await loadLab() : await loadThreaded(true, args.threads);
      const { pixels, labels } = await loadDigits();
      const config = {
        model: { encoder: [], conv, latent, activation: 'relu' },
        train: { batchSize: batch, lr, optimizer: 'adam', loss, seed: 1 },
      };
      const t = new m.Trainer(config, pixels, labels);
      const params = t.parameters().length;
      const r = await timeSteps(() => t.step(1), timing, label);
      const evaluation = evaluationsOf(t);
      t.free();
      return { ...r, params, threads: m.threadCount(), evaluation };
    }
    if (contender === 'tfjs-wasm') {
      const { tf, facts } = await loadTf('wasm');
      const train = await tfTrainSet(null);
      const model = tfConvModel(tf, { conv, latent, lr, batch, loss }, train);
      model.step(); // the first step creates Adam's moment variables
      const before = tf.memory().numTensors;
      const r = await timeSteps(() => model.step(), timing, label);
      return { ...r, params: model.params, backend: { ...facts, tensorsLeaked: tf.memory().numTensors - before } };
    }
    throw new Error(`unknown contender ${contender}`);
  },

  /** The floor of a conv model's step: convGemmShapes, each timed alone. */
  async convFloor(args) {
    return { shapes: await gemmFloor(convGemmShapes(args), args) };
  },

  /** The floor of a dense model's step: denseGemmShapes, each timed alone. */
  async denseFloor(args) {
    return { shapes: await gemmFloor(denseGemmShapes(args), args) };
  },

  /**
   * Our lab build trains `config` for `seconds` of training time; every
   * evalEveryMs of it, qualitySummary() on the validation digits (off the clock).
   */
  async convQuality({ config, seconds, evalEveryMs }) {
    const m = await loadLab();
    const { pixels, labels } = await loadDigits();
    const t = new m.Trainer(config, pixels, labels);
    const params = t.parameters().length;
    let steps = 0;
    const evaluate = (mark, trained) => {
      const q = t.qualitySummary();
      return { mark, t: trained / 1000, step: steps, bce: q.bce, mse: q.mse, ssim: q.ssim };
    };
    const wall0 = performance.now();
    const points = [evaluate(0, 0)];
    let trained = 0;
    for (let mark = evalEveryMs; mark <= seconds * 1000 + 1e-6; mark += evalEveryMs) {
      const start = performance.now();
      while (trained + (performance.now() - start) < mark) {
        t.step(1);
        steps++;
      }
      trained += performance.now() - start;
      points.push(evaluate(mark / 1000, trained));
      await turn(); // off the clock, as the app yields between slices (see timeSteps)
      if (points.length % 5 === 1)
        progress(
          `${config.model.conv ? 'conv' : 'dense'}: ${(trained / 1000).toFixed(0)} s, val BCE ${points.at(-1).bce.toFixed(4)}`,
        );
    }
    t.free();
    return { points, steps, params, wallSeconds: (performance.now() - wall0) / 1000 };
  },

  async validation({ n, config }) {
    const m = await loadOurs();
    const { pixels, labels } = await loadDigits();
    const t = new m.Trainer(config, pixels, labels);
    const images = t.validationImages(n).slice();
    t.free();
    return images;
  },

  /**
   * Trains for `seconds` of training time (evaluation excluded from the clock),
   * evaluating validation MSE every evalEveryMs of training time.
   */
  async quality(args) {
    const { contender, config, seconds, evalEveryMs, threshold } = args;
    let step;
    let evaluate;
    let count;
    let facts = null;
    if (contender === 'ours') {
      const m = await loadOurs();
      const { pixels, labels } = await loadDigits();
      const t = new m.Trainer(config, pixels, labels);
      let n = 0;
      step = () => {
        t.step(1);
        n++;
      };
      evaluate = () => t.evaluate().mse;
      count = () => n;
    } else if (contender === 'tfjs-wasm') {
      const loaded = await loadTf('wasm');
      facts = loaded.facts;
      const train = await tfTrainSet(args.val);
      facts.trainDigits = train.n;
      facts.validationExcluded = train.excluded;
      const model = tfModel(
        loaded.tf,
        {
          encoder: config.model.encoder,
          latent: config.model.latent,
          lr: config.train.lr,
          batch: config.train.batchSize,
        },
        train,
      );
      step = () => model.step();
      evaluate = () => model.mse(args.val);
      count = () => model.steps;
    } else throw new Error(`unknown contender ${contender}`);

    const wall0 = performance.now();
    const points = [{ mark: 0, t: 0, step: 0, mse: evaluate() }];
    let thresholdSeconds = points[0].mse < threshold ? 0 : null;
    let trained = 0; // ms of training time
    for (let mark = evalEveryMs; mark <= seconds * 1000 + 1e-6; mark += evalEveryMs) {
      const start = performance.now();
      while (trained + (performance.now() - start) < mark) step();
      trained += performance.now() - start;
      const mse = evaluate();
      await turn(); // off the clock, as the app yields between slices (see timeSteps)
      points.push({ mark: mark / 1000, t: trained / 1000, step: count(), mse });
      if (thresholdSeconds == null && mse < threshold) thresholdSeconds = trained / 1000;
      if (points.length % 4 === 1)
        progress(
          `${contender} latent ${config.model.latent}: ${(trained / 1000).toFixed(1)} s, val MSE ${mse.toFixed(4)}`,
        );
    }
    return {
      points,
      thresholdSeconds,
      steps: count(),
      wallSeconds: (performance.now() - wall0) / 1000,
      backend: facts,
    };
  },
};

self.onmessage = async ({ data }) => {
  const { cmd, args } = data ?? {};
  try {
    if (!Object.hasOwn(jobs, cmd)) throw new Error(`unknown job ${cmd}`);
    const value = await jobs[cmd](args ?? {});
    self.postMessage({ ok: true, value }, value instanceof Float32Array ? [value.buffer] : []);
  } catch (err) {
    self.postMessage({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
  }
};
