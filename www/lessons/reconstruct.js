// Lesson 1, Reconstruct: train an autoencoder and watch its copies of digits
// (yours from the draw pad, and 16 fixed validation digits) sharpen as the
// reconstruction error falls.

import { h } from '../lib/dom.js';
import { defineLesson } from './kit/lesson.js';
import { card, cards } from './kit/cards.js';
import { digitCanvas } from './kit/canvases.js';
import { fmtLoss } from './kit/format.js';
import { mse, withDrawing } from './kit/pixels.js';
import { digitRowsWords } from './kit/alt-text.js';

const GRID = 16;
/** Reconstructions refresh at most this often while training (one worker round trip each). */
const REFRESH_MS = 150;

const term = (t) => h('strong', {}, t);

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
const explain = () => ({
  body: [
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
  ],
  tryThis: [
    'Set the latent size to 2. The copies turn into blurry averages: how small can the code get before a 4 and a 9 look alike?',
    'Draw something that is not a digit, like a letter or a smiley. The network can only answer with digit-like shapes; ' +
      'a large error on such inputs is the idea behind anomaly detection.',
    'Try a learning rate of 1 with Adam and watch the loss jump. Then compare SGD with and without momentum.',
    'The validation loss is measured on 1,000 digits the network never trains on. If it rises while the training loss keeps falling, the network is overfitting.',
  ],
  interview: [
    [
      'Why not make the code as large as the input?',
      'Without a bottleneck (or another constraint such as sparsity or noise) the network can learn the identity function and nothing useful about the data.',
    ],
    [
      'How does an autoencoder relate to PCA?',
      'A linear autoencoder trained with MSE learns the same subspace as PCA with as many components as its code. Non-linear activations let it follow curved structure that PCA cannot.',
    ],
    [
      'Why report a validation loss?',
      'A low training loss can mean memorisation. Error on held-out digits shows whether the network learned something that generalises.',
    ],
  ],
});

/** What one row of the lesson's data is called: a digit, an image, a row. */
const nounOf = (lesson) => (!lesson.data ? 'digit' : lesson.data.view === 'image' ? 'image' : 'row');

function view(lesson) {
  const { client, pictures } = lesson;
  const noun = nounOf(lesson);
  const pad = lesson.padCard({ emptyMessage: 'Draw a digit to see its reconstruction.', onChange: () => refresh() });
  const training = lesson.trainingCard({ title: 'Reconstruction error' });

  // The validation grid: originals over reconstructions.
  const originals = [];
  const recons = [];
  const grid = h('div', { class: 'digit-grid', id: 'val-grid' });
  for (let i = 0; i < GRID; i++) {
    const a = digitCanvas({ 'aria-label': `Validation digit ${i + 1}` });
    const b = digitCanvas({ class: 'digit-canvas recon', 'aria-label': `Reconstruction of validation digit ${i + 1}` });
    originals.push(a);
    recons.push(b);
    grid.append(h('div', { class: 'pair' }, a, b));
  }
  lesson.showDigits(originals);
  lesson.answers(recons);
  lesson.describe(grid, 'Validation digits over their reconstructions', () =>
    digitRowsWords({
      pictures,
      labels: lesson.labels,
      names: lesson.data?.labelNames,
      rows: [
        { name: 'originals', canvases: originals },
        { name: 'reconstructions', canvases: recons, against: originals },
      ],
    }),
  );

  lesson.show(
    cards(pad.el, training.el),
    card(
      {
        id: 'grid-title',
        title: `Validation ${noun}s`,
        hint: `Top: ${noun}s the network never trains on. Bottom: its reconstructions, refreshed as it learns.`,
        className: 'grid-card',
      },
      grid,
    ),
  );

  // One worker round trip reconstructs the grid and the drawing together.
  const refresh = lesson.refresher(REFRESH_MS, async () => {
    const { drawing, version } = pad;
    const y = await lesson.current(client.reconstruct(withDrawing(lesson.digits, GRID, drawing, pictures.size)));
    pictures.row(recons, y);
    if (!drawing || version !== pad.version) return;
    const padY = y.subarray(GRID * pictures.size);
    pad.show('pad-recon', padY);
    const err = mse(padY, drawing);
    const what = pictures.shape.digits ? 'your drawing' : pictures.shape.kind === 'values' ? 'this row' : 'this image';
    pad.message.textContent = `Error on ${what} (MSE): ${fmtLoss(err)}`;
    pad.message.dataset.mse = String(err);
  });
}

export default defineLesson({
  id: 'reconstruct',
  title: 'Reconstruct',
  lead: (lesson) =>
    `The network squeezes each ${lesson.data ? `${nounOf(lesson)} of your data` : '28×28 digit'} through a small code and tries to rebuild it. ` +
    'Press Play and watch its copies sharpen as the error falls.',
  explain,
  digits: GRID,
  view,
});
