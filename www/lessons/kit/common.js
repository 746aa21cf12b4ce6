// Parts every lesson uses: its header, the training card (loss chart and
// readout), rows of digit canvases, the explanation card, and a throttle for
// worker round trips. Lessons compose these; none of them talks to the worker.

import { h } from '../../lib/dom.js';
import { LossChart } from '../../charts/loss-chart.js';

export const PIXELS = 784;

/** A loss or metric in at most about 7 characters: 0.0283, 5.43, 5.65e-4. */
export const fmtLoss = (v) => {
  if (v == null || !Number.isFinite(v)) return '–';
  return v !== 0 && Math.abs(v) < 0.001 ? v.toExponential(2) : v.toPrecision(3);
};
export const fmtInt = (v) => Math.round(v).toLocaleString('en-US');

/** The lesson's title and its two- or three-sentence explanation. */
export function lessonHeader(title, lead) {
  return h(
    'header',
    { class: 'lesson-header' },
    h('h2', { id: 'lesson-title' }, title),
    h('p', { class: 'lead' }, lead),
  );
}

/** A <figure> with a caption. */
export function figure(canvas, caption) {
  return h('figure', { class: 'digit' }, canvas, h('figcaption', {}, caption));
}

/** A 28×28 canvas, upscaled crisply by CSS. */
export function digitCanvas(attrs = {}) {
  return h('canvas', { class: 'digit-canvas', width: 28, height: 28, role: 'img', ...attrs });
}

/** One readout value: { el, value } where value is the <dd>. */
export function stat(id, label) {
  const value = h('dd', { id }, '–');
  return { el: h('div', { class: 'stat' }, h('dt', {}, label), value), value };
}

/** Shows a number in a readout, with the raw value in data-value for tests and tools. */
export function showStat(s, v, format = fmtLoss) {
  if (v == null || !Number.isFinite(v)) {
    s.value.textContent = '–';
    delete s.value.dataset.value;
    return;
  }
  s.value.textContent = format(v);
  s.value.dataset.value = String(v);
}

/**
 * Rows of digits with a label in front of each, all rows the same length:
 * rows = [{ id, label, className? }] -> { el, rows: { id: canvas[] } }.
 */
export function digitRows(count, rows, { describe = (row, i) => `${row.label}, digit ${i + 1}` } = {}) {
  const el = h('div', { class: 'digit-rows', style: `--cols: ${count}` });
  const out = {};
  for (const row of rows) {
    const canvases = [];
    const strip = h('div', { class: 'digit-strip', id: row.id });
    for (let i = 0; i < count; i++) {
      const c = digitCanvas({ class: `digit-canvas ${row.className ?? ''}`, 'aria-label': describe(row, i) });
      canvases.push(c);
      strip.append(c);
    }
    el.append(h('div', { class: 'row-label' }, row.label), strip);
    out[row.id] = canvases;
  }
  return { el, rows: out };
}

/**
 * The training card: the loss chart with its log-scale switch and the readout
 * (epoch, step, samples/s, smoothed training loss, validation loss), with the
 * ids the tests and the other lessons rely on (#stat-step, #stat-loss, ...).
 */
export class TrainingCard {
  /**
   * @param {{ store, commit, title?: string, lossName: (state) => string, extra?: Node[] }} options
   *   lossName labels the y axis, e.g. 'MSE' or 'MSE + sparsity'; extra goes under the chart
   */
  constructor({ store, commit, title = 'Training loss', lossName, extra = [] }) {
    this.lossName = lossName;
    this.epoch = stat('stat-epoch', 'Epoch');
    this.step = stat('stat-step', 'Step');
    this.rate = stat('stat-rate', 'Samples/s');
    this.loss = stat('stat-loss', 'Train loss');
    this.val = stat('stat-val', 'Val. loss');
    const box = h('div', { class: 'chart', id: 'loss-chart' });
    this.logBox = h('input', { type: 'checkbox', id: 'log-scale' });
    this.logBox.checked = store.get().scale === 'log';
    this.logBox.addEventListener('change', () => commit({ scale: this.logBox.checked ? 'log' : 'linear' }));
    this.el = h(
      'section',
      { class: 'card chart-card', 'aria-labelledby': 'chart-title' },
      h(
        'div',
        { class: 'card-head' },
        h('h3', { id: 'chart-title' }, title),
        h('label', { class: 'check', for: 'log-scale' }, this.logBox, ' Log scale'),
      ),
      h('dl', { class: 'stats' }, this.epoch.el, this.step.el, this.rate.el, this.loss.el, this.val.el),
      box,
      ...extra,
    );
    this.chart = new LossChart(box, { log: this.logBox.checked, lossName: lossName(store.get()) });
    this.clear();
  }

  /** A new run: empty chart and readout. */
  reset(state) {
    this.chart.reset({ lossName: this.lossName(state) });
    this.clear();
  }

  clear() {
    for (const s of [this.epoch, this.step, this.rate, this.loss, this.val]) showStat(s, null);
    showStat(this.step, 0, fmtInt);
    delete this.loss.value.dataset.lastLoss;
  }

  /** A training slice's stats event (the main trainer's numbers). */
  stats(msg) {
    this.chart.push(msg.firstStep, msg.losses, msg.epochs);
    showStat(this.step, msg.step, fmtInt);
    showStat(this.epoch, msg.epoch, fmtInt);
    if (Number.isFinite(msg.samplesPerSec)) showStat(this.rate, msg.samplesPerSec, fmtInt);
    if (this.chart.lastSmoothed != null) {
      this.loss.value.textContent = fmtLoss(this.chart.lastSmoothed);
      this.loss.value.dataset.lastLoss = String(this.chart.lastSmoothed);
    }
    if (this.chart.lastVal != null) showStat(this.val, this.chart.lastVal);
  }

  setScale(scale) {
    this.logBox.checked = scale === 'log';
    this.chart.setLog(scale === 'log');
  }

  destroy() {
    this.chart.destroy();
  }
}

/**
 * The explanation card under a lesson: a few paragraphs, things to try, and
 * optional interview questions ([question, answer] pairs).
 */
export function explainer({ body = [], tryThis = [], interview = [] }) {
  return h(
    'section',
    { class: 'card explainer', 'aria-labelledby': 'explain-title' },
    h('h3', { id: 'explain-title' }, 'What is going on?'),
    h(
      'div',
      { class: 'explain-columns' },
      h('div', {}, ...body.map((p) => (p instanceof Node ? p : h('p', {}, p)))),
      h(
        'div',
        {},
        tryThis.length ? h('h4', {}, 'Things to try') : null,
        tryThis.length ? h('ul', {}, ...tryThis.map((t) => h('li', {}, t))) : null,
        interview.length
          ? h(
              'details',
              {},
              h('summary', {}, 'Interview corner'),
              h('dl', { class: 'qa' }, ...interview.flatMap(([q, a]) => [h('dt', {}, q), h('dd', {}, a)])),
            )
          : null,
      ),
    ),
  );
}

/**
 * Runs `task` (async) at most once every `ms` and never twice at once; a
 * request made meanwhile runs once afterwards. Errors are swallowed: a rebuild
 * or a halted run makes a round trip fail, and the next request tries again.
 */
export function throttle(task, ms) {
  let inFlight = false;
  let again = false;
  let lastAt = -Infinity;
  let timer = 0;
  let stopped = false;
  function request() {
    if (stopped) return;
    if (inFlight || timer) {
      again = true;
      return;
    }
    const wait = lastAt + ms - performance.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = 0;
        request();
      }, wait);
      return;
    }
    inFlight = true;
    again = false;
    lastAt = performance.now();
    Promise.resolve()
      .then(task)
      .catch(() => {})
      .finally(() => {
        inFlight = false;
        if (again) request();
      });
  }
  request.stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  return request;
}

/** Calls `fn` when the light/dark scheme changes; returns a function that stops listening. */
export function onSchemeChange(fn) {
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', fn);
  return () => scheme.removeEventListener('change', fn);
}

/**
 * `count` digits with the drawing (if any) appended as one more, so one round
 * trip to the worker answers for both; rows and drawing split at count * PIXELS.
 */
export function withDrawing(images, count, drawing) {
  const x = new Float32Array((count + (drawing ? 1 : 0)) * PIXELS);
  x.set(images);
  if (drawing) x.set(drawing, count * PIXELS);
  return x;
}

/** Mean of squared differences of two equal-length arrays (from offsets a0, b0, n values). */
export function mse(a, b, n = a.length, a0 = 0, b0 = 0) {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[a0 + i] - b[b0 + i]) ** 2;
  return s / n;
}

/**
 * n samples of N(0, 1), the same for the same seed (mulberry32 + Box–Muller):
 * fixed noise for pictures that should change only when the network does.
 */
export function gaussianNoise(n, seed = 1) {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return out;
}
