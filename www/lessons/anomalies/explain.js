// The Anomalies lesson's explanation: why reconstruction error is an anomaly
// score, what the held-out class is on the digits, on a person's labelled or
// unlabelled data and on the faulty machines, and where it fails (the measured
// AUC of each held-out digit). Built when mounted; no DOM.

import { fmtInt } from '../kit/format.js';

/** Machine sensors: the training windows are all healthy, and the faults are in a held-out set of their own. */
export const faultsHeldOut = (info) => Boolean(info?.heldOutFaults);

export function explain(lesson) {
  const own = lesson?.data;
  const faults = faultsHeldOut(own);
  const labelled = own?.labelNames?.length > 0 && !faults;
  const plural = own?.view === 'image' ? 'images' : 'rows';
  return {
    body: [
      'An autoencoder learns to rebuild the kind of data it was trained on. Show it something of another kind and it answers ' +
        'with the nearest thing it knows, so its reconstruction error goes up. That error is an anomaly score: no labels of ' +
        'anomalies are needed, only normal data, which is why this is used for fraud, faulty machines and bad sensor readings.',
      !own
        ? 'Here the “anomaly” is a digit class the network never saw. The threshold is set on normal validation digits only ' +
          '(the 99th percentile flags 1% of normal digits as false alarms), as it would be in practice, where anomalies are rare and unlabelled.'
        : faults
          ? `Here the anomalies are faulty machines. The network trains on windows of healthy machines only; a held-out set of ${fmtInt(own.scoredRows)} windows, ` +
            'a share of them with a fault injected (a spike, a drift, a stuck sensor or a changed rhythm on one sensor), is scored in the card below: ' +
            'its ROC curve says how well the error separates faulty windows from healthy ones, and the worst windows show which sensor, and when, the error comes from.'
          : labelled
            ? `Here the “anomaly” is a class of your ${plural} (one of your labels, held out in the settings) that the network never saw. ` +
              `The threshold is set on normal validation ${plural} only (the 99th percentile flags 1% of them as false alarms), ` +
              'as it would be in practice, where anomalies are rare and unlabelled.'
            : `Your ${plural} have no labels, so no class can be held out and nothing says which ones are anomalies: ` +
              `the network trains on all of them, and the error still ranks the test ${plural}, the ones it rebuilds worst first. ` +
              'Give the data a label column (or folders) to hold a class out and get a ROC curve.',
      `It does not always work${own ? ', on the digits either' : ''}. The engine measured the AUC for each held-out digit after 600 steps of a small model: ` +
        '0: 0.90, 1: 0.42, 2: 0.94, 3: 0.83, 4: 0.76, 5: 0.85, 6: 0.81, 7: 0.66, 8: 0.87, 9: 0.59. A 1 is a single stroke, ' +
        'easy to rebuild even for a network that never saw one, so it scores lower than typical digits (AUC under 0.5). ' +
        'A 9 looks much like a 4 and a 7, which the network did see.',
    ],
    tryThis: [
      faults
        ? 'Raise the faulty share in the Your data lesson, or change the code size, and watch the AUC in the card below.'
        : own && !labelled
          ? `Move the threshold: lower it and more test ${plural} are flagged; which ones go first is the ranking.`
          : own
            ? 'Hold out each class in turn: a class that is easy to rebuild from what the network did see scores low, even under 0.5.'
            : 'Hold out 1 and watch the AUC fall below 0.5: “unusual” is not the same as “hard to reconstruct”.',
      own && !labelled
        ? null
        : 'Move the threshold: lower it and recall rises while precision falls. The dot on the ROC curve moves along it.',
      own && !lesson.pictures.shape.digits
        ? `Press Next ${plural === 'images' ? 'image' : 'row'} on the meter: how far above the threshold ${labelled ? 'do the held-out ones go' : 'does each one go'}?`
        : 'Draw a letter, a smiley or a scribble on the pad: how far above the threshold does it go?',
      faults
        ? 'Look at the worst windows: does the red in their error bars sit on one sensor, where the fault is?'
        : labelled || !own
          ? 'Train longer: does the AUC rise, or does the network get better at rebuilding the unseen class too?'
          : 'Train longer: do the same rows stay on top?',
    ].filter(Boolean),
    interview: [
      [
        'What does the AUC mean here?',
        'The probability that a random held-out digit scores higher than a random normal one. 0.5 is guessing; 1 is a perfect ranking.',
      ],
      [
        'Why not just train a classifier?',
        'A classifier needs labelled anomalies, which are rare and change over time. An autoencoder needs only normal data.',
      ],
      [
        'Precision or recall?',
        'It depends on the cost: missing a fault (recall) versus chasing false alarms (precision). The threshold trades one for the other.',
      ],
    ],
  };
}
