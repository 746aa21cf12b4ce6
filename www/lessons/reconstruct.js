// Lesson 1, Reconstruct: train an autoencoder and watch its copies of digits
// (yours from the draw pad, and 16 fixed validation digits) sharpen as the
// reconstruction error falls.

import { h } from '../lib/dom.js';
import { paintImage, paintBlank, digitPalette } from '../draw/images.js';
import {
  PIXELS,
  lessonHeader,
  TrainingCard,
  digitCanvas,
  fmtLoss,
  throttle,
  onSchemeChange,
  mse,
} from './kit/common.js';
import { padCard, cyclingSampler, RECON_STAGES } from './kit/pad-card.js';

const GRID = 16;
/** Reconstructions refresh at most this often while training (one worker round trip each). */
const REFRESH_MS = 150;
const LOSS_NAMES = { mse: 'MSE', bce: 'BCE' };

function explainer() {
  const term = (t) => h('strong', {}, t);
  return h(
    'section',
    { class: 'card explainer', 'aria-labelledby': 'explain-title' },
    h('h3', { id: 'explain-title' }, 'What is going on?'),
    h(
      'div',
      { class: 'explain-columns' },
      h(
        'div',
        {},
        h(
          'p',
          {},
          'An ',
          term('autoencoder'),
          ' is a neural network trained to copy its input to its output. ' +
            'That sounds pointless until the middle of the network is made narrow:',
        ),
        h(
          'ul',
          {},
          h(
            'li',
            {},
            'The ',
            term('encoder'),
            ' squeezes the 784 pixels of a digit into a short list of numbers, the ',
            term('code'),
            ' (or latent vector).',
          ),
          h(
            'li',
            {},
            'The ',
            term('bottleneck'),
            ' is that narrow layer. With 32 numbers instead of 784 the network cannot ' +
              'pass pixels straight through; it has to learn what digits have in common: strokes, loops, slant, thickness.',
          ),
          h('li', {}, 'The ', term('decoder'), ' rebuilds all 784 pixels from the code alone.'),
          h(
            'li',
            {},
            'The ',
            term('reconstruction error'),
            ' measures how far the copy is from the original. ' +
              'MSE averages the squared difference per pixel; BCE treats each pixel as the probability of ink. ' +
              'Every minibatch nudges all the weights to make this number smaller.',
          ),
        ),
        h(
          'p',
          {},
          'No labels are used: each digit is its own target. That is why autoencoders count as ',
          term('self-supervised'),
          ' learning.',
        ),
      ),
      h(
        'div',
        {},
        h('h4', {}, 'Things to try'),
        h(
          'ul',
          {},
          h(
            'li',
            {},
            'Set the latent size to 2. The copies turn into blurry averages: how small can the code get before a 4 and a 9 look alike?',
          ),
          h(
            'li',
            {},
            'Draw something that is not a digit, like a letter or a smiley. The network can only answer with digit-like shapes; ' +
              'a large error on such inputs is the idea behind anomaly detection.',
          ),
          h(
            'li',
            {},
            'Try a learning rate of 1 with Adam and watch the loss jump. Then compare SGD with and without momentum.',
          ),
          h(
            'li',
            {},
            'The validation loss is measured on 1,000 digits the network never trains on. If it rises while the training loss keeps falling, the network is overfitting.',
          ),
        ),
        h(
          'details',
          {},
          h('summary', {}, 'Interview corner'),
          h(
            'dl',
            { class: 'qa' },
            h('dt', {}, 'Why not make the code as large as the input?'),
            h(
              'dd',
              {},
              'Without a bottleneck (or another constraint such as sparsity or noise) the network can learn the identity function and nothing useful about the data.',
            ),
            h('dt', {}, 'How does an autoencoder relate to PCA?'),
            h(
              'dd',
              {},
              'A linear autoencoder trained with MSE learns the same subspace as PCA with as many components as its code. Non-linear activations let it follow curved structure that PCA cannot.',
            ),
            h('dt', {}, 'Why report a validation loss?'),
            h(
              'dd',
              {},
              'A low training loss can mean memorisation. Error on held-out digits shows whether the network learned something that generalises.',
            ),
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
  const EMPTY = 'Draw a digit to see its reconstruction.';

  const card = padCard({
    stages: RECON_STAGES,
    arrowBefore: 1,
    emptyMessage: EMPTY,
    onChange: () => {
      padVersion += 1;
      showPadInput();
      refresh();
    },
    sampleDigit: cyclingSampler(() => validation, GRID),
  });
  const { pad } = card;
  const padInput = card.canvases['pad-input'];
  const padRecon = card.canvases['pad-recon'];
  const padError = card.message;

  const training = new TrainingCard({
    store,
    commit,
    title: 'Reconstruction error',
    lossName: (s) => LOSS_NAMES[s.loss] ?? s.loss,
  });

  // The validation grid: originals over reconstructions.
  const gridOriginals = [];
  const gridRecons = [];
  const grid = h('div', { class: 'digit-grid', id: 'val-grid' });
  for (let i = 0; i < GRID; i++) {
    const a = digitCanvas({ 'aria-label': `Validation digit ${i + 1}` });
    const b = digitCanvas({ class: 'digit-canvas recon', 'aria-label': `Reconstruction of validation digit ${i + 1}` });
    gridOriginals.push(a);
    gridRecons.push(b);
    grid.append(h('div', { class: 'pair' }, a, b));
  }

  root.append(
    h(
      'section',
      { class: 'lesson', 'aria-labelledby': 'lesson-title' },
      lessonHeader(
        'Reconstruct',
        'The network squeezes each 28×28 digit through a small code and tries to rebuild it. ' +
          'Press Play and watch its copies sharpen as the error falls.',
      ),
      h('div', { class: 'cards' }, card.el, training.el),
      h(
        'section',
        { class: 'card grid-card', 'aria-labelledby': 'grid-title' },
        h('h3', { id: 'grid-title' }, 'Validation digits'),
        h(
          'p',
          { class: 'hint' },
          'Top: digits the network never trains on. Bottom: its reconstructions, refreshed as it learns.',
        ),
        grid,
      ),
      explainer(),
    ),
  );

  function showPadInput() {
    const x = pad.toMnist();
    if (x) paintImage(padInput, x, { palette });
    else paintBlank(padInput, { palette });
    if (!x) {
      lastPad = null;
      paintBlank(padRecon, { palette });
      padError.textContent = EMPTY;
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
      const err = mse(py, padX);
      padError.textContent = `Error on your drawing (MSE): ${fmtLoss(err)}`;
      padError.dataset.mse = String(err);
    }
  }

  // At most one request in flight and one every REFRESH_MS; a request made meanwhile runs after.
  const refresh = throttle(reconstructNow, REFRESH_MS);

  const stopScheme = onSchemeChange(() => {
    palette = digitPalette();
    pad.retint();
    paintAll();
  });
  paintAll();

  return {
    /** A new trainer (settings changed or Reset): clear the history and show its first reconstructions. */
    async reset(info, state) {
      run = info.run;
      lastRecon = null;
      lastPad = null;
      training.reset(state);
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
      training.stats(msg);
      refresh();
    },

    /** Training stopped by itself (diverged or early-stopped): show the final weights' output. */
    halted() {
      refresh();
    },

    setScale(scale) {
      training.setScale(scale);
    },

    unmount() {
      refresh.stop();
      stopScheme();
      card.destroy();
      training.destroy();
      root.replaceChildren();
    },
  };
}

export default { id: 'reconstruct', title: 'Reconstruct', mount };
