// Snapshots and crash recovery: while training, every trainer of the run is
// saved now and then (in the worker, for this thread); when the worker dies
// (a trap, out of memory) a fresh one is started and the last snapshot put
// back, without a reload. After a recovery the lesson's view gets
// reset(info, state) again on the same client, as after a rebuild.

import { trainerConfigs } from '../state/url-state.js';
import { sentence } from './status.js';

/** @param page the app's shared state and operations (app/app.js). */
export function createRecovery(page) {
  const { store, banner, snapshots } = page;

  /** Saves every trainer of the run, to restore them if the worker dies. */
  function takeSnapshot() {
    if (!page.trainerOk || !page.client || page.client.dead || page.diverged || !page.lesson) return;
    const run = page.currentRun;
    snapshots.take({ run, lessonId: page.lesson.id, step: page.lastStep, stillCurrent: () => run === page.currentRun });
  }

  /** The worker died: start a fresh one and put back the last snapshot (or a fresh model). */
  async function recover(message) {
    if (!page.engineReady || !page.lesson || document.body.dataset.state === 'error') {
      page.showFatal(message);
      return;
    }
    if (page.recovering) return;
    const now = Date.now();
    if (!snapshots.crashAllowed()) {
      page.showFatal(
        `${sentence(message)} It crashed ${snapshots.crashCount} times within a minute, so it was not restarted again.`,
      );
      return;
    }
    page.recovering = true;
    const wasRunning = page.running || page.resumeWanted || page.hiddenPaused;
    const saved = snapshots.latest(page.currentRun, page.lesson.id);
    page.running = false;
    page.trainerOk = false;
    page.resumeWanted = false;
    page.rebuildToken += 1; // a rebuild in flight belonged to the dead worker
    page.updateButtons();
    document.body.dataset.recovered = 'pending';
    page.setRunStatus('Restarting the training engine…');
    banner.show('crashed', 'The training engine crashed', `${sentence(message)} Restarting it…`);
    const { client } = page;
    try {
      client.restart();
      await client.init(page.initOptions);
      let text;
      if (saved) {
        const info = await client.restore(saved.state);
        page.newRun(info, { step: saved.step });
        snapshots.keep({ ...saved, run: info.run }); // still the state to go back to, should it crash again
        page.view.reset(info, store.get());
        const ago = Math.max(0, Math.round((now - saved.at) / 1000));
        text = `It was restarted, and the model was restored as it was at step ${saved.step.toLocaleString('en-US')} (${ago} s before the crash).`;
      } else {
        const { main, ...companions } = trainerConfigs(store.get(), page.lesson);
        const info = await client.create(main, { companions });
        page.newRun(info);
        page.view.reset(info, store.get());
        text = 'It was restarted with a fresh model: the crash came before any state was saved.';
      }
      banner.show('crashed', 'The training engine crashed and was restarted', `${sentence(message)} ${text}`);
      document.body.dataset.recovered = 'true';
      page.setRunStatus('Ready. Press Play to train, or Step for one minibatch.');
      page.recovering = false;
      page.updateButtons();
      if (wasRunning) await page.play();
    } catch (err) {
      page.recovering = false;
      page.showFatal(`${sentence(message)} Restarting it failed too: ${err.message}`);
    }
  }

  return { takeSnapshot, recover };
}
