// The Impute lesson's explanation: how the holes are filled (the mean image,
// then one pass or five through the autoencoder), why only the missing pixels
// are scored, why a plain autoencoder can lose to the mean on a large hole and
// a denoising one does not, with a button that retrains the model with block
// noise. Built when mounted (node imports the module too, where there is no DOM).

import { h } from '../../lib/dom.js';

/** Built when mounted: modules load in node too (the settings tests), where there is no DOM. */
export function explain(commitNoise) {
  return {
    body: [
      'Mark some pixels as missing and start them at the average digit (the mean of each pixel over the training set). ' +
        'The autoencoder reconstructs the whole image; its output replaces the missing pixels only, the known ones stay. ' +
        'Five passes feed each guess back in, so the known strokes pull the guess toward a digit that fits them.',
      'Scores count the missing pixels only (known pixels are right by construction and would dilute the error), and the ' +
        'baseline is the mean image on its own. A plain autoencoder does well on scattered holes, but a large block filled with ' +
        'the mean is unlike anything it was trained on, and it can do worse than the mean there (the engine measured ' +
        'a 14×14 centre hole: mean 0.171, plain autoencoder 0.184).',
      h(
        'p',
        {},
        'A ',
        h('strong', {}, 'denoising'),
        ' autoencoder trained with block or masking noise has practised exactly this: ' +
          'it learnt to repair digits with erased pixels, so it fills large holes far better (0.113 on the same hole). ',
        h(
          'button',
          { type: 'button', class: 'button small', on: { click: () => commitNoise('block') } },
          'Train with block noise',
        ),
      ),
    ],
    tryThis: [
      'Random pixels at 50%: the network fills them better than the mean. Raise the share to 90%: how long does it keep up?',
      'Centre square, 14 pixels, with the plain model: compare one pass with the mean. Then retrain with block noise.',
      'Erase a stroke that tells two digits apart (the top bar of a 7, the loop of a 9) and see which digit the network guesses.',
    ],
    interview: [
      [
        'Why score only the missing pixels?',
        'The known pixels are copied, so including them only shrinks every error toward zero and hides the differences.',
      ],
      [
        'Why can iterating help?',
        'Each pass gives the network a more digit-like input than the mean fill did, closer to what it was trained on.',
      ],
      [
        'Where is this used?',
        'Inpainting photos, filling gaps in sensor and survey data, and the masked-autoencoder pre-training behind many vision models.',
      ],
    ],
  };
}
