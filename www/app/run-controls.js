// What Play, Pause, Step and Reset do, and how trainers are (re)built from the
// settings: each sends the run state its event first and talks to the worker
// only if the machine accepted it. Also what the worker reports back (stats,
// a halted run) and the tab going out of sight. It owns the current run's
// facts that are data, not phase: the worker's run id (so late stats of an
// old run are dropped), its trainers' names and the main trainer's step.

import { trainerConfigs } from '../state/url-state.js';
import { lessonData } from '../state/own-data.js';

const READY = 'Ready. Press Play to train, or Step for one minibatch.';
const HIDDEN = 'Paused while this tab is hidden.';

/** The status line while training: how many threads, and if one, why (worker/engines.js threadPlan). */
export function trainingText({ count = 1, why = null } = {}) {
  if (count > 1) return `Training (${count} threads)…`;
  return why ? `Training (1 thread: ${why})…` : 'Training (1 thread)…';
}

/**
 * @param {{
 *   run, engine, store, status, banner, snapshots,
 *   mounted: { lesson, view },  the lesson on the page (written by lesson-host.js)
 *   configError: HTMLElement,  where the Trainer's refusal of the settings is shown
 *   onDiverged: (msg) => void,  the loss blew up (divergence.js explains it)
 *   onCrash: (message: string) => void,  the worker died (recovery.js)
 * }} parts
 */
export function createRunControls({ run, engine, store, status, banner, snapshots, mounted, configError, ...on }) {
  const current = { run: 0, trainers: ['main'], step: 0 };

  /** The run changed (new trainers, or loaded ones): forget what belonged to the old one. */
  function newRun(info, { step = info.step ?? 0 } = {}) {
    current.run = info.run;
    current.trainers = Object.keys(info.trainers ?? { main: null });
    current.step = step;
    current.threads = info.threads ?? null; // the threads this run trains on (null: the engine's)
    snapshots.reset();
    configError.hidden = true;
    configError.textContent = '';
  }

  /** Stats and halts still on their way belong to a lesson that is going. */
  function forgetRun() {
    current.run = 0;
  }

  /**
   * Builds the trainers the settings describe, in whatever phase the caller
   * moved to (booting, switching, building, recovering). -> true if they were
   * built and are still wanted.
   */
  async function buildTrainers() {
    const { build } = run.tokens;
    try {
      const state = store.get();
      const { main, ...companions } = trainerConfigs(state, mounted.lesson);
      const info = await engine.client.create(main, {
        companions,
        engine: mounted.lesson.engine ?? 'core',
        data: mounted.lesson.dataSpec ? mounted.lesson.dataSpec(state) : lessonData(mounted.lesson),
      });
      if (!run.current('build', build)) return false;
      newRun(info);
      mounted.view.reset(info, store.get());
      run.send('built');
      return true;
    } catch (err) {
      if (!run.current('build', build)) return false;
      // The form keeps what the user typed; the Trainer's own sentence says what to change.
      configError.textContent = `These settings cannot be trained: ${err.message}`;
      configError.hidden = false;
      mounted.view?.invalid();
      run.send('refused');
      status.setRunStatus('Change the settings above to train.');
      return false;
    }
  }

  /** Builds, then plays if the run state wants it (it was playing, or Play was pressed meanwhile). */
  async function build() {
    if (banner.kind === 'halted') banner.hide();
    status.setRunStatus('Building the network…');
    if (!(await buildTrainers())) return;
    if (run.resumeWanted) await play();
    else status.setRunStatus(READY);
  }

  /** New trainers from changed settings; keeps playing if it was. */
  async function rebuild({ resume }) {
    if (run.send('build', { resume })) await build();
  }

  function reset() {
    const wasTraining = run.running;
    if (!run.send('reset')) return;
    if (wasTraining) stopWorker('Paused.');
    build();
  }

  async function play() {
    if (document.hidden) {
      // Nobody is watching: start when the tab is visible again.
      if (run.send('defer') && run.phase === 'hidden') status.setRunStatus(HIDDEN);
      return;
    }
    if (!run.send('play') || !run.running) return; // while building: it plays once built
    if (banner.kind === 'halted') banner.hide();
    status.setRunStatus(trainingText(current.threads ?? engine.threads));
    try {
      await engine.client.play();
    } catch (err) {
      if (engine.client.dead) return; // the crash is reported as a halt, and recovered from
      run.send('pause');
      status.setRunStatus(err.message);
    }
  }

  async function pause() {
    const wasTraining = run.running;
    if (run.send('pause') && wasTraining) await stopWorker('Paused.');
  }

  /** The worker may finish one more slice first; once it answers, no further stats come. */
  async function stopWorker(text) {
    status.setRunStatus('Pausing…');
    await engine.client.pause().catch(() => {});
    if (run.phase === 'paused' || run.phase === 'hidden') status.setRunStatus(text);
    mounted.view?.paused?.();
    takeSnapshot();
  }

  function togglePlay() {
    if (run.running || (run.phase === 'building' && run.resumeWanted)) pause();
    else play();
  }

  async function step() {
    if (!run.canStep) return;
    try {
      await engine.client.step();
      if (!run.send('step')) return;
      status.setRunStatus('Paused.');
      mounted.view?.paused?.();
    } catch (err) {
      if (!engine.client.dead) status.setRunStatus(err.message);
    }
  }

  /** Saves every trainer of the run, to restore them if the worker dies. */
  function takeSnapshot() {
    const { client } = engine;
    if (!(run.hasTrainers || run.phase === 'loading') || run.phase === 'diverged') return;
    if (!client || client.dead || !mounted.lesson) return;
    const { run: id, step: at } = current;
    snapshots.take({ run: id, lessonId: mounted.lesson.id, step: at, stillCurrent: () => id === current.run });
  }

  function onStats(msg) {
    if (msg.run !== current.run || !mounted.view) return;
    current.step = msg.step;
    mounted.view.stats(msg);
    if (run.running && snapshots.due()) takeSnapshot();
  }

  function onHalted(msg) {
    if (msg.reason === 'crashed') {
      on.onCrash(msg.message);
      return;
    }
    if (msg.run !== current.run) return;
    if (msg.reason === 'stopped') {
      if (!run.send('stop')) return;
      status.setRunStatus(`Training stopped: ${msg.message}`);
    } else {
      if (!run.send('diverge')) return;
      on.onDiverged(msg);
    }
    mounted.view?.halted(msg);
  }

  /** A hidden tab trains for nobody: pause, and pick up again when it is visible. */
  function onVisibilityChange() {
    if (document.hidden) {
      if (run.send('hide')) stopWorker(HIDDEN);
    } else if (run.phase === 'hidden') {
      play();
    }
  }

  return {
    /** { run, trainers, step } of the run the worker holds. */
    get current() {
      return current;
    },
    newRun,
    forgetRun,
    buildTrainers,
    build,
    rebuild,
    reset,
    play,
    pause,
    stopWorker,
    togglePlay,
    step,
    takeSnapshot,
    onStats,
    onHalted,
    onVisibilityChange,
  };
}
