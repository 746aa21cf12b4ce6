// A model from a file becomes the run: the worker reads it (the current model
// stays if it cannot), the page switches to the lesson built around its kind
// of model and shows the settings it was trained with.

import { formatHash, trainerConfigs } from '../state/url-state.js';
import { LESSON_IDS } from '../lessons/index.js';
import { lessonForModel, readModelSummary } from '../state/model-file.js';
import { loadLesson } from './lesson-host.js';

/** @param page the app's shared state and operations (app/app.js). */
export function createModelLoad(page) {
  const { banner, snapshots } = page;

  /**
   * Reads a saved model in the worker; on success shows the settings it was
   * trained with (switching to the lesson built around its kind of model) and
   * makes it the run. On failure the message shows and the current model stays.
   */
  async function loadModel(bytes, name) {
    if (!page.ready || page.recovering) return;
    const wasRunning = page.running;
    if (page.running) await page.pause();
    let config;
    try {
      ({ config } = await page.client.load({ main: bytes }));
    } catch (err) {
      banner.show('load-error', `${name} could not be loaded`, `${err.message} The model you had is unchanged.`);
      if (wasRunning) page.play();
      return;
    }
    const summary = readModelSummary(bytes);
    const { mod, state, problems, differ } = await lessonForModel(
      config,
      page.lesson,
      (id) => loadLesson(id).catch(() => null),
      LESSON_IDS,
    );
    if (mod !== page.lesson) {
      await page.switchLesson(formatHash(state, mod), { mod, adopt: true });
    } else {
      page.showState(state);
      try {
        const { main, ...companions } = trainerConfigs(state, page.lesson);
        const info = await page.client.adopt(companions);
        page.newRun(info, { step: summary?.step ?? 0 });
        page.view.reset(info, state);
      } catch (err) {
        banner.show('load-error', `${name} could not be used`, err.message);
        return;
      }
    }
    page.lastStep = summary?.step ?? 0;
    // The loaded model is the state to go back to, should the worker crash before the next snapshot.
    let snapshot = null;
    try {
      snapshot = await page.client.snapshot();
    } catch {
      // The next snapshot will do.
    }
    snapshots.reset(
      snapshot && {
        state: snapshot,
        step: page.lastStep,
        at: Date.now(),
        run: page.currentRun,
        lessonId: page.lesson.id,
      },
    );
    const steps = summary ? ` It had trained for ${summary.step.toLocaleString('en-US')} steps.` : '';
    const shown = differ.length
      ? ` It uses settings this page has no control for (${differ.join(', ')}); Reset trains a new network with the settings shown.`
      : ' The settings panel and the address now show its settings.';
    banner.show('info', `Loaded ${name}`, `${steps}${shown}`.trim());
    if (problems.length) page.showNotice(problems);
    page.setRunStatus('Loaded. Press Play to train on, or Step for one minibatch.');
    document.body.dataset.loaded = String(Date.now());
    page.updateButtons();
  }

  return { loadModel };
}
