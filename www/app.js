// The page's glue: read the settings and view flags from the URL, start the
// training worker (wasm + digits), mount the lesson the URL names, and wire the
// lesson nav, the Play / Step / Reset buttons, the settings, the keyboard and
// the model tools to the worker. Lessons draw; this file decides when the
// trainers are rebuilt, started and stopped, swaps lessons in place when the
// hash names another one, and keeps training going through the things that go
// wrong: a diverging loss (one click resumes with a smaller learning rate), a
// crashed worker (restarted, the model restored from its last snapshot), a
// hidden tab (paused until it is visible again).
//
// www/main.js starts it for the site; the single-file build starts it with a
// worker made from a Blob and the wasm and digits handed over inline.

import {
  parseHash, formatHash, createStore, lessonIdOf, rebuildKeys, trainerConfigs,
} from './state.js';
import { parseFlags, withoutFlags } from './flags.js';
import { applyFlags, moveFlagsToQuery, setQueryFlag, replaceUrl } from './page-flags.js';
import { createBanner } from './banner.js';
import { createSnapshots } from './snapshots.js';
import { bindSettings } from './controls.js';
import { bindLessonSettings } from './lesson-controls.js';
import { buildLessonNav } from './nav.js';
import { TrainerClient } from './trainer-client.js';
import { LESSONS, LESSON_IDS, findLesson } from './lessons/index.js';
import { h } from './dom.js';
import { hasWasmSimd } from './simd.js';
import { bindKeyboard } from './keyboard.js';
import { createPresentation } from './presentation.js';
import { bindModelTools } from './model-tools.js';
import { lessonForModel, readModelSummary } from './model-file.js';

const $ = (id) => document.getElementById(id);
/** A message as a sentence that ends in one full stop. */
const sentence = (m) => `${String(m).trim().replace(/[.\s]+$/, '')}.`;

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

  let client = null;
  let engine = null; // the worker's init(): wasm and digits loaded
  let engineReady = false; // init() succeeded once, so a crash can be recovered from
  let initOptions = null;
  let lesson = null; // the mounted lesson module's default export
  let view = null; // what its mount() returned
  let lessonFields = { show() {} };
  let ready = false; // worker and lesson loaded
  let trainerOk = false; // the worker holds trainers built from the current settings
  let trainerNames = ['main'];
  let running = false;
  let currentRun = 0;
  let rebuildToken = 0;
  let switchToken = 0;
  let switching = false;
  let resumeWanted = false;
  let hiddenPaused = false; // paused because the tab went out of sight; resumes when it is back
  let lastStep = 0; // the main trainer's step, for file names and messages
  let diverged = null; // { trainer } while a divergence waits for the user
  const snapshots = createSnapshots({ save: () => client.saveAll() });
  let recovering = false;
  let noticeProblems = [...parsedFlags.problems];

  const settings = bindSettings(ui.form, { get: store.get, commit });
  const nav = buildLessonNav(ui.nav, LESSONS);
  nav.setCurrent(store.get().lesson);
  // The model tools (save, load, export) act on whatever run is current.
  const tools = bindModelTools({
    root: document,
    lessonId: () => lesson?.id ?? 'model',
    step: () => lastStep,
    client: () => client,
    loadModel,
    report: (kind, title, text) => banner.show(kind, title, text),
  });

  const presentation = createPresentation({ initial: flags.present, onChange: (on) => setQueryFlag('present', on ? '1' : null) });

  function writeHash(state) {
    replaceUrl(formatHash(state, lesson));
  }

  // ------------------------------------------------------------------ messages

  function showNotice(problems) {
    ui.notice.replaceChildren();
    ui.notice.hidden = problems.length === 0;
    if (!problems.length) return;
    ui.notice.append(h('strong', {}, 'Some settings in this link were not used. '));
    for (const p of problems) ui.notice.append(h('span', { class: 'notice-item' }, p, ' '));
  }

  function showFatal(message) {
    ready = false;
    trainerOk = false;
    running = false;
    document.body.dataset.state = 'error';
    banner.hide();
    ui.fatal.replaceChildren(
      h('h2', {}, 'The playground could not start'),
      h('p', {}, message),
      h('p', { class: 'hint' }, 'Reloading the page may help. Nothing was sent anywhere: everything runs in this browser.'),
    );
    ui.fatal.hidden = false;
    $('boot')?.remove();
    setRunStatus('');
    updateButtons();
  }

  function setRunStatus(text) {
    ui.runStatus.textContent = text;
  }

  function updateButtons() {
    ui.play.disabled = !trainerOk;
    ui.step.disabled = !trainerOk || running;
    ui.reset.disabled = !ready;
    ui.play.querySelector('.label').textContent = running ? 'Pause' : 'Play';
    ui.play.setAttribute('aria-label', running ? 'Pause training' : 'Start training');
    document.body.dataset.running = String(running);
    tools.update({ ready: trainerOk, running });
  }

  // ------------------------------------------------------------------ settings and runs

  /** Does a change to these keys need new trainers? */
  const needsRebuild = (keys) => rebuildKeys(lesson).some((k) => keys.includes(k));

  /** A settings change from the form or a lesson: update the state and the URL, rebuild if needed. */
  function commit(patch) {
    if (!lesson || switching) {
      settings.show(store.get()); // too early: the lesson's settings are not known yet
      return;
    }
    store.set(patch);
    const state = store.get();
    writeHash(state);
    settings.show(state, { fields: Object.keys(patch) });
    lessonFields.show(state);
    showNotice([]);
    if ('scale' in patch) view?.setScale(patch.scale);
    if (needsRebuild(Object.keys(patch))) rebuild({ resume: true });
    else view?.update?.(state, patch);
  }

  /** A state change the trainers already have (the learning rate set on them, a loaded model's settings): no rebuild. */
  function showState(state) {
    store.replace(state);
    writeHash(state);
    settings.show(state);
    lessonFields.show(state);
  }

  /** The run changed (new trainers, or loaded ones): forget what belonged to the old one. */
  function newRun(info, { step = 0 } = {}) {
    currentRun = info.run;
    trainerNames = Object.keys(info.trainers ?? { main: null });
    trainerOk = true;
    lastStep = step;
    diverged = null;
    snapshots.reset();
    ui.configError.hidden = true;
    ui.configError.textContent = '';
  }

  /** Builds new trainers from the current settings; keeps playing if it was. */
  async function rebuild({ resume }) {
    if (!ready) return;
    const token = ++rebuildToken;
    resumeWanted = resume && (running || resumeWanted);
    running = false;
    trainerOk = false;
    if (banner.kind === 'halted') banner.hide();
    updateButtons();
    setRunStatus('Building the network…');
    try {
      const { main, ...companions } = trainerConfigs(store.get(), lesson);
      const info = await client.create(main, { companions });
      if (token !== rebuildToken) return;
      newRun(info);
      view.reset(info, store.get());
      const resumeNow = resumeWanted;
      resumeWanted = false;
      if (resumeNow) await play();
      else setRunStatus('Ready. Press Play to train, or Step for one minibatch.');
    } catch (err) {
      if (token !== rebuildToken) return;
      resumeWanted = false;
      trainerOk = false;
      // The form keeps what the user typed; the Trainer's own sentence says what to change.
      ui.configError.textContent = `These settings cannot be trained: ${err.message}`;
      ui.configError.hidden = false;
      view?.invalid();
      setRunStatus('Change the settings above to train.');
    }
    updateButtons();
  }

  async function play() {
    if (!trainerOk || running) return;
    if (document.hidden) {
      // Nobody is watching: start when the tab is visible again.
      hiddenPaused = true;
      setRunStatus('Paused while this tab is hidden.');
      return;
    }
    running = true;
    hiddenPaused = false;
    if (banner.kind === 'halted') banner.hide();
    updateButtons();
    setRunStatus('Training…');
    try {
      await client.play();
    } catch (err) {
      running = false;
      if (!client.dead) setRunStatus(err.message);
      updateButtons();
    }
  }

  async function pause(status = 'Paused.') {
    if (!running) return;
    running = false;
    updateButtons();
    setRunStatus('Pausing…');
    // The worker may finish one more slice first; once it answers, no further stats come.
    await client.pause().catch(() => {});
    if (!running) setRunStatus(status);
    view?.paused?.();
    takeSnapshot();
  }

  async function stepOnce() {
    if (!trainerOk || running) return;
    try {
      await client.step();
      setRunStatus('Paused.');
      view?.paused?.();
    } catch (err) {
      if (!client.dead) setRunStatus(err.message);
    }
  }

  function togglePlay() {
    if (running) pause();
    else play();
  }

  function resetRun() {
    if (!ready) return;
    resumeWanted = false;
    pause();
    rebuild({ resume: false });
  }

  function onStats(msg) {
    if (msg.run !== currentRun || !view) return;
    lastStep = msg.step;
    view.stats(msg);
    if (running && snapshots.due()) takeSnapshot();
  }

  function onHalted(msg) {
    if (msg.reason === 'crashed') {
      recover(msg.message);
      return;
    }
    if (msg.run !== currentRun) return;
    running = false;
    updateButtons();
    if (msg.reason === 'stopped') {
      setRunStatus(`Training stopped: ${msg.message}`);
    } else {
      showDivergence(msg);
    }
    view?.halted(msg);
  }

  // ------------------------------------------------------------------ divergence

  const smaller = (lr) => Number((lr / 10).toPrecision(3));

  function showDivergence(msg) {
    diverged = { trainer: msg.trainer ?? 'main' };
    const lr = store.get().lr;
    const who = diverged.trainer === 'main' ? 'The network' : `The ${diverged.trainer} network`;
    setRunStatus('Training stopped: the loss blew up.');
    banner.show('halted', 'Training stopped: the loss blew up',
      `${who} hit a loss that is no longer a finite number (after step ${lastStep.toLocaleString('en-US')}), `
      + `so training stopped there and the weights were kept from the last good step. A learning rate of ${lr} is too large `
      + 'for these settings: each update overshoots, and the numbers grow until they overflow.',
      { id: 'resume-smaller', label: `Resume with learning rate ${smaller(lr)}`, onClick: resumeSmaller });
  }

  /** Sets lr/10 on every trainer of the run (the diverged one goes back to good weights) and trains on. */
  async function resumeSmaller() {
    if (!diverged || !trainerOk) return;
    const lr = smaller(store.get().lr);
    const run = currentRun;
    let back = null;
    try {
      for (const name of trainerNames) {
        const step = await client.callOn(name, 'setLearningRate', lr);
        if (name === diverged.trainer) back = step;
      }
    } catch (err) {
      banner.show('halted', 'Training could not resume', err.message);
      return;
    }
    if (run !== currentRun) return;
    diverged = null;
    showState({ ...store.get(), lr }); // the trainers already have it: no rebuild
    banner.show('info', `Resumed with learning rate ${lr}`, back == null
      ? 'Training goes on from where it stopped.'
      : `Training went back to the weights of step ${back.toLocaleString('en-US')}, the last ones saved before the loss blew up, and goes on from there.`);
    await play();
  }

  // ------------------------------------------------------------------ snapshots and crash recovery

  /** Saves every trainer of the run (in the worker, for this thread), to restore them if the worker dies. */
  function takeSnapshot() {
    if (!trainerOk || !client || client.dead || diverged || !lesson) return;
    const run = currentRun;
    snapshots.take({ run, lessonId: lesson.id, step: lastStep, stillCurrent: () => run === currentRun });
  }

  /** The worker died: start a fresh one and put back the last snapshot (or a fresh model), without a reload. */
  async function recover(message) {
    if (!engineReady || !lesson || document.body.dataset.state === 'error') {
      showFatal(message);
      return;
    }
    if (recovering) return;
    const now = Date.now();
    if (!snapshots.crashAllowed()) {
      showFatal(`${sentence(message)} It crashed ${snapshots.crashCount} times within a minute, so it was not restarted again.`);
      return;
    }
    recovering = true;
    const wasRunning = running || resumeWanted || hiddenPaused;
    const saved = snapshots.latest(currentRun, lesson.id);
    running = false;
    trainerOk = false;
    resumeWanted = false;
    rebuildToken += 1; // a rebuild in flight belonged to the dead worker
    updateButtons();
    document.body.dataset.recovered = 'pending';
    setRunStatus('Restarting the training engine…');
    banner.show('crashed', 'The training engine crashed', `${sentence(message)} Restarting it…`);
    try {
      client.restart();
      await client.init(initOptions);
      let text;
      if (saved) {
        await client.load(saved.files);
        const { main, ...companions } = trainerConfigs(store.get(), lesson);
        const info = await client.adopt(companions);
        newRun(info, { step: saved.step });
        snapshots.keep({ ...saved, run: info.run }); // still the state to go back to, should it crash again
        view.reset(info, store.get());
        const ago = Math.max(0, Math.round((now - saved.at) / 1000));
        text = `It was restarted, and the model was restored as it was at step ${saved.step.toLocaleString('en-US')} (${ago} s before the crash).`;
      } else {
        const { main, ...companions } = trainerConfigs(store.get(), lesson);
        const info = await client.create(main, { companions });
        newRun(info);
        view.reset(info, store.get());
        text = 'It was restarted with a fresh model: the crash came before any state was saved.';
      }
      banner.show('crashed', 'The training engine crashed and was restarted', `${sentence(message)} ${text}`);
      document.body.dataset.recovered = 'true';
      setRunStatus('Ready. Press Play to train, or Step for one minibatch.');
      recovering = false;
      updateButtons();
      if (wasRunning) await play();
    } catch (err) {
      recovering = false;
      showFatal(`${sentence(message)} Restarting it failed too: ${err.message}`);
    }
  }

  // ------------------------------------------------------------------ a model from a file

  /**
   * Reads a saved model in the worker; on success shows the settings it was
   * trained with (switching to the lesson built around its kind of model) and
   * makes it the run. On failure the message shows and the current model stays.
   */
  async function loadModel(bytes, name) {
    if (!ready || recovering) return;
    const wasRunning = running;
    if (running) await pause();
    let config;
    try {
      ({ config } = await client.load({ main: bytes }));
    } catch (err) {
      banner.show('load-error', `${name} could not be loaded`, `${err.message} The model you had is unchanged.`);
      if (wasRunning) play();
      return;
    }
    const summary = readModelSummary(bytes);
    const { mod, state, problems, differ } = await lessonForModel(config, lesson, (id) => loadLesson(id).catch(() => null), LESSON_IDS);
    if (mod !== lesson) {
      await switchLesson(formatHash(state, mod), { mod, adopt: true });
    } else {
      showState(state);
      try {
        const { main, ...companions } = trainerConfigs(state, lesson);
        const info = await client.adopt(companions);
        newRun(info, { step: summary?.step ?? 0 });
        view.reset(info, state);
      } catch (err) {
        banner.show('load-error', `${name} could not be used`, err.message);
        return;
      }
    }
    lastStep = summary?.step ?? 0;
    snapshots.reset({ files: { main: bytes }, step: lastStep, at: Date.now(), run: currentRun, lessonId: lesson.id });
    const steps = summary ? ` It had trained for ${summary.step.toLocaleString('en-US')} steps.` : '';
    const shown = differ.length
      ? ` It uses settings this page has no control for (${differ.join(', ')}); Reset trains a new network with the settings shown.`
      : ' The settings panel and the address now show its settings.';
    banner.show('info', `Loaded ${name}`, `${steps}${shown}`.trim());
    if (problems.length) showNotice(problems);
    setRunStatus('Loaded. Press Play to train on, or Step for one minibatch.');
    document.body.dataset.loaded = String(Date.now());
    updateButtons();
  }

  // ------------------------------------------------------------------ lessons

  /** Loads a lesson module, or explains why it could not be loaded. */
  async function loadLesson(id) {
    const entry = findLesson(id);
    try {
      return (await entry.load()).default;
    } catch (err) {
      throw new Error(`Part of the page (the "${entry.title}" lesson or the chart library) could not be loaded: ${err.message}. `
        + 'If you are running from a checkout, run "npm run build" first.');
    }
  }

  /** Reads the hash with the lesson's own settings, shows them, and mounts the lesson's view. */
  function mountLesson(mod, hash) {
    lesson = mod;
    const { state, problems } = parseHash(withoutFlags(hash), { lessonIds: LESSON_IDS, lesson });
    store.replace(state);
    writeHash(state); // the address bar always holds a complete, reproducible link
    settings.show(state);
    lessonFields = bindLessonSettings(ui.lessonFields, lesson, { get: store.get, commit });
    showNotice([...noticeProblems, ...problems]);
    noticeProblems = [];
    nav.setCurrent(lesson.id);
    ui.root.replaceChildren();
    view = lesson.mount(ui.root, { client, store, commit });
    document.body.dataset.lesson = lesson.id;
    document.title = `${lesson.title} · Autoencoder Playground`;
    ready = true;
  }

  /**
   * Another lesson: stop training, unmount the current one, mount the new one
   * with fresh trainers (or, with `adopt`, with the model load() just read).
   */
  async function switchLesson(hash, { mod: given = null, adopt = false } = {}) {
    const token = ++switchToken;
    switching = true;
    ready = false;
    trainerOk = false;
    resumeWanted = false;
    rebuildToken += 1; // a rebuild in flight no longer applies
    currentRun = 0; // stats still on their way belong to the old lesson
    if (running) {
      running = false;
      client.pause().catch(() => {});
    }
    if (banner.kind === 'halted') banner.hide();
    updateButtons();
    document.body.dataset.state = 'loading';
    setRunStatus('Loading the lesson…');
    view?.unmount();
    view = null;
    ui.configError.hidden = true;
    const id = lessonIdOf(hash, LESSON_IDS);
    nav.setCurrent(id);
    let mod = given;
    try {
      [, mod] = await Promise.all([engine, mod ?? loadLesson(id)]);
    } catch (err) {
      if (token === switchToken) showFatal(err.message);
      return;
    }
    if (token !== switchToken) return;
    switching = false;
    mountLesson(mod, hash);
    if (adopt) {
      try {
        const { main, ...companions } = trainerConfigs(store.get(), lesson);
        const info = await client.adopt(companions);
        newRun(info);
        view.reset(info, store.get());
      } catch (err) {
        banner.show('load-error', 'The loaded model could not be used', err.message);
        await rebuild({ resume: false });
      }
    } else {
      await rebuild({ resume: false });
    }
    if (token === switchToken) document.body.dataset.state = 'ready';
    updateButtons();
  }

  /** The n-th lesson of the nav (1-based), as its link would. */
  function openLessonNumber(n) {
    const entry = LESSONS[n - 1];
    if (!entry || !lesson || entry.id === lesson.id) return;
    location.hash = `#lesson=${encodeURIComponent(entry.id)}`;
  }

  // ------------------------------------------------------------------ events

  // A link edited by hand, a lesson link in the nav, or a tutorial's link clicked on this page.
  window.addEventListener('hashchange', () => {
    if (!client || document.body.dataset.state === 'error') return;
    const hash = withoutFlags(location.hash);
    if (switching || !lesson || lessonIdOf(hash, LESSON_IDS) !== lesson.id) {
      switchLesson(hash);
      return;
    }
    const { state, problems } = parseHash(hash, { lessonIds: LESSON_IDS, lesson });
    const before = store.get();
    store.replace(state);
    writeHash(state);
    settings.show(state);
    lessonFields.show(state);
    showNotice(problems);
    const changed = Object.keys(state).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(state[k]));
    if (changed.includes('scale')) view?.setScale(state.scale);
    if (needsRebuild(changed)) rebuild({ resume: true });
    else if (changed.length) view?.update?.(state, Object.fromEntries(changed.map((k) => [k, state[k]])));
  });

  // A hidden tab trains for nobody: pause, and pick up again when it is visible.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      if (running) {
        hiddenPaused = true;
        pause('Paused while this tab is hidden.');
      }
    } else if (hiddenPaused) {
      hiddenPaused = false;
      if (trainerOk && !running) play();
      else if (!running) setRunStatus('Paused.');
    }
  });

  // The skip link moves focus to the lesson without touching the hash, which holds the settings.
  document.querySelector('.skip-link')?.addEventListener('click', (e) => {
    e.preventDefault();
    $('lesson').focus();
  });

  ui.play.addEventListener('click', togglePlay);
  ui.step.addEventListener('click', stepOnce);
  ui.reset.addEventListener('click', resetRun);
  ui.settingsToggle?.addEventListener('click', () => {
    const open = ui.settingsToggle.getAttribute('aria-expanded') !== 'true';
    ui.settingsToggle.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('settings-open', open);
  });
  $('present-toggle')?.addEventListener('click', () => presentation.toggle());

  const help = $('help-dialog');
  $('help-toggle')?.addEventListener('click', () => help?.showModal?.());
  bindKeyboard({
    togglePlay: () => trainerOk && togglePlay(),
    step: stepOnce,
    reset: resetRun,
    clearPad: () => $('pad-clear')?.click(),
    lesson: openLessonNumber,
    present: () => presentation.toggle(),
    help: () => {
      if (!help) return;
      if (help.open) help.close();
      else help.showModal();
    },
  });

  // ------------------------------------------------------------------ boot

  async function boot() {
    if (!hasWasmSimd()) {
      showFatal('This browser cannot run the training engine: it needs WebAssembly with SIMD, '
        + 'which Chrome 91+, Firefox 89+, Safari 16.4+ and Edge 91+ have. Please open this page in one of those.');
      return;
    }
    try {
      client = createClient();
    } catch (err) {
      showFatal(`This browser could not start a background worker for training: ${err.message}`);
      return;
    }
    client.on('stats', onStats);
    client.on('halted', onHalted);

    const token = ++switchToken;
    switching = true;
    let mod;
    try {
      initOptions = { ...(resources ? await resources() : {}), debug: flags.debug };
      engine = client.init(initOptions).then((v) => {
        engineReady = true;
        return v;
      });
      [, mod] = await Promise.all([engine, loadLesson(lessonIdOf(withoutFlags(location.hash), LESSON_IDS))]);
    } catch (err) {
      showFatal(err.message);
      return;
    }
    if (token !== switchToken) return; // the hash named another lesson meanwhile; switchLesson mounts it
    switching = false;
    mountLesson(mod, location.hash);
    await rebuild({ resume: false });
    if (token === switchToken) document.body.dataset.state = 'ready';
    if (flags.autoplay) await play();
  }

  const app = {
    get client() {
      return client;
    },
    get state() {
      return store.get();
    },
    get running() {
      return running;
    },
    get step() {
      return lastStep;
    },
    get snapshot() {
      const s = lesson && snapshots.latest(currentRun, lesson.id);
      return s && { step: s.step, at: s.at };
    },
    flags,
    play,
    pause,
    reset: resetRun,
    commit,
    takeSnapshot,
    presentation,
    /** Makes the worker fail the way a bug would (the page must have been opened with debug=1). */
    crashWorker: (kind = 'trap') => client.crash(kind).catch(() => {}),
  };
  // For the console and the soak test: only on a page opened with debug=1.
  if (flags.debug) window.__playground = app;

  boot().catch((err) => showFatal(err.message));
  return app;
}
