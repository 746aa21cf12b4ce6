// Inside the network: the architecture drawn layer by layer with every
// layer's activations for the drawing on the pad (or a chosen validation
// digit), the ReLU units that died, each layer's gradient norm and update
// ratio over training (kit/network-view.js), and one training step in slow
// motion (inside/slow-motion.js).

import { h } from '../lib/dom.js';
import { defineLesson } from './kit/lesson.js';
import { cards } from './kit/cards.js';
import { networkView } from './kit/network-view.js';
import { slowMotion } from './inside/slow-motion.js';
import { fmtLoss } from './kit/format.js';
import { mse } from './kit/pixels.js';

const term = (t) => h('strong', {}, t);
const link = (hash, text) => h('a', { href: hash }, text);

const DEEP = 'encoder=256,128,64,32&latent=16&lr=0.002&opt=adam';

const explain = () => ({
  body: [
    h(
      'p',
      {},
      'Each ',
      term('layer'),
      ' multiplies what it is given by its weights, adds a bias and passes the result through its ',
      term('activation'),
      ': ReLU keeps positive values and zeroes the rest, sigmoid squashes into 0…1, identity leaves the numbers as they are. ' +
        'The blocks above show those numbers for one digit, layer after layer.',
    ),
    h(
      'p',
      {},
      'The ',
      term('bottleneck'),
      ' (the code) is the narrowest block: everything the decoder knows about the digit has passed through it. ' +
        'A ReLU unit that is zero for every digit is ',
      term('dead'),
      ': no gradient reaches its weights, so it will never come back.',
    ),
    h(
      'p',
      {},
      term('Gradients'),
      ' flow backwards. Each layer multiplies them by its weights and by its activation’s slope. ' +
        'Sigmoid’s slope is at most 0.25, so in a deep sigmoid net the gradient shrinks layer by layer and the first layers barely move: the ',
      term('vanishing gradient'),
      '. The update ratio ‖Δw‖/‖w‖ shows how fast each layer is changing; around 10⁻³ is healthy.',
    ),
    h(
      'p',
      {},
      term('One step'),
      ' is: take a batch, run it forward, measure the loss, backpropagate to get every weight’s gradient, and let the optimiser move each weight. ' +
        'Slow motion shows each of these with the engine’s own numbers.',
    ),
  ],
  tryThis: [
    h(
      'span',
      {},
      link(`#lesson=inside&${DEEP}&act=sigmoid`, 'A deep sigmoid network'),
      ' (encoder 256, 128, 64, 32): train it and watch the update ratio of encoder.0 fall orders of magnitude below the decoder’s.',
    ),
    h(
      'span',
      {},
      link(`#lesson=inside&${DEEP}&act=relu`, 'The same depth with ReLU'),
      ': the ratios stay close together. Count the dead units.',
    ),
    h(
      'span',
      {},
      link('#lesson=inside&encoder=256,64&latent=32&opt=sgd&lr=5', 'A learning rate that explodes'),
      ' (plain SGD at lr 5): the gradient norms jump before the loss blows up.',
    ),
    'Draw a digit and hover the cells of encoder.0: each unit’s weights are a picture of the stroke it looks for.',
    'Take one step in slow motion and check Adam’s arithmetic on the highlighted weight with a calculator.',
  ],
  interview: [
    [
      'What does the bottleneck hold?',
      'A compressed description of the input: the few numbers from which the decoder can rebuild it. It keeps what varies most between digits (which digit, slant, thickness) and drops what it cannot afford, such as noise and fine detail.',
    ],
    [
      'Why do deep sigmoid networks stop learning?',
      'Backpropagation multiplies the gradient by each layer’s activation slope; sigmoid’s is at most 0.25 and near 0 when it saturates, so after a few layers the gradient reaching the first layers is tiny. ReLU (slope 1 where active), careful initialisation, normalisation and residual connections fix it.',
    ],
    [
      'What does one Adam step do?',
      'It keeps running means of each weight’s gradient (m) and squared gradient (v), corrects their bias towards 0 in the first steps (m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)) and moves the weight by lr·m̂/(√v̂+ε): about lr in size, in the direction the gradient has pointed lately.',
    ],
    [
      'What is a dead ReLU and how do you avoid it?',
      'A unit whose input is negative for every example: its output and gradient are zero, so it never recovers. A smaller learning rate, He initialisation or leaky ReLU keep units alive.',
    ],
  ],
});

function view(lesson) {
  const { client } = lesson;
  const pad = lesson.padCard({
    emptyMessage: 'Draw a digit to see it pass through the network.',
    onChange: () => {
      inside.refresh();
      recon();
    },
  });
  const training = lesson.trainingCard({ title: 'Reconstruction error' });
  const inside = networkView(lesson, { drawing: () => pad.drawing });
  const slow = slowMotion(lesson);
  lesson.own(inside);
  lesson.show(cards(pad.el, training.el), inside.el, slow.el);

  const recon = lesson.refresher(150, async () => {
    const { drawing, version } = pad;
    if (!drawing) return;
    const y = await lesson.current(client.reconstruct(drawing.slice()));
    if (version !== pad.version) return;
    pad.show('pad-recon', y);
    const err = mse(y, drawing);
    pad.message.textContent = `Error on your drawing (MSE): ${fmtLoss(err)}`;
    pad.message.dataset.mse = String(err);
  });

  return {
    reset() {
      inside.reset();
      slow.reset();
    },
  };
}

export default defineLesson({
  id: 'inside',
  title: 'Inside the network',
  lead:
    'The network drawn layer by layer, with what each layer makes of a digit, how strongly each layer is learning, ' +
    'and one training step taken apart stage by stage.',
  explain,
  digits: 8,
  // The step in slow motion (traceStep) is in the lab build only: the run lives there, so that step is the run's own.
  engine: 'lab',
  view,
});
