// Contractive: a penalty on how strongly the code reacts to its input, trained
// beside a plain autoencoder of the same size (a companion trainer, 'plain').
// A slider adds growing Gaussian noise to a few digits; both networks'
// reconstructions and how much they moved are shown, and a chart plots the
// change of code and reconstruction against the noise level for both.

import { h } from '../lib/dom.js';
import { paintImage, paintBlank, digitPalette, accentPalette } from '../draw/images.js';
import { LineChart, TermsChart } from '../charts/line-chart.js';
import { numberChoice, range } from '../state/setting-types.js';
import { settingField } from '../state/lesson-settings-form.js';
import {
  PIXELS,
  lessonHeader,
  TrainingCard,
  digitRows,
  explainer,
  stat,
  showStat,
  throttle,
  onSchemeChange,
  gaussianNoise,
} from './kit/common.js';

const COUNT = 8;
const LEVELS = Array.from({ length: 11 }, (_, i) => i * 0.05); // σ = 0 … 0.5 for the chart
const REFRESH_MS = 400;
const CHANGE_GAIN = 2; // change maps are shown ×2 so small changes are visible
const LOSS_NAMES = { mse: 'MSE', bce: 'BCE' };
const EXACTLY =
  'The penalty is computed exactly, in closed form (Rifai et al. 2011), on the last encoder layer only: ' +
  'it is the Jacobian of the code with respect to that layer’s input, which is treated as given.';

const settings = {
  lambda: numberChoice('Contractive weight λ', [0.001, 0.003, 0.01, 0.03, 0.1], 0.01, {
    min: 0,
    max: 10,
    hint: () => 'Weight of λ‖∂h/∂x‖², the squared Jacobian of the code h. The plain network has λ = 0.',
  }),
  sigma: range('Test noise σ', {
    min: 0,
    max: 0.5,
    step: 0.05,
    def: 0.2,
    rebuild: false,
    inPanel: false,
    describe: (v) => `σ = ${v.toFixed(2)}`,
    hint: () => 'Gaussian noise added to the digits below (the same noise pattern at every level, scaled by σ).',
  }),
};

function explanation() {
  return explainer({
    body: [
      'A contractive autoencoder adds λ times the squared Frobenius norm of the Jacobian ∂h/∂x of its code to the loss: ' +
        'the code is penalised for reacting to small changes of the input. Reconstruction pulls the other way, so the code ' +
        'stays sensitive only along directions in which real digits vary.',
      h(
        'p',
        {},
        h('strong', {}, 'What this engine computes. '),
        EXACTLY,
        ' With a sigmoid code h = σ(a·W + b), ' +
          'that is Σⱼ (hⱼ(1 − hⱼ))² Σᵢ Wᵢⱼ², where a is the last hidden layer’s output. Both networks here use a sigmoid code layer; ' +
          'they differ only in λ.',
      ),
    ],
    tryThis: [
      'Move the σ slider: the contractive network’s reconstructions should move less than the plain one’s.',
      'Raise λ to 0.1: the code stops reacting to anything, and every digit comes back as the same blur.',
      'Compare the two reconstruction curves: robustness costs some accuracy on clean digits.',
    ],
    interview: [
      [
        'Contractive versus denoising?',
        'Denoising makes the reconstruction robust by training on noisy inputs (a sampled, finite-noise version); the contractive penalty makes the code robust analytically, for infinitesimal changes, without sampling noise.',
      ],
      [
        'Why only the last layer?',
        'The exact Jacobian of a deep encoder is expensive; the penalty on one layer has a closed form that costs about as much as the layer itself.',
      ],
    ],
  });
}

/** Root-mean-square difference between rows [a0, a0 + n) and [b0, b0 + n) of two arrays. */
function rms(a, a0, b0, n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += (a[a0 + i] - a[b0 + i]) ** 2;
  return Math.sqrt(s / n);
}

function mount(root, { client, store, commit }) {
  let palette = digitPalette();
  let heat = accentPalette();
  let run = 0;
  let latent = 0;
  let digits = null;
  let batch = null; // the digits at every chart level, then at the slider's σ
  let batchSigma = null;
  let last = null;
  const noise = gaussianNoise(COUNT * PIXELS, 7);

  const sigmaField = settingField('sigma', settings.sigma, { get: store.get, commit });
  const rows = digitRows(COUNT, [
    { id: 'cae-input', label: 'Input + noise' },
    { id: 'cae-recon', label: 'Contractive', className: 'recon' },
    { id: 'cae-change', label: 'its change' },
    { id: 'plain-recon', label: 'Plain', className: 'recon' },
    { id: 'plain-change', label: 'its change' },
  ]);
  const caeMoved = stat('stat-cae-change', 'Contractive: code moved');
  const plainMoved = stat('stat-plain-change', 'Plain: code moved');
  const changeBox = h('div', { class: 'chart small', id: 'change-chart' });
  const termsBox = h('div', { class: 'chart small', id: 'terms-chart' });
  const plainLoss = stat('stat-plain-recon', 'Plain');
  const caeLoss = stat('stat-recon', 'Contractive');
  const penalty = stat('stat-penalty', 'Penalty λ‖J‖²');
  const training = new TrainingCard({
    store,
    commit,
    title: 'Training loss (contractive network)',
    lossName: (s) => `${LOSS_NAMES[s.loss] ?? s.loss} + penalty`,
  });

  root.append(
    h(
      'section',
      { class: 'lesson', 'aria-labelledby': 'lesson-title' },
      lessonHeader(
        'Contractive',
        'A contractive autoencoder is penalised for how strongly its code reacts to small changes of the input, ' +
          'so nearby inputs get nearby codes. You would use it for features that should not flicker with noise or small distortions.',
      ),
      h('p', { class: 'lead-note', id: 'penalty-note' }, EXACTLY),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'perturb-title' },
        h(
          'div',
          { class: 'card-head wrap' },
          h('h3', { id: 'perturb-title' }, 'Same digits, growing noise'),
          h('dl', { class: 'stats inline' }, caeMoved.el, plainMoved.el),
        ),
        h('div', { class: 'slider-field' }, sigmaField.el),
        rows.el,
        h(
          'p',
          { class: 'hint' },
          `“its change” is how far each reconstruction moved from the one without noise (brighter = more, shown ×${CHANGE_GAIN}).`,
        ),
      ),
      h(
        'div',
        { class: 'cards even' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'change-title' },
          h('h3', { id: 'change-title' }, 'How far the output moves'),
          h(
            'p',
            { class: 'hint' },
            'Root-mean-square change of the code (solid) and of the reconstruction (dashed) as the noise grows, over the digits above.',
          ),
          changeBox,
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'terms-title' },
          h('h3', { id: 'terms-title' }, 'Reconstruction error, side by side'),
          h('dl', { class: 'stats' }, caeLoss.el, plainLoss.el, penalty.el),
          termsBox,
        ),
      ),
      training.el,
      explanation(),
    ),
  );
  const change = new LineChart(changeBox, {
    x: 'noise σ',
    y: 'RMS change',
    points: true,
    series: [
      { label: 'contractive: code', color: '--series-1' },
      { label: 'plain: code', color: '--series-2' },
      { label: 'contractive: reconstruction', color: '--series-1', dash: [6, 4] },
      { label: 'plain: reconstruction', color: '--series-2', dash: [6, 4] },
    ],
  });
  const terms = new TermsChart(termsBox, {
    y: 'reconstruction',
    y2: 'penalty',
    series: [
      { key: 'recon', label: 'contractive', color: '--series-1' },
      { key: 'recon', trainer: 'plain', label: 'plain', color: '--series-2' },
      { key: 'contractive', label: 'penalty', color: '--series-3', scale: 'y2', dash: [3, 3] },
    ],
  });

  /** The digits with noise at every chart level, then at σ; rebuilt when σ changes. */
  function makeBatch(sigma) {
    const levels = [...LEVELS, sigma];
    const x = new Float32Array(levels.length * COUNT * PIXELS);
    levels.forEach((s, l) => {
      const o = l * COUNT * PIXELS;
      for (let i = 0; i < COUNT * PIXELS; i++) x[o + i] = Math.min(1, Math.max(0, digits[i] + s * noise[i]));
    });
    batchSigma = sigma;
    return x;
  }

  function paintRows() {
    const paintRow = (id, data, offset, pal = palette) =>
      rows.rows[id].forEach((c, i) => {
        data ? paintImage(c, data, { offset: offset + i * PIXELS, palette: pal }) : paintBlank(c, { palette: pal });
      });
    const at = LEVELS.length * COUNT * PIXELS; // the slider's images
    paintRow('cae-input', batch, at);
    paintRow('cae-recon', last?.cae.y, at);
    paintRow('plain-recon', last?.plain.y, at);
    for (const [name, id] of [
      ['cae', 'cae-change'],
      ['plain', 'plain-change'],
    ]) {
      const y = last?.[name].y;
      const diff = y ? new Float32Array(COUNT * PIXELS) : null;
      if (y) for (let i = 0; i < diff.length; i++) diff[i] = CHANGE_GAIN * Math.abs(y[at + i] - y[i]);
      paintRow(id, diff, 0, heat);
    }
  }

  async function refreshNow() {
    if (!run || !digits) return;
    const forRun = run;
    const sigma = store.get().sigma;
    if (!batch || batchSigma !== sigma) batch = makeBatch(sigma);
    const [cc, cy, pc, py] = await Promise.all([
      client.call('encode', batch),
      client.call('reconstruct', batch),
      client.callOn('plain', 'encode', batch),
      client.callOn('plain', 'reconstruct', batch),
    ]);
    if (forRun !== run) return;
    last = { cae: { c: cc, y: cy }, plain: { c: pc, y: py } };
    const nc = COUNT * latent;
    const ny = COUNT * PIXELS;
    const curve = (arr, n) => LEVELS.map((_, l) => rms(arr, l * n, 0, n));
    change.setData([LEVELS, curve(cc, nc), curve(pc, nc), curve(cy, ny), curve(py, ny)]);
    showStat(caeMoved, rms(cc, LEVELS.length * nc, 0, nc));
    showStat(plainMoved, rms(pc, LEVELS.length * nc, 0, nc));
    paintRows();
  }
  const refresh = throttle(refreshNow, REFRESH_MS);

  const stopScheme = onSchemeChange(() => {
    palette = digitPalette();
    heat = accentPalette();
    paintRows();
  });

  return {
    async reset(info, state) {
      run = info.run;
      latent = info.latentSize;
      last = null;
      training.reset(state);
      terms.reset();
      change.setData([[], [], [], [], []]);
      for (const s of [caeMoved, plainMoved, caeLoss, plainLoss, penalty]) showStat(s, null);
      root.querySelector('.lesson').classList.remove('stale');
      try {
        if (!digits) digits = (await client.validationImages(COUNT)).images;
        if (info.run !== run) return;
        batch = makeBatch(state.sigma);
        paintRows();
        refresh();
      } catch {
        // The next reset tries again.
      }
    },
    invalid() {
      run = 0;
      root.querySelector('.lesson').classList.add('stale');
    },
    stats(msg) {
      training.stats(msg);
      terms.push(msg);
      showStat(caeLoss, terms.last(0));
      showStat(plainLoss, terms.last(1));
      showStat(penalty, terms.last(2));
      refresh();
    },
    /** σ changed (the slider, or the URL): new noisy inputs, same networks. */
    update(state) {
      sigmaField.show(state);
      refresh();
    },
    halted() {
      refresh();
    },
    setScale(scale) {
      training.setScale(scale);
    },
    unmount() {
      refresh.stop();
      stopScheme();
      training.destroy();
      change.destroy();
      terms.destroy();
      root.replaceChildren();
    },
  };
}

export default {
  id: 'contractive',
  title: 'Contractive',
  settingsTitle: 'Contractive penalty',
  settings,
  defaults: { encoder: [256], latent: 32 },
  config(state, cfg) {
    cfg.model.latentActivation = 'sigmoid';
    cfg.train.contractive = state.lambda;
    return cfg;
  },
  /** The plain autoencoder to compare with: the same network and seed, without the penalty. */
  companions(_state, main) {
    main.train.contractive = 0;
    return { plain: main };
  },
  note: () => 'Both networks use a sigmoid code layer and the same seed; a plain one (λ = 0) trains beside this one.',
  mount,
};
