// Lesson 1, Reconstruct: train an autoencoder and watch its copies of digits
// (yours from the draw pad, and 16 fixed validation digits) sharpen as the
// reconstruction error falls.

import { h } from '../dom.js';
import { DrawPad } from '../pad.js';
import { paintImage, paintBlank, digitPalette } from '../images.js';
import { LossChart } from '../charts.js';

const PIXELS = 784;
const GRID = 16;
/** Reconstructions refresh at most this often while training (one worker round trip each). */
const REFRESH_MS = 150;
const LOSS_NAMES = { mse: 'MSE', bce: 'BCE' };

const fmtLoss = (v) => (v == null || !Number.isFinite(v) ? '–' : v.toPrecision(3));
const fmtInt = (v) => Math.round(v).toLocaleString('en-US');

function figure(canvas, caption) {
  return h('figure', { class: 'digit' }, canvas, h('figcaption', {}, caption));
}

function stat(id, label, extra = {}) {
  const value = h('dd', { id, ...extra }, '–');
  return { el: h('div', { class: 'stat' }, h('dt', {}, label), value), value };
}

function explainer() {
  const term = (t) => h('strong', {}, t);
  return h('section', { class: 'card explainer', 'aria-labelledby': 'explain-title' },
    h('h3', { id: 'explain-title' }, 'What is going on?'),
    h('div', { class: 'explain-columns' },
      h('div', {},
        h('p', {}, 'An ', term('autoencoder'), ' is a neural network trained to copy its input to its output. '
          + 'That sounds pointless until the middle of the network is made narrow:'),
        h('ul', {},
          h('li', {}, 'The ', term('encoder'), ' squeezes the 784 pixels of a digit into a short list of numbers, the ',
            term('code'), ' (or latent vector).'),
          h('li', {}, 'The ', term('bottleneck'), ' is that narrow layer. With 32 numbers instead of 784 the network cannot '
            + 'pass pixels straight through; it has to learn what digits have in common: strokes, loops, slant, thickness.'),
          h('li', {}, 'The ', term('decoder'), ' rebuilds all 784 pixels from the code alone.'),
          h('li', {}, 'The ', term('reconstruction error'), ' measures how far the copy is from the original. '
            + 'MSE averages the squared difference per pixel; BCE treats each pixel as the probability of ink. '
            + 'Every minibatch nudges all the weights to make this number smaller.'),
        ),
        h('p', {}, 'No labels are used: each digit is its own target. That is why autoencoders count as ',
          term('self-supervised'), ' learning.'),
      ),
      h('div', {},
        h('h4', {}, 'Things to try'),
        h('ul', {},
          h('li', {}, 'Set the latent size to 2. The copies turn into blurry averages: how small can the code get before a 4 and a 9 look alike?'),
          h('li', {}, 'Draw something that is not a digit, like a letter or a smiley. The network can only answer with digit-like shapes; '
            + 'a large error on such inputs is the idea behind anomaly detection.'),
          h('li', {}, 'Try a learning rate of 1 with Adam and watch the loss jump. Then compare SGD with and without momentum.'),
          h('li', {}, 'The validation loss is measured on 1,000 digits the network never trains on. If it rises while the training loss keeps falling, the network is overfitting.'),
        ),
        h('details', {},
          h('summary', {}, 'Interview corner'),
          h('dl', { class: 'qa' },
            h('dt', {}, 'Why not make the code as large as the input?'),
            h('dd', {}, 'Without a bottleneck (or another constraint such as sparsity or noise) the network can learn the identity function and nothing useful about the data.'),
            h('dt', {}, 'How does an autoencoder relate to PCA?'),
            h('dd', {}, 'A linear autoencoder trained with MSE learns the same subspace as PCA with as many components as its code. Non-linear activations let it follow curved structure that PCA cannot.'),
            h('dt', {}, 'Why report a validation loss?'),
            h('dd', {}, 'A low training loss can mean memorisation. Error on held-out digits shows whether the network learned something that generalises.'),
          ),
        ),
      ),
    ),
  );
}

function mount(root, { client, store, commit }) {
  let palette = digitPalette();
  let run = 0; // the trainer this view shows; 0 = none
  let validation = null; // Float32Array GRID*784
  let lastRecon = null; // reconstructions of the grid
  let lastPad = null; // { x, y } pad input and its reconstruction
  let padVersion = 0; // bumped on every pad change, so a late reply for an older drawing is not shown

  // The draw pad and what the network makes of it.
  const padCanvas = h('canvas', {
    id: 'pad', class: 'pad', width: 280, height: 280, role: 'img',
    'aria-label': 'Drawing pad: draw a digit here with a mouse, finger or pen',
    dataset: { empty: 'true' },
  });
  const padInput = h('canvas', { id: 'pad-input', class: 'digit-canvas large', width: 28, height: 28, 'aria-label': 'Your drawing as the network sees it, 28 by 28 pixels', role: 'img' });
  const padRecon = h('canvas', { id: 'pad-recon', class: 'digit-canvas large', width: 28, height: 28, 'aria-label': 'The network’s reconstruction of your drawing', role: 'img' });
  const padError = h('p', { class: 'pad-error', id: 'pad-error', 'aria-live': 'polite' }, 'Draw a digit to see its reconstruction.');
  const clearButton = h('button', { type: 'button', class: 'button small', id: 'pad-clear' }, 'Clear');
  const sampleButton = h('button', { type: 'button', class: 'button small', id: 'pad-sample', title: 'Put a validation digit on the pad' }, 'Sample digit');

  // The training readout and chart.
  const epoch = stat('stat-epoch', 'Epoch');
  const step = stat('stat-step', 'Step');
  const rate = stat('stat-rate', 'Samples/s');
  const loss = stat('stat-loss', 'Train loss');
  const val = stat('stat-val', 'Val. loss');
  const chartBox = h('div', { class: 'chart', id: 'loss-chart' });
  const logBox = h('input', { type: 'checkbox', id: 'log-scale' });
  logBox.checked = store.get().scale === 'log';

  // The validation grid: originals over reconstructions.
  const gridOriginals = [];
  const gridRecons = [];
  const grid = h('div', { class: 'digit-grid', id: 'val-grid' });
  for (let i = 0; i < GRID; i++) {
    const a = h('canvas', { class: 'digit-canvas', width: 28, height: 28, role: 'img', 'aria-label': `Validation digit ${i + 1}` });
    const b = h('canvas', { class: 'digit-canvas recon', width: 28, height: 28, role: 'img', 'aria-label': `Reconstruction of validation digit ${i + 1}` });
    gridOriginals.push(a);
    gridRecons.push(b);
    grid.append(h('div', { class: 'pair' }, a, b));
  }

  root.append(
    h('section', { class: 'lesson', 'aria-labelledby': 'lesson-title' },
      h('header', { class: 'lesson-header' },
        h('h2', { id: 'lesson-title' }, 'Reconstruct'),
        h('p', { class: 'lead' }, 'The network squeezes each 28×28 digit through a small code and tries to rebuild it. '
          + 'Press Play and watch its copies sharpen as the error falls.'),
      ),
      h('div', { class: 'cards' },
        h('section', { class: 'card pad-card', 'aria-labelledby': 'pad-title' },
          h('h3', { id: 'pad-title' }, 'Draw a digit'),
          h('div', { class: 'pad-row' },
            h('div', { class: 'pad-wrap' }, padCanvas),
            h('div', { class: 'pad-side' },
              figure(padInput, 'Input (28×28)'),
              h('div', { class: 'arrow', 'aria-hidden': 'true' },
                h('span', { class: 'arrow-down' }, '↓ encode · decode ↓'),
                h('span', { class: 'arrow-right' }, 'encode · decode →')),
              figure(padRecon, 'Reconstruction'),
            ),
          ),
          h('div', { class: 'pad-actions' }, clearButton, sampleButton, padError),
          h('p', { class: 'hint pad-hint' }, 'Draw with a mouse, finger or pen. Like the MNIST digits, your drawing is cropped, '
            + 'scaled to fit 20×20 pixels and centred by its centre of mass in a 28×28 image.'),
        ),
        h('section', { class: 'card chart-card', 'aria-labelledby': 'chart-title' },
          h('div', { class: 'card-head' },
            h('h3', { id: 'chart-title' }, 'Reconstruction error'),
            h('label', { class: 'check', for: 'log-scale' }, logBox, ' Log scale'),
          ),
          h('dl', { class: 'stats' }, epoch.el, step.el, rate.el, loss.el, val.el),
          chartBox,
        ),
      ),
      h('section', { class: 'card grid-card', 'aria-labelledby': 'grid-title' },
        h('h3', { id: 'grid-title' }, 'Validation digits'),
        h('p', { class: 'hint' }, 'Top: digits the network never trains on. Bottom: its reconstructions, refreshed as it learns.'),
        grid,
      ),
      explainer(),
    ),
  );

  const chart = new LossChart(chartBox, { log: logBox.checked, lossName: LOSS_NAMES[store.get().loss] });
  const pad = new DrawPad(padCanvas, {
    ink: () => getComputedStyle(padCanvas).color,
    onChange: () => {
      padVersion += 1;
      showPadInput();
      refresh();
    },
  });

  function showPadInput() {
    const x = pad.toMnist();
    if (x) paintImage(padInput, x, { palette });
    else paintBlank(padInput, { palette });
    if (!x) {
      lastPad = null;
      paintBlank(padRecon, { palette });
      padError.textContent = 'Draw a digit to see its reconstruction.';
    }
  }

  function paintAll() {
    for (let i = 0; i < GRID; i++) {
      if (validation) paintImage(gridOriginals[i], validation, { offset: i * PIXELS, palette });
      else paintBlank(gridOriginals[i], { palette });
      if (lastRecon) paintImage(gridRecons[i], lastRecon, { offset: i * PIXELS, palette });
      else paintBlank(gridRecons[i], { palette });
    }
    showPadInput();
    if (lastPad) paintImage(padRecon, lastPad.y, { palette });
  }

  // One worker round trip reconstructs the grid and the drawing together.
  async function reconstructNow() {
    if (!run || !validation) return;
    const padX = pad.toMnist();
    const n = GRID + (padX ? 1 : 0);
    const x = new Float32Array(n * PIXELS);
    x.set(validation);
    if (padX) x.set(padX, GRID * PIXELS);
    const forRun = run;
    const forPad = padVersion;
    const y = await client.reconstruct(x);
    if (forRun !== run) return;
    lastRecon = y.subarray(0, GRID * PIXELS);
    for (let i = 0; i < GRID; i++) paintImage(gridRecons[i], lastRecon, { offset: i * PIXELS, palette });
    if (padX && forPad === padVersion) {
      const py = y.subarray(GRID * PIXELS);
      lastPad = { x: padX, y: py };
      paintImage(padRecon, py, { palette });
      let se = 0;
      for (let i = 0; i < PIXELS; i++) se += (py[i] - padX[i]) ** 2;
      padError.textContent = `Error on your drawing (MSE): ${fmtLoss(se / PIXELS)}`;
      padError.dataset.mse = String(se / PIXELS);
    }
  }

  // At most one request in flight and one every REFRESH_MS; a request made meanwhile runs after.
  let inFlight = false;
  let again = false;
  let lastAt = 0;
  let timer = 0;
  function refresh() {
    if (inFlight || timer) {
      again = true;
      return;
    }
    const wait = lastAt + REFRESH_MS - performance.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = 0;
        refresh();
      }, wait);
      return;
    }
    inFlight = true;
    again = false;
    lastAt = performance.now();
    reconstructNow()
      .catch(() => {}) // a rebuild or a halted run; the next refresh tries again
      .finally(() => {
        inFlight = false;
        if (again) refresh();
      });
  }

  function resetReadout() {
    for (const s of [epoch, step, rate, loss, val]) {
      s.value.textContent = '–';
      delete s.value.dataset.value;
    }
    step.value.textContent = '0';
    step.value.dataset.value = '0';
    delete loss.value.dataset.lastLoss;
  }

  clearButton.addEventListener('click', () => pad.clear());
  let sampleIndex = 0;
  sampleButton.addEventListener('click', () => {
    if (!validation) return;
    pad.showDigit(validation.subarray(sampleIndex * PIXELS, (sampleIndex + 1) * PIXELS));
    sampleIndex = (sampleIndex + 1) % GRID;
  });
  logBox.addEventListener('change', () => commit({ scale: logBox.checked ? 'log' : 'linear' }));
  const scheme = matchMedia('(prefers-color-scheme: dark)');
  const onScheme = () => {
    palette = digitPalette();
    pad.retint();
    paintAll();
  };
  scheme.addEventListener('change', onScheme);
  paintAll();
  resetReadout();

  return {
    /** A new trainer (settings changed or Reset): clear the history and show its first reconstructions. */
    async reset(info, state) {
      run = info.run;
      lastRecon = null;
      lastPad = null;
      chart.reset({ lossName: LOSS_NAMES[state.loss] ?? state.loss });
      resetReadout();
      root.querySelector('.lesson').classList.remove('stale');
      try {
        const { images } = await client.validationImages(GRID);
        if (info.run !== run) return;
        validation = images;
        paintAll();
        refresh();
      } catch {
        // The next reset tries again; the grid stays blank meanwhile.
      }
    },

    /** The settings were refused: what is on screen belongs to an older network. */
    invalid() {
      run = 0;
      root.querySelector('.lesson').classList.add('stale');
    },

    /** A training slice finished. */
    stats(msg) {
      chart.push(msg.firstStep, msg.losses, msg.epochs);
      step.value.textContent = fmtInt(msg.step);
      step.value.dataset.value = String(msg.step);
      epoch.value.textContent = fmtInt(msg.epoch);
      epoch.value.dataset.value = String(msg.epoch);
      if (Number.isFinite(msg.samplesPerSec)) {
        rate.value.textContent = fmtInt(msg.samplesPerSec);
        rate.value.dataset.value = String(msg.samplesPerSec);
      }
      if (chart.lastSmoothed != null) {
        loss.value.textContent = fmtLoss(chart.lastSmoothed);
        loss.value.dataset.lastLoss = String(chart.lastSmoothed);
      }
      if (chart.lastVal != null) {
        val.value.textContent = fmtLoss(chart.lastVal);
        val.value.dataset.value = String(chart.lastVal);
      }
      refresh();
    },

    /** Training stopped by itself (diverged or early-stopped): show the final weights' output. */
    halted() {
      refresh();
    },

    setScale(scale) {
      logBox.checked = scale === 'log';
      chart.setLog(scale === 'log');
    },

    unmount() {
      clearTimeout(timer);
      scheme.removeEventListener('change', onScheme);
      pad.destroy();
      chart.destroy();
      root.replaceChildren();
    },
  };
}

export default { id: 'reconstruct', title: 'Reconstruct', mount };
