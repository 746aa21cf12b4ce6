// A diverging loss: the worker stops the run at the first non-finite loss and
// keeps the last good weights; this explains what happened in the banner and
// offers one click to go on with a learning rate ten times smaller. The run
// state is already `diverged` when show() is called.

import { grouped } from '../lib/numbers.js';

const smaller = (lr) => Number((lr / 10).toPrecision(3));

/**
 * @param {{
 *   run, engine, store, banner, status,
 *   controls: { current: { run, trainers, step }, play() },
 *   showState: (state) => void,  the settings the trainers already have, shown without a rebuild
 * }} parts
 */
export function createDivergence({ run, engine, store, banner, status, controls, showState }) {
  let diverged = 'main'; // the trainer whose loss blew up

  function show(msg) {
    diverged = msg.trainer ?? 'main';
    const lr = store.get().lr;
    const who = diverged === 'main' ? 'The network' : `The ${diverged} network`;
    status.setRunStatus('Training stopped: the loss blew up.');
    banner.show(
      'halted',
      'Training stopped: the loss blew up',
      `${who} hit a loss that is no longer a finite number (after step ${grouped(controls.current.step)}), ` +
        `so training stopped there and the weights were kept from the last good step. A learning rate of ${lr} is too large ` +
        'for these settings: each update overshoots, and the numbers grow until they overflow.',
      { id: 'resume-smaller', label: `Resume with learning rate ${smaller(lr)}`, onClick: resumeSmaller },
    );
  }

  /** Sets lr/10 on every trainer of the run (the diverged one goes back to good weights) and trains on. */
  async function resumeSmaller() {
    if (run.phase !== 'diverged') return;
    const lr = smaller(store.get().lr);
    const { run: id, trainers } = controls.current;
    let back = null;
    try {
      for (const name of trainers) {
        const step = await engine.client.callOn(name, 'setLearningRate', lr);
        if (name === diverged) back = step;
      }
    } catch (err) {
      banner.show('halted', 'Training could not resume', err.message);
      return;
    }
    if (id !== controls.current.run) return;
    showState({ ...store.get(), lr }); // the trainers already have it: no rebuild
    banner.show(
      'info',
      `Resumed with learning rate ${lr}`,
      back == null
        ? 'Training goes on from where it stopped.'
        : `Training went back to the weights of step ${grouped(back)}, the last ones saved before the loss blew up, and goes on from there.`,
    );
    await controls.play();
  }

  return { show };
}
