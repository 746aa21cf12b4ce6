// The page's glue: read the settings and view flags from the URL, start the
// training worker (wasm + digits), mount the lesson the URL names, and wire the
// settings, the Play / Step / Reset buttons and the model tools to the worker.
// Lessons draw; this file decides when the trainers are rebuilt, started and
// stopped, and keeps training going through a hidden tab (paused until it is
// visible again). The parts live beside it, each sharing the `page` object:
//   app/lesson-host.js     loading, mounting and swapping lessons
//   app/status.js      the status line, the buttons, the notice, the fatal screen
//   app/divergence.js  a loss that blew up: one click resumes with a smaller learning rate
//   app/recovery.js    snapshots, and a crashed worker restarted with the model restored
//   app/model-load.js  a saved model from a file becomes the run
//   app/page-controls.js      skip link, settings drawer, presentation, help, shortcuts
//
// www/main.js starts it for the site; the single-file build starts it with a
// worker made from a Blob and the wasm and digits handed over inline.

import { parseHash, formatHash, createStore, lessonIdOf, rebuildKeys, trainerConfigs } from '../state/url-state.js';
import { parseFlags, withoutFlags } from '../state/view-flags.js';
import { applyFlags, moveFlagsToQuery, setQueryFlag, replaceUrl } from '../state/view-flags-page.js';
import { createBanner } from './banner.js';
import { createSnapshots } from './snapshots.js';
import { bindSettings } from '../state/settings-form.js';
import { buildLessonNav } from './lesson-nav.js';
import { TrainerClient } from '../worker/trainer-client.js';
import { LESSONS, LESSON_IDS } from '../lessons/index.js';
import { hasWasmSimd } from './simd-check.js';
import { createPresentation } from './presentation.js';
import { bindModelTools } from './model-tools.js';
import { createStatus } from './status.js';
import { createDivergence } from './divergence.js';
import { createRecovery } from './recovery.js';
import { createLessonHost, loadLesson } from './lesson-host.js';
import { createModelLoad } from './model-load.js';
import { bindChrome } from './page-controls.js';

const $ = (id) => document.getElementById(id);

/**
 * @param {{
 *   createClient?: () => TrainerClient,
 *   resources?: () => Promise<{ wasm: ArrayBuffer, digits: ArrayBuffer }>,  handed to the worker instead of fetched
 * }} [options]
 */
export function startApp({ createClient = () => new TrainerClient(), resources = null } = {}) {
  const ui = {
    play: $('play'),
    step: $('step'),
    reset: $('reset'),
    runStatus: $('run-status'),
    notice: $('notice'),
    banner: $('banner'),
    fatal: $('fatal'),
    configError: $('config-error'),
    root: $('lesson-root'),
    form: $('settings'),
    lessonFields: $('lesson-settings'),
    nav: $('lesson-nav'),
    settingsToggle: $('settings-toggle'),
  };

  // View flags first: they decide what shows while everything loads.
  const parsedFlags = parseFlags(location.search, location.hash);
  const flags = parsedFlags.flags;
  applyFlags(flags);
  if (parsedFlags.fromHash.length) moveFlagsToQuery(flags);
  const banner = createBanner(ui.banner);

  // Until the lesson module is loaded only the common settings can be read; mountLesson reads the hash again.
  const store = createStore(parseHash(withoutFlags(location.hash), { lessonIds: LESSON_IDS }).state);

  /**
   * What the parts of the app share: the page's pieces, the run's state and
   * (assigned below) every part's operations, so `page.play()` works anywhere.
   */
  const page = {
    ui,
    store,
    banner,
    flags,
    client: null,
    engine: null, // the worker's init(): wasm and digits loaded
    engineReady: false, // init() succeeded once, so a crash can be recovered from
    initOptions: null,
    lesson: null, // the mounted lesson module's default export
    view: null, // what its mount() returned
    lessonFields: { show() {} },
    ready: false, // worker and lesson loaded
    trainerOk: false, // the worker holds trainers built from the current settings
    trainerNames: ['main'],
    running: false,
    currentRun: 0,
    rebuildToken: 0,
    switchToken: 0,
    switching: false,
    resumeWanted: false,
    hiddenPaused: false, // paused because the tab went out of sight; resumes when it is back
    lastStep: 0, // the main trainer's step, for file names and messages
    diverged: null, // { trainer } while a divergence waits for the user
    recovering: false,
    noticeProblems: [...parsedFlags.problems],
  };
  page.snapshots = createSnapshots({ save: () => page.client.snapshot() });
  page.settings = bindSettings(ui.form, { get: store.get, commit });
  page.nav = buildLessonNav(ui.nav, LESSONS);
  page.nav.setCurrent(store.get().lesson);
  // The model tools (save, load, export) act on whatever run is current.
  page.tools = bindModelTools({
    root: document,
    lessonId: () => page.lesson?.id ?? 'model',
    step: () => page.lastStep,
    client: () => page.client,
    loadModel: (bytes, name) => page.loadModel(bytes, name),
    report: (kind, title, text) => banner.show(kind, title, text),
  });
  page.presentation = createPresentation({
    initial: flags.present,
    onChange: (on) => setQueryFlag('present', on ? '1' : null),
  });
  const { settings, snapshots } = page;

  Object.assign(page, {
    writeHash,
    commit,
    needsRebuild,
    showState,
    newRun,
    rebuild,
    play,
    pause,
    stepOnce,
    togglePlay,
    resetRun,
  });
  Object.assign(
    page,
    createStatus(page),
    createDivergence(page),
    createRecovery(page),
    createLessonHost(page),
    createModelLoad(page),
  );
  const { setRunStatus, updateButtons, showNotice, showFatal, takeSnapshot } = page;

  function writeHash(state) {
    replaceUrl(formatHash(state, page.lesson));
  }

  // ------------------------------------------------------------------ settings and runs

  /** Does a change to these keys need new trainers? */
  function needsRebuild(keys) {
    return rebuildKeys(page.lesson).some((k) => keys.includes(k));
  }

  /** A settings change from the form or a lesson: update the state and the URL, rebuild if needed. */
  function commit(patch) {
    if (!page.lesson || page.switching) {
      settings.show(store.get()); // too early: the lesson's settings are not known yet
      return;
    }
    store.set(patch);
    const state = store.get();
    writeHash(state);
    settings.show(state, { fields: Object.keys(patch) });
    page.lessonFields.show(state);
    showNotice([]);
    if ('scale' in patch) page.view?.setScale(patch.scale);
    if (needsRebuild(Object.keys(patch))) rebuild({ resume: true });
    else page.view?.update?.(state, patch);
  }

  /** A state change the trainers already have (the learning rate set on them, a loaded model's settings): no rebuild. */
  function showState(state) {
    store.replace(state);
    writeHash(state);
    settings.show(state);
    page.lessonFields.show(state);
  }

  /** The run changed (new trainers, or loaded ones): forget what belonged to the old one. */
  function newRun(info, { step = 0 } = {}) {
    page.currentRun = info.run;
    page.trainerNames = Object.keys(info.trainers ?? { main: null });
    page.trainerOk = true;
    page.lastStep = step;
    page.diverged = null;
    snapshots.reset();
    ui.configError.hidden = true;
    ui.configError.textContent = '';
  }

  /** Builds new trainers from the current settings; keeps playing if it was. */
  async function rebuild({ resume }) {
    if (!page.ready) return;
    const token = ++page.rebuildToken;
    page.resumeWanted = resume && (page.running || page.resumeWanted);
    page.running = false;
    page.trainerOk = false;
    if (banner.kind === 'halted') banner.hide();
    updateButtons();
    setRunStatus('Building the network…');
    try {
      const { main, ...companions } = trainerConfigs(store.get(), page.lesson);
      const info = await page.client.create(main, { companions });
      if (token !== page.rebuildToken) return;
      newRun(info);
      page.view.reset(info, store.get());
      const resumeNow = page.resumeWanted;
      page.resumeWanted = false;
      if (resumeNow) await play();
      else setRunStatus('Ready. Press Play to train, or Step for one minibatch.');
    } catch (err) {
      if (token !== page.rebuildToken) return;
      page.resumeWanted = false;
      page.trainerOk = false;
      // The form keeps what the user typed; the Trainer's own sentence says what to change.
      ui.configError.textContent = `These settings cannot be trained: ${err.message}`;
      ui.configError.hidden = false;
      page.view?.invalid();
      setRunStatus('Change the settings above to train.');
    }
    updateButtons();
  }

  // ------------------------------------------------------------------ play, pause, step, reset

  async function play() {
    if (!page.trainerOk || page.running) return;
    if (document.hidden) {
      // Nobody is watching: start when the tab is visible again.
      page.hiddenPaused = true;
      setRunStatus('Paused while this tab is hidden.');
      return;
    }
    page.running = true;
    page.hiddenPaused = false;
    if (banner.kind === 'halted') banner.hide();
    updateButtons();
    setRunStatus('Training…');
    try {
      await page.client.play();
    } catch (err) {
      page.running = false;
      if (!page.client.dead) setRunStatus(err.message);
      updateButtons();
    }
  }

  async function pause(status = 'Paused.') {
    if (!page.running) return;
    page.running = false;
    updateButtons();
    setRunStatus('Pausing…');
    // The worker may finish one more slice first; once it answers, no further stats come.
    await page.client.pause().catch(() => {});
    if (!page.running) setRunStatus(status);
    page.view?.paused?.();
    takeSnapshot();
  }

  async function stepOnce() {
    if (!page.trainerOk || page.running) return;
    try {
      await page.client.step();
      setRunStatus('Paused.');
      page.view?.paused?.();
    } catch (err) {
      if (!page.client.dead) setRunStatus(err.message);
    }
  }

  function togglePlay() {
    if (page.running) pause();
    else play();
  }

  function resetRun() {
    if (!page.ready) return;
    page.resumeWanted = false;
    pause();
    rebuild({ resume: false });
  }

  // ------------------------------------------------------------------ what the worker reports

  function onStats(msg) {
    if (msg.run !== page.currentRun || !page.view) return;
    page.lastStep = msg.step;
    page.view.stats(msg);
    if (page.running && snapshots.due()) takeSnapshot();
  }

  function onHalted(msg) {
    if (msg.reason === 'crashed') {
      page.recover(msg.message);
      return;
    }
    if (msg.run !== page.currentRun) return;
    page.running = false;
    updateButtons();
    if (msg.reason === 'stopped') {
      setRunStatus(`Training stopped: ${msg.message}`);
    } else {
      page.showDivergence(msg);
    }
    page.view?.halted(msg);
  }

  // ------------------------------------------------------------------ events

  window.addEventListener('hashchange', page.onHashChange);

  // A hidden tab trains for nobody: pause, and pick up again when it is visible.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      if (page.running) {
        page.hiddenPaused = true;
        pause('Paused while this tab is hidden.');
      }
    } else if (page.hiddenPaused) {
      page.hiddenPaused = false;
      if (page.trainerOk && !page.running) play();
      else if (!page.running) setRunStatus('Paused.');
    }
  });

  ui.play.addEventListener('click', togglePlay);
  ui.step.addEventListener('click', stepOnce);
  ui.reset.addEventListener('click', resetRun);
  bindChrome(page);

  // ------------------------------------------------------------------ boot

  async function boot() {
    if (!hasWasmSimd()) {
      showFatal(
        'This browser cannot run the training engine: it needs WebAssembly with SIMD, ' +
          'which Chrome 91+, Firefox 89+, Safari 16.4+ and Edge 91+ have. Please open this page in one of those.',
      );
      return;
    }
    let client;
    try {
      client = createClient();
    } catch (err) {
      showFatal(`This browser could not start a background worker for training: ${err.message}`);
      return;
    }
    page.client = client;
    client.on('stats', onStats);
    client.on('halted', onHalted);
    client.on('lab-failed', ({ message }) =>
      banner.show('load-error', 'Part of the training engine could not be loaded', message),
    );

    const token = ++page.switchToken;
    page.switching = true;
    let mod;
    try {
      page.initOptions = { ...(resources ? await resources() : {}), debug: flags.debug };
      page.engine = client.init(page.initOptions).then((v) => {
        page.engineReady = true;
        return v;
      });
      [, mod] = await Promise.all([page.engine, loadLesson(lessonIdOf(withoutFlags(location.hash), LESSON_IDS))]);
    } catch (err) {
      showFatal(err.message);
      return;
    }
    if (token !== page.switchToken) return; // the hash named another lesson meanwhile; switchLesson mounts it
    page.switching = false;
    page.mountLesson(mod, location.hash);
    await rebuild({ resume: false });
    if (token === page.switchToken) document.body.dataset.state = 'ready';
    if (flags.autoplay) await play();
  }

  const app = {
    get client() {
      return page.client;
    },
    get state() {
      return store.get();
    },
    get running() {
      return page.running;
    },
    get step() {
      return page.lastStep;
    },
    get snapshot() {
      const s = page.lesson && snapshots.latest(page.currentRun, page.lesson.id);
      return s && { step: s.step, at: s.at };
    },
    flags,
    play,
    pause,
    reset: resetRun,
    commit,
    takeSnapshot,
    presentation: page.presentation,
    /** Makes the worker fail the way a bug would (the page must have been opened with debug=1). */
    crashWorker: (kind = 'trap') => page.client.crash(kind).catch(() => {}),
  };
  // For the console and the soak test: only on a page opened with debug=1.
  if (flags.debug) window.__playground = app;

  boot().catch((err) => showFatal(err.message));
  return app;
}
