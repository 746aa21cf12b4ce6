// The page's shell: read the view flags and settings from the URL, make the
// parts, wire them to the page's events, and boot (start the training worker,
// mount the lesson the URL names, build its trainers). Lessons draw; the parts
// below decide when trainers are built, started and stopped, and every one of
// them reads the phase from, and sends its events to, the one run state:
//   app/run-state.js        the phase machine (booting, training, paused, diverged, recovering…)
//   app/engine.js           the worker client, its engine loading and restart
//   app/run-controls.js     Play / Pause / Step / Reset, (re)building trainers, what the worker reports
//   app/settings-sync.js    settings <-> store, hash and forms; asks for a rebuild
//   app/lesson-host.js      loading, mounting and swapping lessons
//   app/status.js           the status line, the buttons (drawn from the run state), the fatal screen
//   app/divergence.js       a loss that blew up: one click resumes with a smaller learning rate
//   app/recovery.js         a crashed worker restarted with the model restored
//   app/model-load.js       a saved model from a file becomes the run
//   app/page-controls.js    skip link, settings drawer, presentation, help, shortcuts
//
// www/main.js starts it for the site; the single-file build starts it with a
// worker made from a Blob and the wasm and digits handed over inline.

import { parseHash, createStore, trainerConfigs } from '../state/url-state.js';
import { parseFlags, withoutFlags } from '../state/view-flags.js';
import { applyFlags, moveFlagsToQuery, setQueryFlag } from '../state/view-flags-page.js';
import { TrainerClient } from '../worker/trainer-client.js';
import { LESSONS, LESSON_IDS } from '../lessons/index.js';
import { createRunState } from './run-state.js';
import { createEngine } from './engine.js';
import { createBanner } from './banner.js';
import { createSnapshots } from './snapshots.js';
import { buildLessonNav } from './lesson-nav.js';
import { hasWasmSimd } from './simd-check.js';
import { createPresentation } from './presentation.js';
import { bindModelTools } from './model-tools.js';
import { createStatus } from './status.js';
import { createRunControls } from './run-controls.js';
import { createSettingsSync } from './settings-sync.js';
import { createDivergence } from './divergence.js';
import { createRecovery } from './recovery.js';
import { createLessonHost, createMounted } from './lesson-host.js';
import { createModelLoad } from './model-load.js';
import { nextTask } from '../lib/dom.js';
import { bindChrome } from './page-controls.js';

const $ = (id) => document.getElementById(id);

/**
 * @param {{
 *   createClient?: () => TrainerClient,
 *   resources?: () => Promise<{ wasm: ArrayBuffer, digits: ArrayBuffer }>,  handed to the worker instead of fetched
 * }} [options]
 */
export function startApp({ createClient = () => new TrainerClient(), resources = null } = {}) {
  // View flags first: they decide what shows while everything loads.
  const { flags, problems, fromHash } = parseFlags(location.search, location.hash);
  applyFlags(flags);
  if (fromHash.length) moveFlagsToQuery(flags);

  const parts = createParts({ ui: findParts(), flags, problems, createClient, resources });
  bindEvents(parts);
  const app = debugHandle(parts);
  // For the console and the soak test: only on a page opened with debug=1.
  if (flags.debug) window.__playground = app;
  boot(parts).catch((err) => parts.status.showFatal(err.message));
  return app;
}

function findParts() {
  return {
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
}

/**
 * Makes every part and hands each what it uses. Where a part calls one made
 * after it (the controls report a divergence, the tools load a model), the
 * call goes through an arrow, bound when it happens.
 */
function createParts({ ui, flags, problems, createClient, resources }) {
  const report = (event, phase) => console.debug(`run state: "${event}" ignored while ${phase}`);
  const run = createRunState({ onIgnored: flags.debug ? report : undefined });
  const engine = createEngine({ createClient, resources, debug: flags.debug, threads: flags.threads });
  const banner = createBanner(ui.banner);
  // Until the lesson module is loaded only the common settings can be read; the lesson host reads the hash again.
  const store = createStore(parseHash(withoutFlags(location.hash), { lessonIds: LESSON_IDS }).state);
  const mounted = createMounted();
  const snapshots = createSnapshots({ save: () => engine.client.snapshot() });
  const nav = buildLessonNav(ui.nav, LESSONS);
  nav.setCurrent(store.get().lesson);
  const presentation = createPresentation({
    initial: flags.present,
    onChange: (on) => setQueryFlag('present', on ? '1' : null),
  });

  // The model tools (save, load, export) act on whatever run is current.
  const tools = bindModelTools({
    root: document,
    lessonId: () => mounted.lesson?.id ?? 'model',
    step: () => controls.current.step,
    client: () => engine.client,
    loadModel: (bytes, name) => modelLoad.loadModel(bytes, name),
    report: (kind, title, text) => banner.show(kind, title, text),
    settings: () =>
      mounted.lesson && { config: trainerConfigs(store.get(), mounted.lesson).main, lesson: mounted.lesson },
  });
  const status = createStatus({ ui, run, banner, tools });
  const controls = createRunControls({
    ...{ run, engine, store, status, banner, snapshots, mounted, configError: ui.configError },
    onDiverged: (msg) => divergence.show(msg),
    onCrash: (message) => recovery.recover(message),
  });
  const sync = createSettingsSync({
    ...{ form: ui.form, store, run, status, mounted, rebuild: controls.rebuild, nav },
    remount: () => lessons.switchLesson(location.hash),
  });
  const { showState } = sync;
  const divergence = createDivergence({ run, engine, store, banner, status, controls, showState });
  const lessons = createLessonHost({ ui, store, run, engine, status, banner, sync, controls, nav, mounted, problems });
  const { switchLesson, restartSwitch } = lessons;
  const recovery = createRecovery({ run, engine, store, banner, status, snapshots, mounted, controls, restartSwitch });
  const modelLoad = createModelLoad({
    run,
    engine,
    banner,
    status,
    snapshots,
    mounted,
    controls,
    ...{ showState, switchLesson },
  });

  return { ui, flags, run, engine, store, banner, snapshots, mounted, presentation, status, controls, sync, lessons };
}

function bindEvents({ ui, presentation, controls, lessons }) {
  window.addEventListener('hashchange', lessons.onHashChange);
  document.addEventListener('visibilitychange', controls.onVisibilityChange);
  ui.play.addEventListener('click', controls.togglePlay);
  ui.step.addEventListener('click', controls.step);
  ui.reset.addEventListener('click', controls.reset);
  bindChrome({
    ui,
    presentation,
    actions: {
      togglePlay: controls.togglePlay,
      step: controls.step,
      reset: controls.reset,
      lesson: lessons.openLessonNumber,
    },
  });
}

/** Starts the worker, loads the engine and the first lesson together, builds its trainers, plays if asked to. */
async function boot({ flags, engine, banner, status, controls, lessons }) {
  await nextTask(); // the page's parts are made in one task, the worker and the first lesson start in the next
  if (!hasWasmSimd()) {
    status.showFatal(
      'This browser cannot run the training engine: it needs WebAssembly with SIMD, ' +
        'which Chrome 91+, Firefox 89+, Safari 16.4+ and Edge 91+ have. Please open this page in one of those.',
    );
    return;
  }
  let client;
  try {
    client = engine.start();
  } catch (err) {
    status.showFatal(`This browser could not start a background worker for training: ${err.message}`);
    return;
  }
  client.on('stats', controls.onStats);
  client.on('halted', controls.onHalted);
  client.on('lab-failed', ({ message }) =>
    banner.show('load-error', 'Part of the training engine could not be loaded', message),
  );
  if ((await lessons.openFirst(location.hash)) && flags.autoplay) await controls.play();
}

/** window.__playground (debug=1): the console's and the tests' handle on the app. */
function debugHandle({ flags, run, engine, store, snapshots, mounted, presentation, controls, sync }) {
  return {
    get client() {
      return engine.client;
    },
    get state() {
      return store.get();
    },
    get phase() {
      return run.phase;
    },
    get running() {
      return run.running;
    },
    get step() {
      return controls.current.step;
    },
    get snapshot() {
      const s = mounted.lesson && snapshots.latest(controls.current.run, mounted.lesson.id);
      return s && { step: s.step, at: s.at };
    },
    flags,
    play: controls.play,
    pause: controls.pause,
    reset: controls.reset,
    commit: sync.commit,
    takeSnapshot: controls.takeSnapshot,
    presentation,
    /** Makes the worker fail the way a bug would (the page must have been opened with debug=1). */
    crashWorker: (kind = 'trap') => engine.client.crash(kind).catch(() => {}),
  };
}
