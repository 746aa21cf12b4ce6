// What the page writes and reads besides the URL: the names of saved models,
// the loss history as CSV, and the settings a loaded model was trained with,
// turned back into a URL hash. No DOM here, so node can test it.
//
// A saved model (Trainer.save(), a safetensors file) carries its engine config
// (docs/wasm-api.md). The page's settings are the hash keys of www/state/url-state.js
// plus each lesson's own; `hashForConfig` spells the config in those keys, and
// the page then reads that hash with the same defensive parser as a link, so a
// value from a file is checked exactly like a value from a URL.

import { formatConv, parseHash, trainerConfigs } from './url-state.js';

/** A file name: lowercase letters, digits and dashes only. */
const slug = (s) =>
  String(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'model';

/** e.g. "autoencoder-denoise-step-1200.safetensors" */
export function modelFileName(lessonId, step) {
  const n = Number.isFinite(step) && step >= 0 ? Math.floor(step) : 0;
  return `autoencoder-${slug(lessonId)}-step-${n}.safetensors`;
}

/** e.g. "autoencoder-denoise-step-1200-loss.csv" */
export function historyFileName(lessonId, step) {
  return modelFileName(lessonId, step).replace(/\.safetensors$/, '-loss.csv');
}

/** e.g. "autoencoder-denoise-training-loss.png" */
export function pictureFileName(lessonId, title) {
  return `autoencoder-${slug(lessonId)}-${slug(title)}.png`;
}

const num = (v) => (v == null || !Number.isFinite(v) ? '' : String(v));

/**
 * The loss history (Trainer.history(): { steps, losses, epochs: [{ epoch, step,
 * trainLoss, valLoss, valMse }] }) as CSV: one row per trained step, with the
 * epoch columns filled on the step each epoch ended.
 */
export function historyCsv(history) {
  const steps = Array.isArray(history?.steps) ? history.steps : [];
  const losses = Array.isArray(history?.losses) ? history.losses : [];
  const byStep = new Map();
  for (const e of Array.isArray(history?.epochs) ? history.epochs : []) byStep.set(e.step, e);
  const rows = ['step,train_loss,epoch,epoch_train_loss,val_loss,val_mse'];
  for (let i = 0; i < steps.length; i++) {
    const e = byStep.get(steps[i]);
    rows.push(
      [num(steps[i]), num(losses[i]), num(e?.epoch), num(e?.trainLoss), num(e?.valLoss), num(e?.valMse)].join(','),
    );
  }
  return `${rows.join('\n')}\n`;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The hash keys a config maps to: the common ones (www/state/url-state.js) and, for the
 * kinds of model a lesson is built around, that lesson and its own keys.
 * -> { lesson: string|null, pairs: [[key, value]] }  lesson null = a plain autoencoder
 */
export function settingsFromConfig(cfg) {
  const model = cfg?.model ?? {};
  const train = cfg?.train ?? {};
  const pairs = [];
  const put = (key, v) => {
    if (v !== undefined && v !== null) pairs.push([key, Array.isArray(v) ? v.join(',') : String(v)]);
  };
  put('encoder', Array.isArray(model.encoder) ? (model.encoder.length ? model.encoder : 'none') : undefined);
  if (Array.isArray(model.conv) && model.conv.length) put('conv', formatConv(model.conv));
  put('latent', model.latent);
  put('act', model.activation);
  put('loss', train.loss);
  put('opt', train.optimizer);
  put('lr', typeof train.lr === 'number' ? Number(train.lr.toPrecision(6)) : undefined);
  put('batch', train.batchSize);
  put('seed', train.seed);

  let lesson = null;
  const round = (v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v);
  if (model.kind === 'vae') {
    lesson = 'generate';
    put('beta', round(train.beta));
  } else if (train.noise && train.noise !== 'none') {
    lesson = 'denoise';
    put('noise', train.noise);
    put('level', round(train.noiseLevel));
  } else if (train.sparsity && train.sparsity !== 'none') {
    lesson = 'sparse';
    put('kind', train.sparsity);
    put('weight', round(train.sparsityWeight));
    put('target', round(train.sparsityTarget));
  } else if (Number(train.contractive) > 0) {
    lesson = 'contractive';
    put('lambda', round(train.contractive));
  }
  return { lesson, pairs };
}

/**
 * The parts of a config that make one model differ from another in kind,
 * compared to tell whether a lesson trains the same model as a file holds.
 */
export function modelShape(cfg) {
  const m = cfg?.model ?? {};
  const t = cfg?.train ?? {};
  return {
    kind: m.kind ?? 'autoencoder',
    encoder: m.encoder,
    conv: m.conv ?? [],
    latent: m.latent,
    activation: m.activation,
    latentActivation: m.latentActivation ?? 'identity',
    output: m.output ?? 'sigmoid',
    noise: t.noise ?? 'none',
    sparsity: t.sparsity ?? 'none',
    contractive: t.contractive ?? 0,
    excludeClass: t.excludeClass ?? null,
  };
}

/** Keys of modelShape on which two configs differ (the engine's defaults fill what one leaves out). */
export function shapeDifferences(a, b) {
  const x = modelShape(a);
  const y = modelShape(b);
  return Object.keys(x).filter((k) => !same(x[k], y[k]));
}

/**
 * A hash (with `lesson`) for a loaded model: the lesson built around its kind
 * of model, or `currentLesson` for a plain autoencoder.
 */
export function hashForConfig(cfg, currentLesson, lessonIds) {
  const { lesson, pairs } = settingsFromConfig(cfg);
  const id = lesson && lessonIds.includes(lesson) ? lesson : currentLesson;
  const params = new URLSearchParams([['lesson', id], ...pairs]);
  return `#${params.toString().replace(/%2C/gi, ',')}`;
}

/**
 * Which lesson shows a loaded model, and with which settings: the lesson built
 * around its kind of model (a VAE: generate, ...); for a plain autoencoder the
 * current lesson if it trains the same kind of model, else the first lesson.
 * The settings are read from the model's config with the page's own parser.
 * @param {object} config  the model's engine config
 * @param {object} current  the mounted lesson module
 * @param {(id: string) => Promise<object|null>} loadLesson  a lesson module by id
 * -> { mod, state, problems, differ }  differ: what the shown settings cannot express (modelShape keys)
 */
export async function lessonForModel(config, current, loadLesson, lessonIds) {
  const read = (mod) => {
    const { state, problems } = parseHash(hashForConfig(config, mod.id, [mod.id]), { lessonIds, lesson: mod });
    return { mod, state, problems, differ: shapeDifferences(trainerConfigs(state, mod).main, config) };
  };
  const wanted = settingsFromConfig(config).lesson;
  const candidates = [wanted && lessonIds.includes(wanted) ? wanted : null, current.id, lessonIds[0]].filter(Boolean);
  let best = null;
  for (const id of [...new Set(candidates)]) {
    const mod = id === current.id ? current : await loadLesson(id);
    if (!mod) continue;
    const r = read(mod);
    if (!r.differ.length) return r;
    best ??= r;
  }
  return best ?? read(current);
}

/**
 * The training summary a saved model carries, read from the safetensors
 * header's metadata: { step, epoch, valLoss } (valLoss null when the file has
 * none), or null when it is not there. Only for what the page shows: the
 * engine checks the file itself (Trainer.load).
 */
export function readModelSummary(bytes) {
  try {
    if (!(bytes instanceof Uint8Array) || bytes.length < 8) return null;
    const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (n <= 0n || n > BigInt(Math.min(bytes.length - 8, 1 << 20))) return null;
    const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(n))));
    const summary = JSON.parse(header?.__metadata__?.summary);
    const step = Number(summary?.step);
    if (!Number.isSafeInteger(step) || step < 0) return null;
    const epoch = Number(summary?.epoch);
    const valLoss = summary?.valLoss;
    return {
      step,
      epoch: Number.isSafeInteger(epoch) && epoch >= 0 ? epoch : 0,
      valLoss: typeof valLoss === 'number' && Number.isFinite(valLoss) && valLoss >= 0 ? valLoss : null,
    };
  } catch {
    return null;
  }
}
