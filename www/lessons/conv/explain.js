// The Convolutional lesson's explanation: why convolutions suit images, what
// stride and a transposed convolution do, checkerboard artefacts, and what the
// shift chart can and cannot show. Built when mounted (node imports the module
// too, where there is no DOM).

import { h } from '../../lib/dom.js';
import { leadIn } from '../kit/explainer.js';

const link = (hash, text) => h('a', { href: hash }, text);

export function explain() {
  return {
    body: [
      leadIn(
        'Why convolutions for images. ',
        'A dense layer connects every pixel to every unit: each unit has 784 weights, each tied to one position. ' +
          'A convolutional layer learns a few small kernels instead (3×3 here) and slides each one over the whole image, ' +
          'computing at every position the weighted sum of the patch under it. That is three ideas at once. Locality: a unit ' +
          'looks at a small neighbourhood, where edges, stroke ends and corners are. Weight sharing: the same kernel is used at ' +
          'every position, so a stroke detector learned in one place works everywhere. And far fewer parameters: the small ' +
          'network’s first layer is 8 kernels of 9 weights plus 8 biases, 80 numbers, where a dense layer with as many outputs ' +
          '(8×14×14 = 1,568) would need 784 × 1,568 ≈ 1.2 million.',
      ),
      leadIn(
        'Stride and depth. ',
        'Stride 2 moves the kernel two pixels at a time, so each block halves the image (28×28 → 14×14 → 7×7) while adding ' +
          'channels, and a unit of a deeper layer sees a larger part of the digit: 3, then 7, then 15 pixels across. The code in ' +
          'the middle is an ordinary dense layer from the last feature maps to the bottleneck; most of this network’s parameters ' +
          'are in it and in the dense layer back out.',
      ),
      leadIn(
        'Going back up. ',
        'The decoder mirrors the encoder with transposed convolutions. Each input value stamps a copy of the kernel, scaled ' +
          'by that value, onto a larger output, two pixels apart for stride 2, and overlapping stamps add up: a 7×7 map becomes ' +
          '14×14. It is the convolution run backwards (its gradient with respect to the input), not its inverse.',
      ),
      leadIn(
        'Checkerboards. ',
        'A 3×3 kernel at stride 2 overlaps unevenly: some output pixels get contributions from one stamp, others from two or ' +
          'four, so a transposed convolution easily paints a faint grid, most visible early in training (Odena, Dumoulin and Olah, ' +
          '2016). A kernel size divisible by the stride evens the overlap; resizing the image first (nearest-neighbour or bilinear ' +
          'upsampling) and then applying an ordinary convolution avoids the problem altogether. This engine uses transposed ' +
          'convolutions, so look for the grid in the first hundred steps.',
      ),
      leadIn(
        'Moving the digit. ',
        'Because the kernels are shared, the conv layers are equivariant: move the digit and their feature maps move with it ' +
          '(half as many cells per stride-2 layer; an odd shift lands between cells). The dense code layer is not: it has its own ' +
          'weights for every position of the last feature maps. So neither network here is shift-invariant, and both were ' +
          'trained on centred digits only. The chart shows how much each one’s error grows off centre.',
      ),
    ],
    tryThis: [
      'Move the shift slider while watching the feature maps: the same patterns move with the digit, layer after layer.',
      h(
        'span',
        {},
        link('#lesson=conv&conv=16,8,8&latent=32', 'The Keras blog’s shape with a 32-number code'),
        ': about 12,000 parameters, and the dense network of that size can only afford a 7-number code.',
      ),
      'Press Reset and watch the convolutional row during the first hundred steps: is there a grid in the grey?',
      h(
        'span',
        {},
        link('#lesson=conv&latent=2', 'A 2-number code'),
        ': with so little room in the middle, does the architecture around it still matter?',
      ),
      'Compare the kernels with the Filters lesson’s 28×28 filters: here a few 3×3 patterns do the work everywhere.',
      'Type your own blocks in the Network settings’ Conv blocks, e.g. 16k5s1,16 (a 5×5 kernel at stride 1, then a 3×3 one at stride 2): they replace the preset, and the dense network is resized to match.',
    ],
    interview: [
      [
        'Why use convolutions for images?',
        'Pixels are related to their neighbours and patterns recur anywhere in the image. Local kernels shared across positions capture that with far fewer parameters than a dense layer, generalise better, and their outputs move with the input (translation equivariance); stacking them builds features of growing size.',
      ],
      [
        'How many parameters does a conv layer have?',
        'C_in · C_out · k² weights plus C_out biases, whatever the image size: 16 → 8 channels with 3×3 kernels is 1,160.',
      ],
      [
        'What does a transposed convolution do?',
        'It upsamples with learned weights: each input value spreads a scaled copy of the kernel over the output, stride pixels apart, and overlaps add. Equivalently: insert stride − 1 zeros between the inputs and convolve. It is the adjoint (the backward pass) of a convolution, not its inverse.',
      ],
      [
        'What are checkerboard artefacts and how do you avoid them?',
        'A grid pattern from the uneven overlap of a transposed convolution whose kernel size is not divisible by its stride. Use a kernel size divisible by the stride, or upsample by resizing (nearest or bilinear) and then apply a normal convolution.',
      ],
      [
        'Is a convolutional network translation-invariant?',
        'Its conv layers are equivariant (up to strides and borders); pooling adds a little invariance, and dense layers at the end remove much of it. Invariance usually comes from training on shifted copies (data augmentation) or from global pooling.',
      ],
    ],
  };
}
