// One training step in slow motion: the training pauses, the engine takes
// exactly one real step on a few digits (traceStep, lab build) and hands back
// every stage, and Next / Back walk through them: the batch, each layer's
// forward output, the loss, each layer's gradient (output first, as
// backpropagation goes), the optimiser's update of one highlighted weight with
// its formula and numbers, and the new weights with the new loss on the same
// batch. Every number shown is the engine's; each sits in a <data> element
// whose value is the full number, for the reader who wants more digits and for
// the tests.

import { h } from '../../lib/dom.js';
import { PIXELS } from '../../lib/mnist.js';
import { diverging } from '../../draw/colour-maps.js';
import { paintImage } from '../../draw/images.js';
import { card } from '../kit/cards.js';
import { digitCanvas } from '../kit/canvases.js';
import { colourScale, slowStages } from './architecture.js';

const BATCH = 4;

const short = (v) =>
  Number.isInteger(v) && Math.abs(v) < 1e6
    ? String(v)
    : v == null || !Number.isFinite(v)
      ? '–'
      : Math.abs(v) >= 1e-3 || v === 0
        ? v.toPrecision(4)
        : v.toExponential(3);

/** A number as the engine gave it: shown short, its full value in `value` and data-key for what it is. */
const num = (key, v) => h('data', { value: String(v), dataset: { key } }, short(v));

function norm(a) {
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s);
}

/** Pauses the training through the app's own Play/Pause button, and waits until the worker has stopped. */
async function pauseTraining() {
  const play = document.querySelector('#play');
  if (play?.querySelector('.label')?.textContent !== 'Pause') return;
  play.click();
  // The worker has stopped once the status says so (app/run-controls.js).
  const stopped = () => document.querySelector('#run-status')?.textContent === 'Paused.';
  for (let i = 0; i < 100 && !stopped(); i++) await new Promise((r) => setTimeout(r, 50));
}

/** -> { el, reset(), destroy() } */
export function slowMotion(lesson) {
  const { client, pictures } = lesson;
  let trace = null;
  let stages = [];
  let at = 0;
  let before = 0;
  let own = false; // whether the traced step was the run's own (see take)

  const start = h(
    'button',
    { type: 'button', class: 'button', id: 'slow-start', on: { click: () => take() } },
    'Take one step in slow motion',
  );
  const back = h(
    'button',
    { type: 'button', class: 'button small', id: 'slow-back', disabled: true, on: { click: () => go(at - 1) } },
    '← Back',
  );
  const next = h(
    'button',
    { type: 'button', class: 'button small', id: 'slow-next', disabled: true, on: { click: () => go(at + 1) } },
    'Next →',
  );
  const count = h('span', { class: 'slow-count', id: 'slow-count', 'aria-live': 'polite' }, '');
  const stage = h(
    'div',
    {
      class: 'slow-stage',
      id: 'slow-stage',
      role: 'region',
      'aria-label': 'The stage of the step shown',
      tabindex: '-1',
    },
    h(
      'p',
      {},
      'Pauses the training; your network takes exactly one real step of its run on the next four training ' +
        'digits, with the optimiser’s own state (Adam’s t, m and v), and you walk through it stage by stage. ' +
        'Press Play and the run goes on from the step you watched.',
    ),
  );
  const el = card(
    {
      id: 'slow-title',
      title: 'One step in slow motion',
      hint: 'Every number here is the engine’s own, from that one step.',
      className: 'slow-card',
    },
    h('div', { class: 'slow-controls', role: 'group', 'aria-label': 'Slow motion' }, start, back, next, count),
    stage,
  );
  el.id = 'slow-motion';
  el.addEventListener('keydown', (e) => {
    if (!trace || e.target.tagName === 'INPUT') return;
    if (e.key === 'ArrowRight') go(at + 1);
    else if (e.key === 'ArrowLeft') go(at - 1);
    else return;
    e.preventDefault();
  });

  async function take() {
    start.disabled = true;
    stage.replaceChildren(h('p', {}, 'Taking one step (the first time, the lab build loads)…'));
    try {
      await pauseTraining();
      const cfg = await lesson.current(client.call('config'));
      const units = cfg.model.encoder[0] ?? cfg.model.latent;
      const kernel = cfg.model.conv?.[0]?.kernel;
      // A weight from the centre pixel, where the digits have ink; in a conv model, the centre of the first kernel.
      const index = kernel ? Math.floor((kernel * kernel) / 2) : (14 * 28 + 14) * units;
      before = (await lesson.current(client.call('progress'))).step;
      trace = await lesson.current(client.call('traceStep', BATCH, { layer: 'encoder.0', index }));
      // The run's own step, unless the run lives in the page's engine (after a crash, say): then a copy took it.
      own = (await lesson.current(client.call('progress'))).step === trace.step;
      el.dataset.own = String(own);
      stages = slowStages(trace);
      el.dataset.stepBefore = String(before);
      el.dataset.stepAfter = String(trace.step);
      go(0);
    } catch (e) {
      stage.replaceChildren(h('p', {}, `The step could not be traced: ${e?.message ?? 'the run changed'}.`));
    } finally {
      start.disabled = false;
      start.textContent = 'Take another step in slow motion';
    }
  }

  function go(i) {
    if (!trace || i < 0 || i >= stages.length) return;
    at = i;
    const s = stages[i];
    back.disabled = i === 0;
    next.disabled = i === stages.length - 1;
    count.textContent = `Stage ${i + 1} of ${stages.length}`;
    el.dataset.stage = s.id;
    el.dataset.stages = String(stages.length);
    stage.replaceChildren(...render(s));
    if (document.activeElement?.disabled || document.activeElement === document.body)
      (next.disabled ? back : next).focus();
  }

  /** A row of the batch's images (n × 784) or a batch × width matrix of cells. */
  function matrix(values, width, label, signed = false) {
    const n = values.length / width;
    if (width === PIXELS) {
      return h(
        'div',
        { class: 'slow-digits' },
        ...Array.from({ length: n }, (_, k) => {
          const c = digitCanvas({ 'aria-label': `${label}, digit ${k + 1}` });
          pictures.draw(c, (p) => paintImage(c, values, { offset: k * PIXELS, palette: p.digits }));
          return c;
        }),
      );
    }
    const cell = Math.max(2, Math.min(12, Math.floor(480 / width)));
    const c = h('canvas', {
      class: 'slow-matrix',
      width: width * cell,
      height: n * cell * 2,
      role: 'img',
      'aria-label': `${label}: ${n} rows (one a digit) of ${width} values`,
    });
    const { scale } = colourScale(values, signed ? 'identity' : 'relu');
    pictures.draw(c, (p) => {
      const ctx = c.getContext('2d');
      for (let k = 0; k < values.length; k++) {
        const t = values[k] / scale;
        ctx.fillStyle = `rgb(${diverging(t, p.diverging).join(',')})`;
        ctx.fillRect((k % width) * cell, Math.floor(k / width) * cell * 2, cell, cell * 2);
      }
    });
    return c;
  }

  function render(s) {
    const t = trace;
    if (s.kind === 'batch') {
      const noisy = t.input.some((v, k) => v !== t.batch[k]);
      return [
        h('h4', {}, `1. The batch: ${t.batch.length / PIXELS} training digits`),
        h(
          'p',
          {},
          'The next digits of the shuffled training set. The step works on all of them at once, as rows of one matrix.',
        ),
        matrix(t.batch, PIXELS, 'Batch'),
        noisy ? h('p', {}, 'What the network is given (with the lesson’s noise):') : null,
        noisy ? matrix(t.input, PIXELS, 'Noisy input') : null,
      ];
    }
    if (s.kind === 'forward') {
      const l = t.layers.find((x) => x.name === s.layer);
      const width = l.output.length / (t.batch.length / PIXELS);
      let min = Infinity;
      let max = -Infinity;
      for (const v of l.output) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      return [
        h('h4', {}, `Forward: ${l.name}`),
        h('p', {}, `Its output: ${width} values for each digit, from `, num('min', min), ' to ', num('max', max), '.'),
        matrix(l.output, width, `Output of ${l.name}`, min < 0),
      ];
    }
    if (s.kind === 'loss') {
      const terms = Object.entries(t.lossTerms ?? {}).filter(
        ([k, v]) => k !== 'total' && Number.isFinite(v) && v !== 0,
      );
      return [
        h('h4', {}, 'The loss'),
        h(
          'p',
          {},
          'How far the reconstructions are from the digits, averaged over the batch: ',
          num('loss', t.loss),
          '.',
        ),
        terms.length ? h('ul', {}, ...terms.map(([k, v]) => h('li', {}, `${k}: `, num(`term-${k}`, v)))) : null,
        h('p', {}, 'Backpropagation now sends its derivative back through the layers, the last one first.'),
      ];
    }
    if (s.kind === 'grad') {
      const g = t.grads.find((x) => x.name === s.layer);
      let big = 0;
      for (const v of g.grad) big = Math.max(big, Math.abs(v));
      return [
        h('h4', {}, `Backward: the gradient of ${g.name}`),
        h(
          'p',
          {},
          `∂loss/∂w for each of its ${g.grad.length} weights. Its norm ‖∇w‖ = `,
          num('gradNorm', g.gradNorm),
          '; the largest in size is ',
          num('gradMax', big),
          '.',
        ),
      ];
    }
    if (s.kind === 'optimizer') return optimiser(t.optimizer);
    const w = t.optimizer.weight;
    return [
      h('h4', {}, 'After the step'),
      h(
        'p',
        {},
        own
          ? `The run’s step counter went from ${before} to ${t.step}: Play goes on from here.`
          : `A copy of the network took this step (its optimiser started afresh, Adam’s t = 1); its step counter went from ${before} to ${t.step}, and the run you train is unchanged.`,
      ),
      h('p', {}, `The highlighted weight of ${w.layer} is now `, num('after-weight', w.after), '.'),
      h(
        'p',
        {},
        'The new weights: ',
        ...Object.entries(t.newWeights).flatMap(([name, v], k) => [
          k ? '; ' : '',
          `${name} (${v.length} values, norm `,
          num(`norm-${name}`, norm(v)),
          ')',
        ]),
        '.',
      ),
      h(
        'p',
        {},
        'The loss on the same batch went from ',
        num('loss-before', t.loss),
        ' to ',
        num('lossAfter', t.lossAfter),
        '.',
      ),
    ];
  }

  function optimiser(o) {
    const w = o.weight;
    const head = [
      h('h4', {}, `The optimiser (${o.kind}) updates every weight`),
      h(
        'p',
        {},
        `Followed here: weight ${w.index} of ${w.layer}, `,
        num('before', w.before),
        ', with gradient g = ',
        num('grad', w.grad),
        '.',
      ),
    ];
    if (o.kind !== 'adam' || w.mHat == null) {
      return [
        ...head,
        h(
          'p',
          { class: 'formula' },
          'update = lr · (g, or the momentum of g) = ',
          num('lr', o.lr),
          ' · … = ',
          num('update', w.update),
        ),
        h('p', { class: 'formula' }, 'w ← w − update = ', num('after', w.after)),
      ];
    }
    return [
      ...head,
      h(
        'ul',
        { class: 'formulas' },
        h(
          'li',
          {},
          'learning rate lr = ',
          num('lr', o.lr),
          ', β₁ = ',
          num('beta1', o.beta1),
          ', β₂ = ',
          num('beta2', o.beta2),
          ', ε = ',
          num('eps', o.eps),
          ', step t = ',
          num('t', o.t),
        ),
        h('li', {}, 'first moment m ← β₁·m + (1 − β₁)·g = ', num('m', w.m), ' (a running mean of the gradient)'),
        h('li', {}, 'second moment v ← β₂·v + (1 − β₂)·g² = ', num('v', w.v), ' (a running mean of its square)'),
        h(
          'li',
          {},
          'bias correction m̂ = m / (1 − β₁ᵗ) = ',
          num('mHat', w.mHat),
          ', v̂ = v / (1 − β₂ᵗ) = ',
          num('vHat', w.vHat),
        ),
        h('li', {}, 'update = lr · m̂ / (√v̂ + ε) = ', num('update', w.update)),
        h(
          'li',
          {},
          'w ← w − update = ',
          num('before-again', w.before),
          ' − ',
          num('update-again', w.update),
          ' = ',
          num('after', w.after),
        ),
      ),
      h(
        'p',
        {},
        'Dividing by √v̂ makes the step about lr in size whatever the gradient’s scale: that is why Adam needs little tuning.',
      ),
    ];
  }

  return {
    el,
    /** A new run: the traced step belongs to the old one. */
    reset() {
      trace = null;
      stages = [];
      back.disabled = true;
      next.disabled = true;
      count.textContent = '';
      delete el.dataset.stage;
    },
    destroy() {},
  };
}
