// A model from a file becomes the run: the worker reads it (the current model
// stays if it cannot), the page switches to the lesson built around its kind
// of model and shows the settings it was trained with. The run state is
// `loading` meanwhile, so nothing else replaces the run under it; a crash or
// another lesson asked for in the middle wins, and the load gives up quietly.

import { formatHash, trainerConfigs } from '../state/url-state.js';
import { LESSON_IDS } from '../lessons/index.js';
import { lessonForModel, readModelSummary } from '../state/model-file.js';
import { loadLesson } from './lesson-host.js';
import { sentence } from './status.js';
import { grouped } from '../lib/numbers.js';

/** A refused file's message: the engine's sentence (what the file is, what was expected), then that nothing changed. */
export const refusal = (why) => `${sentence(why)} The model you had is unchanged.`;

/**
 * @param {{
 *   run, engine, banner, status, snapshots,
 *   mounted: { lesson, view },
 *   controls: { current, newRun, play, stopWorker },
 *   showState: (state) => void,
 *   switchLesson: (hash, { mod, adopt: (state, stillWanted) => Promise<boolean> }) => Promise<boolean>,
 * }} parts
 */
export function createModelLoad({
  run,
  engine,
  banner,
  status,
  snapshots,
  mounted,
  controls,
  showState,
  switchLesson,
}) {
  /** The file could not be read or used: say so, and go back to what was there (playing again if it was). */
  function failed(title, text) {
    if (run.phase !== 'loading') return;
    banner.show('load-error', title, text);
    if (run.send('failed') && run.resumeWanted) controls.play();
  }

  /**
   * The model `load` read becomes the run under the mounted lesson, shown where
   * it left off: its step and epoch (the worker's), and its validation loss
   * (the file's, or evaluated now if the file has none) as the loss chart's
   * first point. -> false if `stillWanted()` turned false meanwhile; throws the worker's refusal.
   */
  async function adoptRun(state, summary, stillWanted) {
    const { main, ...companions } = trainerConfigs(state, mounted.lesson);
    const info = await engine.client.adopt(companions);
    if (!stillWanted()) return false;
    const evaluated = () =>
      engine.client.evaluate().then(
        ({ valLoss }) => valLoss,
        () => null,
      );
    const valLoss = summary?.valLoss ?? (await evaluated());
    if (!stillWanted()) return false;
    controls.newRun(info);
    mounted.view.reset({ ...info, valLoss }, state);
    return true;
  }

  /** Same lesson: the model read becomes the run under it. -> did it? */
  async function adoptHere(state, summary, name) {
    showState(state);
    try {
      if (!(await adoptRun(state, summary, () => run.phase === 'loading'))) return false;
      return run.send('loaded');
    } catch (err) {
      failed(`${name} could not be used`, sentence(err.message));
      return false;
    }
  }

  /** The loaded model is the state to go back to, should the worker crash before the next snapshot. */
  async function keepAsSnapshot() {
    let snapshot = null;
    try {
      snapshot = await engine.client.snapshot();
    } catch {
      // The next snapshot will do.
    }
    const { run: id, step } = controls.current;
    snapshots.reset(snapshot && { state: snapshot, step, at: Date.now(), run: id, lessonId: mounted.lesson.id });
  }

  /**
   * Reads a saved model in the worker; on success shows the settings it was
   * trained with (switching to the lesson built around its kind of model) and
   * makes it the run. On failure the message shows and the current model stays.
   */
  async function loadModel(bytes, name) {
    const wasTraining = run.running;
    if (!run.send('load')) return;
    if (wasTraining) await controls.stopWorker('Paused.');
    let config;
    try {
      ({ config } = await engine.client.load({ main: bytes }));
    } catch (err) {
      failed(`${name} could not be loaded`, refusal(err.message));
      return;
    }
    const summary = readModelSummary(bytes);
    const found = await lessonForModel(config, mounted.lesson, (id) => loadLesson(id).catch(() => null), LESSON_IDS);
    if (run.phase !== 'loading') return;
    const { mod, state, problems, differ } = found;
    const adopted =
      mod === mounted.lesson
        ? await adoptHere(state, summary, name)
        : await switchLesson(formatHash(state, mod), {
            mod,
            adopt: (shown, stillWanted) => adoptRun(shown, summary, stillWanted),
          });
    if (!adopted) return;
    await keepAsSnapshot();
    const steps = summary ? ` It had trained for ${grouped(summary.step)} steps.` : '';
    const shown = differ.length
      ? ` It uses settings this page has no control for (${differ.join(', ')}); Reset trains a new network with the settings shown.`
      : ' The settings panel and the address now show its settings.';
    banner.show('info', `Loaded ${name}`, `${steps}${shown}`.trim());
    if (problems.length) status.showNotice(problems);
    status.setRunStatus('Loaded. Press Play to train on, or Step for one minibatch.');
    document.body.dataset.loaded = String(Date.now());
  }

  return { loadModel };
}
