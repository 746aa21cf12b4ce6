// The benchmark page: runs each job in a fresh Web Worker (bench/worker.js),
// one after another, and shows the results. `npm run bench` (bench/run.mjs)
// drives it through window.bench; the Run button does the same by hand.

import { PoolWorkers } from '../www/worker/pool-workers.js';
import { evaluationsPerStep, floorOf } from './floor.js';
import { matchDense } from '../www/lessons/conv/shapes.js';
import { defaultState, toTrainerConfig } from '../www/state/url-state.js';

/**
 * Dense models timed (issues 4 and 18): the two of issue 4 against every contender, and more shapes
 * a user might type (small, wide, deep; batches 32 to 256) against tfjs-wasm only (tfjs-cpu takes
 * seconds a step on the wide one). Each is also timed as its floor (denseFloor).
 */
export const MODELS = [
  { encoder: [256], latent: 64, batch: 128 },
  { encoder: [128], latent: 32, batch: 64 },
  { encoder: [64], latent: 16, batch: 32, contenders: ['ours', 'ours-mt', 'tfjs-wasm'] },
  { encoder: [512], latent: 128, batch: 256, contenders: ['ours', 'ours-mt', 'tfjs-wasm'] },
  { encoder: [256, 64], latent: 32, batch: 64, contenders: ['ours', 'ours-mt', 'tfjs-wasm'] },
  { encoder: [512, 256, 128], latent: 32, batch: 128, contenders: ['ours', 'ours-mt', 'tfjs-wasm'] },
];
export const CONTENDERS = ['ours', 'ours-mt', 'tfjs-wasm', 'tfjs-cpu'];

/** A dense model's name: 784-256-64-256-784. */
export const denseName = ({ encoder, latent }) =>
  `784-${[...encoder, latent, ...[...encoder].reverse()].join('-')}-784`;
const LR = 1e-3;

/** The conv blocks of issue 16: the blog-shaped model, and the small preset. */
const BLOG_CONV = [
  { channels: 16, kernel: 3, stride: 2 },
  { channels: 8, kernel: 3, stride: 2 },
  { channels: 8, kernel: 3, stride: 2 },
];
const SMALL_CONV = [
  { channels: 8, kernel: 3, stride: 2 },
  { channels: 8, kernel: 3, stride: 2 },
];

/** Conv autoencoders timed (issue 16): ours (lab build), tfjs-wasm, and the matrix-product floor. */
export const CONV_MODELS = [
  { name: 'blog', conv: BLOG_CONV, latent: 32, batch: 64 },
  { name: 'small', conv: SMALL_CONV, latent: 16, batch: 32 },
  { name: 'small', conv: SMALL_CONV, latent: 16, batch: 128 },
];
export const CONV_CONTENDERS = ['ours', 'ours-mt', 'tfjs-wasm'];
const CONV_LR = 0.005;

/** Timing and quality settings; `quick` is for trying the page by hand. */
export const SETTINGS = {
  full: {
    windows: 5,
    windowMs: 2000,
    warmupMs: 1000,
    evalEveryMs: 500,
    seconds: 10,
    latent2Seconds: 30,
    floorWindowMs: 500,
    convSeconds: 60,
    convEvalEveryMs: 2000,
  },
  quick: {
    windows: 2,
    windowMs: 1000,
    warmupMs: 300,
    evalEveryMs: 500,
    seconds: 3,
    latent2Seconds: 5,
    floorWindowMs: 200,
    convSeconds: 8,
    convEvalEveryMs: 1000,
  },
};

/** The thresholds of the time-to-quality runs: PCA at k=32 on these digits, and the latent-2 target. */
export const THRESHOLDS = { default: 0.0167, latent2: 0.04 };

const logBox = document.getElementById('log');

function say(text) {
  console.log(`[bench] ${text}`);
  logBox.textContent += `${text}\n`;
  logBox.scrollTop = logBox.scrollHeight;
}

/** Runs one job in a fresh worker and terminates it. */
export function job(cmd, args = {}) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    const pool = new PoolWorkers(); // a threaded build's pool threads (www/worker/pool-workers.js)
    const end = () => {
      worker.terminate();
      pool.terminate();
    };
    worker.onmessage = ({ data }) => {
      if (pool.handle(data)) return;
      if (data.progress) {
        say(data.progress);
        return;
      }
      end();
      if (data.ok) resolve(data.value);
      else reject(new Error(`${cmd}: ${data.error}`));
    };
    worker.onerror = (e) => {
      end();
      reject(new Error(`${cmd}: worker error ${e.message}`));
    };
    worker.postMessage({ cmd, args });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.round((xs.length - 1) * 0.5)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.round((xs.length - 1) * 0.9)];

/** The app's default trainer config (www/state/url-state.js), optionally with another latent size. */
export function appConfig(latent = null) {
  const cfg = toTrainerConfig(defaultState());
  if (latent != null) cfg.model.latent = latent;
  return cfg;
}

/**
 * Step timing for every model and contender, and the floor of its matrix
 * products. The load of a shared machine drifts, so the contenders alternate
 * as in convThroughput: `settings.windows` rounds, each running every
 * contender for one window in a fresh worker (the order reversed every other
 * round) and then the floor; a row's ms is the median over the rounds, and
 * `windowsMs` keeps each round's ms so ratios can be taken round by round.
 * -> [{ model, batch, rows: [{ contender, medianMs, p90Ms, windowsMs, steps, threads?, backend? }], floor }]
 */
export async function throughput(settings, { models = MODELS, contenders = CONTENDERS } = {}) {
  const out = [];
  for (const m of models) {
    const model = denseName(m);
    const mine = m.contenders ? contenders.filter((c) => m.contenders.includes(c)) : contenders;
    const runs = Object.fromEntries(mine.map((c) => [c, []]));
    const floorRuns = [];
    const shape = { encoder: m.encoder, latent: m.latent, batch: m.batch };
    for (let round = 0; round < settings.windows; round++) {
      const order = round % 2 ? [...mine].reverse() : mine;
      say(`throughput ${model} b${m.batch}, round ${round + 1}/${settings.windows}: ${order.join(', ')}, floor`);
      for (const contender of order) {
        runs[contender].push(
          await job('throughput', {
            contender,
            model,
            ...shape,
            lr: LR,
            windows: 1,
            windowMs: settings.windowMs,
            warmupMs: settings.warmupMs,
          }),
        );
      }
      const evaluationRows = runs.ours?.at(-1)?.evaluation?.rows;
      floorRuns.push(await job('denseFloor', { ...shape, evaluationRows, ...floorTiming(settings) }));
    }
    const rows = mine.map((contender) => {
      const windowsMs = runs[contender].map((r) => r.windowsMs[0]);
      const { threads, backend } = runs[contender].at(-1);
      return {
        contender,
        medianMs: median(windowsMs),
        p90Ms: p90(windowsMs),
        windowsMs,
        steps: runs[contender].reduce((n, r) => n + r.steps, 0),
        threads,
        backend,
      };
    });
    out.push({ model, ...shape, rows, floor: floorOf(floorRuns, evaluationsPerStep(runs.ours)) });
  }
  return out;
}

/**
 * Product shapes whose two-core ceiling is measured (Roofline([a, b], c), dims [c, a, b]):
 * the first pair of the wide dense model at batch 128 and the blog conv model's middle pair.
 */
export const CORE_SHAPES = [
  { layer: 'dense 784→256, b128', dims: [128, 784, 256] },
  { layer: 'conv.1 of the blog model, b64', dims: [8, 144, 3136] },
];

/** How long before a window's start the page sets it: long enough to start a worker and compile the lab build. */
const KERNEL_LEAD_MS = 1500;

/**
 * What two cores of this machine give our kernel: per round, the kernel alone
 * in one worker, and two copies of it at once in two workers (independent
 * work, nothing shared, no thread pool), in alternating order. The pair's
 * runs per second over the single one's is the most any two-thread split of
 * this kernel could gain here (2× on two free cores; less where the two
 * cores share a physical core, a cache or the memory's bandwidth). Where the
 * page is isolated, a third contender: the threaded lab build running the same
 * products split across its pool as the trainer splits them.
 * -> [{ layer, dims, rounds: [{ alone, together, overlap, split, threads }] (runs/s),
 *       ceiling, split (medians of together/alone and split/alone), threads }]
 */
export async function twoCores(settings, { shapes = CORE_SHAPES } = {}) {
  const rate = (r) => (r.runs / r.ms) * 1000;
  const at = (dims) => ({
    dims,
    windowMs: settings.windowMs,
    startAt: performance.timeOrigin + performance.now() + KERNEL_LEAD_MS,
  });
  const out = [];
  for (const shape of shapes) {
    const rounds = [];
    for (let round = 0; round < settings.windows; round++) {
      say(`two cores ${shape.layer}, round ${round + 1}/${settings.windows}`);
      let alone;
      let pair;
      const runAlone = async () => {
        alone = await job('kernelAt', at(shape.dims));
      };
      const runPair = async () => {
        const args = at(shape.dims);
        pair = await Promise.all([job('kernelAt', args), job('kernelAt', args)]);
      };
      let split = null;
      const runSplit = async () => {
        if (self.crossOriginIsolated)
          split = await job('kernelSplit', {
            dims: shape.dims,
            windowMs: settings.windowMs,
            warmupMs: settings.warmupMs,
          });
      };
      const order = [runAlone, runPair, runSplit];
      for (const run of round % 2 ? order.reverse() : order) await run();
      // How much of the two windows ran at the same time (1 when they started and stopped together).
      const both = Math.min(pair[0].to, pair[1].to) - Math.max(pair[0].from, pair[1].from);
      const overlap = Math.max(0, both) / Math.max(pair[0].ms, pair[1].ms);
      rounds.push({
        alone: rate(alone),
        together: rate(pair[0]) + rate(pair[1]),
        overlap,
        split: split && rate(split),
        threads: split?.threads ?? null,
      });
    }
    const ratio = (key) => (rounds[0][key] == null ? null : median(rounds.map((r) => r[key] / r.alone)));
    out.push({ ...shape, rounds, ceiling: ratio('together'), split: ratio('split'), threads: rounds[0].threads });
  }
  return out;
}

/** One window per shape, as long as settings.floorWindowMs, after half as long of warm-up. */
const floorTiming = (settings) => ({
  windows: 1,
  windowMs: settings.floorWindowMs,
  warmupMs: settings.floorWindowMs / 2,
});

/** Validation MSE against training seconds for ours and tfjs-wasm, default model and latent 2. */
export async function quality(settings, { contenders = ['ours', 'tfjs-wasm'] } = {}) {
  const runs = [];
  for (const [name, latent, seconds, threshold] of [
    ['default', null, settings.seconds, THRESHOLDS.default],
    ['latent 2', 2, settings.latent2Seconds, THRESHOLDS.latent2],
  ]) {
    const config = appConfig(latent);
    const val = await job('validation', { n: 1000, config });
    for (const contender of contenders) {
      say(`quality: ${contender}, ${name} (${JSON.stringify(config.model)}), ${seconds} s`);
      const r = await job('quality', { contender, config, seconds, evalEveryMs: settings.evalEveryMs, threshold, val });
      runs.push({ name, contender, config, seconds, threshold, ...r });
    }
  }
  return runs;
}

/** A conv model's name in the tables: its blocks' channels, k, stride and latent. */
export function describeConv({ conv, latent }) {
  return `conv ${conv.map((b) => `${b.channels}k${b.kernel}s${b.stride}`).join('-')} latent ${latent}`;
}

/**
 * Step timing of the conv models: ours and tfjs-wasm, then the floor of the
 * step's matrix products on our kernel. On a shared machine the load drifts, so
 * the contenders alternate: `settings.windows` rounds, each running every
 * contender for one window in a fresh worker (the order reversed every other
 * round), and a ratio is the median of the rounds' ratios; ratios.ofFloor is
 * the floor (floorOf: each shape's best window) over ours' median.
 * -> [{ model, batch, rows: [{ contender, medianMs, p90Ms, windowsMs, params, backend? }], ratios, floor }]
 */
export async function convThroughput(settings, { models = CONV_MODELS, contenders = CONV_CONTENDERS } = {}) {
  const out = [];
  for (const m of models) {
    const model = describeConv(m);
    const one = { windows: 1, windowMs: settings.windowMs, warmupMs: settings.warmupMs };
    const runs = Object.fromEntries(contenders.map((c) => [c, []]));
    const floorRuns = [];
    for (let round = 0; round < settings.windows; round++) {
      const order = round % 2 ? [...contenders].reverse() : contenders;
      say(`conv throughput ${model} b${m.batch}, round ${round + 1}/${settings.windows}: ${order.join(', ')}, floor`);
      for (const contender of order)
        runs[contender].push(await job('convThroughput', { contender, ...m, lr: CONV_LR, loss: 'bce', ...one }));
      const evaluationRows = runs.ours?.at(-1)?.evaluation?.rows;
      floorRuns.push(await job('convFloor', { ...m, evaluationRows, ...floorTiming(settings) }));
    }
    const rows = contenders.map((contender) => {
      const windowsMs = runs[contender].map((r) => r.windowsMs[0]);
      const { params, backend, threads } = runs[contender].at(-1);
      return { contender, medianMs: median(windowsMs), p90Ms: p90(windowsMs), windowsMs, params, backend, threads };
    });
    const floor = floorOf(floorRuns, evaluationsPerStep(runs.ours));
    const ours = rows.find((r) => r.contender === 'ours');
    // Side by side: each round's ratios, then their median.
    const ratios = {};
    for (const r of rows)
      if (r !== ours) ratios[r.contender] = median(r.windowsMs.map((ms, i) => ms / ours.windowsMs[i]));
    ratios.ofFloor = floor.floorMs / ours.medianMs;
    out.push({ model, name: m.name, conv: m.conv, latent: m.latent, batch: m.batch, rows, ratios, floor });
  }
  return out;
}

/** Trainable parameters of the blog-shaped conv model (the engine's count; checked by the conv-quality runs). */
const BLOG_PARAMS = 12_153;

/**
 * Issue 16's time to quality: the conv preset; the dense model with about as many
 * parameters, by the Convolutional lesson's rule (matchDense: 784-7-784); the app's
 * default dense model; the smallest dense model with the same 32-number code.
 */
export function convQualityConfigs() {
  const dense = appConfig();
  dense.train.loss = 'bce';
  const base = { ...dense.train, loss: 'bce', lr: CONV_LR, batchSize: 64, optimizer: 'adam', seed: 1 };
  return [
    {
      name: 'conv (blog)',
      config: { model: { encoder: [], conv: BLOG_CONV, latent: 32, activation: 'relu' }, train: base },
    },
    {
      name: 'dense, as many parameters',
      config: { model: { ...matchDenseModel(), activation: 'relu' }, train: { ...dense.train } },
    },
    { name: 'dense (app default)', config: dense },
    {
      name: 'dense 784-32-784',
      config: { model: { encoder: [], latent: 32, activation: 'relu' }, train: { ...dense.train } },
    },
  ];
}

function matchDenseModel() {
  const { encoder, latent } = matchDense(BLOG_PARAMS, 32);
  return { encoder, latent };
}

/** Validation BCE and SSIM against training seconds (our lab build) for convQualityConfigs(). */
export async function convQuality(settings) {
  const runs = [];
  for (const { name, config } of convQualityConfigs()) {
    say(`conv quality: ${name} (${JSON.stringify(config.model)}), ${settings.convSeconds} s`);
    const r = await job('convQuality', {
      config,
      seconds: settings.convSeconds,
      evalEveryMs: settings.convEvalEveryMs,
    });
    runs.push({ name, config, seconds: settings.convSeconds, ...r });
  }
  return runs;
}

export async function info() {
  return job('info');
}

// ------------------------------------------------------------------ the page's own table

const fmt = (x, d = 2) => (x == null || !Number.isFinite(x) ? '–' : x.toFixed(d));

function render(tp, q, conv = null, cq = null) {
  const out = document.getElementById('results');
  out.textContent = '';
  const table = (head, rows) => {
    const t = document.createElement('table');
    const tr = (cells, tag) => {
      const r = t.insertRow();
      for (const c of cells) {
        const cell = document.createElement(tag);
        cell.textContent = c;
        if (tag === 'td' && !/^[\d.–]/.test(String(c))) cell.style.textAlign = 'left';
        r.append(cell);
      }
    };
    tr(head, 'th');
    for (const r of rows) tr(r, 'td');
    out.append(t);
  };
  if (tp) {
    table(
      ['model', 'batch', 'contender', 'median ms', 'p90 ms', 'samples/s', 'GFLOP/s'],
      tp.map((r) => {
        const flops = tp.find((x) => x.model === r.model && x.contender === 'roofline')?.flopsPerStep;
        return [
          r.model,
          r.batch,
          r.contender,
          fmt(r.medianMs, 3),
          fmt(r.p90Ms, 3),
          fmt(r.batch / (r.medianMs / 1000), 0),
          fmt(flops / (r.medianMs / 1000) / 1e9),
        ];
      }),
    );
  }
  if (q) {
    table(
      ['run', 'contender', 'steps', 'final val MSE', 'seconds to threshold'],
      q.map((r) => [
        r.name,
        r.contender,
        r.steps,
        fmt(r.points.at(-1).mse, 4),
        r.thresholdSeconds == null ? `not within ${r.seconds} s` : fmt(r.thresholdSeconds, 1),
      ]),
    );
  }
  if (conv) {
    table(
      ['conv model', 'batch', 'contender', 'median ms', 'ours ×faster', 'of floor'],
      conv.flatMap((m) => [
        ...m.rows.map((r) => [
          m.model,
          m.batch,
          r.contender,
          fmt(r.medianMs, 3),
          r.contender === 'ours' ? '1.00' : fmt(m.ratios[r.contender]),
          `${fmt((100 * m.floor.floorMs) / r.medianMs, 0)}%`,
        ]),
        [m.model, m.batch, 'floor (products)', fmt(m.floor.floorMs, 3), '', '100%'],
      ]),
    );
  }
  if (cq) {
    table(
      ['run', 'parameters', 'steps', 'final val BCE', 'final SSIM'],
      cq.map((r) => [r.name, r.params, r.steps, fmt(r.points.at(-1).bce, 4), fmt(r.points.at(-1).ssim, 3)]),
    );
  }
}

const button = document.getElementById('run');
button.addEventListener('click', async () => {
  button.disabled = true;
  logBox.textContent = '';
  const settings = SETTINGS[document.getElementById('quick').checked ? 'quick' : 'full'];
  try {
    const tp = await throughput(settings);
    render(tp, null);
    const q = await quality(settings);
    render(tp, q);
    const conv = await convThroughput(settings);
    render(tp, q, conv);
    const cq = await convQuality(settings);
    render(tp, q, conv, cq);
  } catch (err) {
    say(`error: ${err.message}`);
  } finally {
    button.disabled = false;
  }
});

window.bench = {
  MODELS,
  CONTENDERS,
  CONV_MODELS,
  SETTINGS,
  THRESHOLDS,
  job,
  info,
  throughput,
  quality,
  convThroughput,
  convQuality,
  twoCores,
  appConfig,
  render,
};
button.disabled = false;
document.body.dataset.state = 'ready';
