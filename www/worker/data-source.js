// The rows a run trains on: the digits (every lesson's default), a generated
// data set (Curve in 3-D, Machine sensors) or a person's own table or images
// (lessons/data.js). Everything here runs in the worker; the own data never
// leaves the browser tab.
//
// A source is { spec, info, make(Engine, config), rows(which) }:
//   spec   what it was made from, small and plain (snapshots carry it, so a
//          restarted worker makes the same rows again);
//   info   what the page shows of it (docs/wasm-api.md, "Data beyond digits");
//   make   a Trainer of `Engine` (a wasm-bindgen module) on these rows;
//   scored the rows a lesson scores for anomalies: { values, labels, width, count }.
// Generated and own data exist only in the lab build (Trainer.fromValues).

/** Generated sets: what the page may ask for, and the caps the engine states (src/generated.rs). */
export const GENERATED = {
  curve: {
    title: 'Curve in 3-D',
    how:
      'Generated in this tab, not downloaded: points along a rolled-up sheet (a Swiss roll) in 3-D, with Gaussian noise. ' +
      'The label is which tenth of the roll a point lies in; the network never sees it.',
    view: 'points',
  },
  sensors: {
    title: 'Machine sensors',
    how:
      'Generated in this tab, not downloaded: windows of 32 readings from four sensors (vibration, temperature, current, pressure) ' +
      'of simulated healthy machines. The network trains on healthy windows only; a held-out set has faults injected into a share of its windows ' +
      '(a spike, a drift, a stuck sensor or a changed rhythm on one sensor).',
    view: 'signals',
  },
};
export const MIN_ROWS = 100;
export const MAX_ROWS = 50_000;
/** How many held-out windows the sensors' anomaly check scores (a quarter of the training rows, at least this many). */
const MIN_HELD_OUT = 500;

/** The source of the built-in digits. */
export function digitsSource(digits) {
  return {
    spec: null,
    info: {
      kind: 'digits',
      title: 'Handwritten digits (MNIST)',
      rows: digits.count,
      width: 784,
      shape: { channels: 1, height: 28, width: 28 },
      view: 'image',
    },
    make: (Engine, config) => new Engine.Trainer(config, digits.pixels, digits.labels),
    scored: null,
  };
}

/** Rows the engine trains on out of `n`: the rest are its validation and test rows (src/data.rs `shuffled`). */
export const trainingRows = (n) => n - 2 * Math.max(1, Math.floor(n / 10));

/** A source of rows of values (`values`: count × width floats; NaN = a missing cell). */
function valuesSource(spec, data, values, labels, scored = null) {
  const info = { ...data, trainRows: trainingRows(data.rows) };
  return {
    spec,
    info,
    make: (Engine, config) => Engine.Trainer.fromValues(fitConfig(config, info), values, labels),
    scored: scored ?? { values, labels, width: info.width, count: info.rows },
  };
}

/** `n` as an integer in [lo, hi], or a sentence saying what is allowed. */
function integerIn(n, lo, hi, what) {
  if (!Number.isInteger(n) || n < lo || n > hi) {
    throw new Error(`${what} must be a whole number from ${lo.toLocaleString('en')} to ${hi.toLocaleString('en')}.`);
  }
  return n;
}

const mostCommon = (labels, classes) => {
  const counts = new Uint32Array(Math.max(1, classes));
  for (const l of labels) counts[l] += 1;
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c] > counts[best]) best = c;
  return best;
};

const SENSOR_NAMES = ['vibration', 'temperature', 'current', 'pressure'];
const SENSOR_WINDOW = 32;
const ROLL_BANDS = 10;

/**
 * What the page shows of a generated set, without making it (the lessons are laid out before the
 * worker makes the rows): the same info the worker's source gives (src/generated.rs names the
 * columns and labels; tests/unit-js/generated-info.test.mjs holds the two together).
 * `spec`: { name: 'curve' | 'sensors', rows, seed, share } (share: the curve's noise, or the share
 * of faulty held-out sensor windows). Throws a sentence for a spec the engine would refuse.
 */
export function generatedInfo(spec) {
  const kind = GENERATED[spec?.name] ? spec.name : null;
  if (!kind) throw new Error('There is no such generated data set: the generated sets are "curve" and "sensors".');
  const rows = integerIn(spec.rows, MIN_ROWS, MAX_ROWS, 'The number of rows');
  integerIn(spec.seed, 0, 2 ** 32 - 1, 'The data seed');
  const curve = kind === 'curve';
  const width = curve ? 3 : SENSOR_NAMES.length * SENSOR_WINDOW;
  const info = {
    kind,
    title: GENERATED[kind].title,
    how: GENERATED[kind].how,
    generated: true,
    rows,
    trainRows: trainingRows(rows),
    width,
    shape: null,
    view: GENERATED[kind].view,
    labelNames: curve
      ? Array.from({ length: ROLL_BANDS }, (_, b) => `${b * 10}–${b * 10 + 10}% along the roll`)
      : ['healthy', 'spike', 'drift', 'stuck sensor', 'changed rhythm'],
    columnNames: curve
      ? ['x', 'y', 'z']
      : SENSOR_NAMES.flatMap((s) => Array.from({ length: SENSOR_WINDOW }, (_, k) => `${s} t${k}`)),
    missing: 0,
  };
  if (curve) return { ...info, normalLabel: null };
  // Healthy windows to train on; faults only in a held-out set (heldOut: no class of the training rows is held out).
  const scoredRows = Math.max(MIN_HELD_OUT, Math.round(rows / 4));
  return {
    ...info,
    signals: { names: SENSOR_NAMES, length: SENSOR_WINDOW },
    normalLabel: 0,
    scoredRows,
    heldOutFaults: true,
  };
}

/** A generated set's rows (spec as for generatedInfo), made by the engine. */
export function generatedSource(labMod, spec) {
  const info = generatedInfo(spec);
  const { kind, rows } = info;
  const seed = spec.seed;
  const g = labMod.generateData(kind, rows, seed, kind === 'sensors' ? 0 : Number(spec.share));
  if (g.width !== info.width) throw new Error(`The engine made rows of ${g.width} values, not ${info.width}.`);
  if (kind !== 'sensors') return valuesSource(spec, info, g.values, g.labels);
  // Faults only in a held-out set with its own seed.
  const count = info.scoredRows;
  const held = labMod.generateData('sensors', count, (seed + 1) % 2 ** 32, Number(spec.share));
  return valuesSource(spec, info, g.values, g.labels, {
    values: held.values,
    labels: held.labels,
    width: g.width,
    count,
  });
}

/** A table read from a CSV or TSV file: { bytes: Uint8Array, label: column name | null, name: the file's name }. */
export function tableSource(labMod, spec) {
  if (!ArrayBuffer.isView(spec?.bytes)) throw new Error('No table file was given.');
  const t = labMod.readTable(spec.bytes, spec.label ?? null);
  const info = {
    kind: 'table',
    title: String(spec.name ?? 'Your table'),
    rows: t.rows,
    width: t.columns.length,
    shape: null,
    view: 'columns',
    columnNames: t.columns,
    labelColumn: spec.label ?? null,
    labelNames: t.classes,
    normalLabel: t.labels ? mostCommon(t.labels, t.classes.length) : null,
    mean: Array.from(t.mean),
    deviation: Array.from(t.deviation),
    constant: t.constant,
    leftOut: t.leftOut,
    missing: t.missing,
  };
  const labels = t.labels ?? new Uint8Array(t.rows);
  return valuesSource({ kind: 'table', name: info.title, label: info.labelColumn }, info, t.values, labels, {
    values: t.values,
    labels: t.labels,
    width: info.width,
    count: t.rows,
  });
}

/**
 * Images read on the page (www/ingest/images.js): { values: Float32Array
 * count × C·H·W in [0, 1], labels: Uint8Array | null, labelNames, channels,
 * height, width, name }.
 */
export function imagesSource(spec) {
  const { values, channels, height, width } = spec ?? {};
  if (!(values instanceof Float32Array)) throw new Error('No images were given.');
  const size = channels * height * width;
  if (![1, 3].includes(channels) || !(size > 0) || values.length % size !== 0) {
    throw new Error('The images do not fit their stated size (1 or 3 channels × height × width values each).');
  }
  const rows = values.length / size;
  if (rows < 3) throw new Error(`At least 3 images are needed to train and check a network; ${rows} could be read.`);
  const labels = spec.labels instanceof Uint8Array && spec.labels.length === rows ? spec.labels : null;
  const info = {
    kind: 'images',
    title: String(spec.name ?? 'Your images'),
    rows,
    width: size,
    shape: { channels, height, width },
    view: 'image',
    labelNames: labels ? (spec.labelNames ?? []) : [],
    normalLabel: labels ? mostCommon(labels, spec.labelNames?.length ?? 256) : null,
    missing: 0,
  };
  return valuesSource({ kind: 'images', name: info.title }, info, values, labels ?? new Uint8Array(rows), {
    values,
    labels,
    width: size,
    count: rows,
  });
}

/**
 * A trainer config fitted to the data: its input is a row's width; values
 * that are not in [0, 1] (standardised columns, signals, points) need a linear
 * output and the MSE; convolutional blocks need images; a minibatch holds at
 * most every training row (a small folder of images has fewer than a batch).
 */
export function fitConfig(config, info) {
  const model = { ...(config.model ?? {}), input: info.width };
  const train = { ...(config.train ?? {}) };
  if (info.trainRows && (train.batchSize ?? 64) > info.trainRows) train.batchSize = info.trainRows;
  const conv = Array.isArray(model.conv) && model.conv.length > 0;
  if (info.view === 'image') {
    if (conv) model.image = { ...info.shape };
  } else {
    if (conv) {
      throw new Error(
        `Convolutional blocks need images; ${info.title} is rows of ${info.width} numbers. Clear "Conv blocks" to train a dense network on it.`,
      );
    }
    model.output = 'identity';
    if (train.loss === 'bce') {
      throw new Error(
        `The BCE loss needs values between 0 and 1; ${info.title} holds other numbers. Choose the MSE loss.`,
      );
    }
  }
  return { ...config, model, train };
}

/**
 * What the worker keeps between runs: the person's own data (`put`, from
 * putData) and the last generated set (made again only when its settings
 * change). `sourceFor(spec, labMod, digits)`: the source a run asks for
 * (null: `digits`; { kind: 'generated', ... } or { kind: 'own', id }).
 */
export function createShelf() {
  let own = null; // { id, source }
  let generated = null; // { key, source }
  return {
    /** Keeps own data ({ id, kind: 'table' | 'images', ... }); a refusal throws and keeps what was there. -> its info */
    put(spec, labMod) {
      const made = spec?.kind === 'table' ? tableSource(labMod, spec) : imagesSource(spec);
      own = { id: spec.id, source: made };
      return made.info;
    },
    sourceFor(spec, labMod, digits) {
      if (!spec) return digits;
      if (spec.kind === 'generated') {
        const key = JSON.stringify([spec.name, spec.rows, spec.seed, spec.share]);
        if (generated?.key !== key) generated = { key, source: generatedSource(labMod, spec) };
        return generated.source;
      }
      if (spec.kind === 'own') {
        if (own && own.id === spec.id) return own.source;
        throw new Error(
          'Your own data is not in this tab (a link cannot carry it): open its file in the Your data lesson.',
        );
      }
      throw new Error('The page asked for data of an unknown kind.');
    },
  };
}
