// Crash recovery: when the worker dies (a trap, out of memory) a fresh one is
// started and the last snapshot put back (run-controls.js takes them while
// training), without a reload. After a recovery the lesson's view gets
// reset(info, state) again on the same client, as after a rebuild. A crash in
// the middle of a lesson switch starts the switch over on the fresh worker.

import { sentence } from './status.js';
import { grouped } from '../lib/numbers.js';

/**
 * @param {{
 *   run, engine, store, banner, status, snapshots,
 *   mounted: { lesson, view },
 *   controls: { current, newRun, buildTrainers, play },
 *   restartSwitch: () => Promise<boolean>,  the lesson switch the crash interrupted, from the start
 * }} parts
 */
export function createRecovery({ run, engine, store, banner, status, snapshots, mounted, controls, restartSwitch }) {
  /** The worker died: start a fresh one and put back the last snapshot (or a fresh model). */
  async function recover(message) {
    if (!engine.loadedOnce || !mounted.lesson || run.phase === 'error') {
      status.showFatal(message);
      return;
    }
    if (!run.accepts('crash')) return; // already recovering (or booting, which fails on its own)
    const now = Date.now();
    if (!snapshots.crashAllowed()) {
      status.showFatal(
        `${sentence(message)} It crashed ${snapshots.crashCount} times within a minute, so it was not restarted again.`,
      );
      return;
    }
    const switching = run.phase === 'switching';
    const saved = snapshots.latest(controls.current.run, mounted.lesson.id);
    run.send('crash');
    const { build } = run.tokens;
    document.body.dataset.recovered = 'pending';
    status.setRunStatus('Restarting the training engine…');
    banner.show('crashed', 'The training engine crashed', `${sentence(message)} Restarting it…`);
    const restarted = (text) => {
      banner.show('crashed', 'The training engine crashed and was restarted', `${sentence(message)} ${text}`);
      document.body.dataset.recovered = 'true';
    };
    try {
      await engine.restart();
      if (switching) {
        const switched = restartSwitch(); // it waits for the restarted engine itself
        restarted('It was restarted, and the lesson is loaded with a fresh model.');
        await switched;
        return;
      }
      if (!run.current('build', build)) return; // another lesson was asked for meanwhile
      if (!saved) {
        const built = await controls.buildTrainers();
        if (!run.current('build', build)) return;
        if (!built) {
          restarted('It was restarted, but the settings shown cannot be trained, so there is no model yet.');
          return;
        }
        restarted('It was restarted with a fresh model: the crash came before any state was saved.');
      } else {
        const info = await engine.client.restore(saved.state);
        if (!run.current('build', build)) return;
        controls.newRun(info, { step: saved.step });
        snapshots.keep({ ...saved, run: info.run }); // still the state to go back to, should it crash again
        mounted.view.reset(info, store.get());
        run.send('built');
        const ago = Math.max(0, Math.round((now - saved.at) / 1000));
        restarted(
          `It was restarted, and the model was restored as it was at step ${grouped(saved.step)} (${ago} s before the crash).`,
        );
      }
      status.setRunStatus('Ready. Press Play to train, or Step for one minibatch.');
      if (run.resumeWanted) await controls.play();
    } catch (err) {
      if (run.phase === 'recovering') status.showFatal(`${sentence(message)} Restarting it failed too: ${err.message}`);
    }
  }

  return { recover };
}
