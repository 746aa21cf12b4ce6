// A diverging loss: the worker stops the run at the first non-finite loss and
// keeps the last good weights; this explains what happened in the banner and
// offers one click to go on with a learning rate ten times smaller.

const smaller = (lr) => Number((lr / 10).toPrecision(3));

/** @param page the app's shared state and operations (app/app.js). */
export function createDivergence(page) {
  const { store, banner } = page;

  function showDivergence(msg) {
    page.diverged = { trainer: msg.trainer ?? 'main' };
    const lr = store.get().lr;
    const who = page.diverged.trainer === 'main' ? 'The network' : `The ${page.diverged.trainer} network`;
    page.setRunStatus('Training stopped: the loss blew up.');
    banner.show(
      'halted',
      'Training stopped: the loss blew up',
      `${who} hit a loss that is no longer a finite number (after step ${page.lastStep.toLocaleString('en-US')}), ` +
        `so training stopped there and the weights were kept from the last good step. A learning rate of ${lr} is too large ` +
        'for these settings: each update overshoots, and the numbers grow until they overflow.',
      { id: 'resume-smaller', label: `Resume with learning rate ${smaller(lr)}`, onClick: resumeSmaller },
    );
  }

  /** Sets lr/10 on every trainer of the run (the diverged one goes back to good weights) and trains on. */
  async function resumeSmaller() {
    if (!page.diverged || !page.trainerOk) return;
    const lr = smaller(store.get().lr);
    const run = page.currentRun;
    let back = null;
    try {
      for (const name of page.trainerNames) {
        const step = await page.client.callOn(name, 'setLearningRate', lr);
        if (name === page.diverged.trainer) back = step;
      }
    } catch (err) {
      banner.show('halted', 'Training could not resume', err.message);
      return;
    }
    if (run !== page.currentRun) return;
    page.diverged = null;
    page.showState({ ...store.get(), lr }); // the trainers already have it: no rebuild
    banner.show(
      'info',
      `Resumed with learning rate ${lr}`,
      back == null
        ? 'Training goes on from where it stopped.'
        : `Training went back to the weights of step ${back.toLocaleString('en-US')}, the last ones saved before the loss blew up, and goes on from there.`,
    );
    await page.play();
  }

  return { showDivergence };
}
