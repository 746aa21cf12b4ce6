// Boot and glue: read the settings from the URL, start the training worker
// (wasm + digits), mount the lesson the URL names, and wire the lesson nav,
// the Play / Step / Reset buttons and the settings to the worker. Lessons
// draw; this file decides when the trainers are rebuilt, started and stopped,
// and swaps lessons in place when the hash names another one.

import {
  parseHash, formatHash, createStore, lessonIdOf, rebuildKeys, trainerConfigs,
} from './state.js';
import { bindSettings } from './controls.js';
import { bindLessonSettings } from './lesson-controls.js';
import { buildLessonNav } from './nav.js';
import { TrainerClient } from './trainer-client.js';
import { LESSONS, LESSON_IDS, findLesson } from './lessons/index.js';
import { h } from './dom.js';

const $ = (id) => document.getElementById(id);
const ui = {
  play: $('play'),
  step: $('step'),
  reset: $('reset'),
  runStatus: $('run-status'),
  notice: $('notice'),
  fatal: $('fatal'),
  configError: $('config-error'),
  root: $('lesson-root'),
  form: $('settings'),
  lessonFields: $('lesson-settings'),
  nav: $('lesson-nav'),
};

// Until the lesson module is loaded only the common settings can be read; mountLesson reads the hash again.
const store = createStore(parseHash(location.hash, { lessonIds: LESSON_IDS }).state);

let client = null;
let engine = null; // the worker's init(): wasm and digits loaded
let lesson = null; // the mounted lesson module's default export
let view = null; // what its mount() returned
let lessonFields = { show() {} };
let ready = false; // worker and lesson loaded
let trainerOk = false; // the worker holds trainers built from the current settings
let running = false;
let currentRun = 0;
let rebuildToken = 0;
let switchToken = 0;
let switching = false;
let resumeWanted = false;

const settings = bindSettings(ui.form, { get: store.get, commit });
const nav = buildLessonNav(ui.nav, LESSONS);
nav.setCurrent(store.get().lesson);

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
}

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
  history.replaceState(null, '', formatHash(state, lesson));
  settings.show(state, { fields: Object.keys(patch) });
  lessonFields.show(state);
  showNotice([]);
  if ('scale' in patch) view?.setScale(patch.scale);
  if (needsRebuild(Object.keys(patch))) rebuild({ resume: true });
  else view?.update?.(state, patch);
}

/** Builds new trainers from the current settings; keeps playing if it was. */
async function rebuild({ resume }) {
  if (!ready) return;
  const token = ++rebuildToken;
  resumeWanted = resume && (running || resumeWanted);
  running = false;
  trainerOk = false;
  updateButtons();
  setRunStatus('Building the network…');
  try {
    const { main, ...companions } = trainerConfigs(store.get(), lesson);
    const info = await client.create(main, { companions });
    if (token !== rebuildToken) return;
    currentRun = info.run;
    trainerOk = true;
    ui.configError.hidden = true;
    ui.configError.textContent = '';
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
  running = true;
  updateButtons();
  setRunStatus('Training…');
  try {
    await client.play();
  } catch (err) {
    running = false;
    setRunStatus(err.message);
    updateButtons();
  }
}

async function pause() {
  if (!running) return;
  running = false;
  updateButtons();
  setRunStatus('Pausing…');
  // The worker may finish one more slice first; once it answers, no further stats come.
  await client.pause().catch(() => {});
  if (!running) setRunStatus('Paused.');
  view?.paused?.();
}

async function stepOnce() {
  if (!trainerOk || running) return;
  try {
    await client.step();
    setRunStatus('Paused.');
    view?.paused?.();
  } catch (err) {
    setRunStatus(err.message);
  }
}

function onStats(msg) {
  if (msg.run !== currentRun || !view) return;
  view.stats(msg);
}

function onHalted(msg) {
  if (msg.reason === 'crashed') {
    showFatal(msg.message);
    return;
  }
  if (msg.run !== currentRun) return;
  running = false;
  updateButtons();
  setRunStatus(msg.reason === 'stopped'
    ? `Training stopped: ${msg.message}`
    : `Training stopped: ${msg.message} Try a smaller learning rate, then Reset.`);
  view?.halted(msg);
}

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
  const { state, problems } = parseHash(hash, { lessonIds: LESSON_IDS, lesson });
  store.replace(state);
  history.replaceState(null, '', formatHash(state, lesson)); // the address bar always holds a complete, reproducible link
  settings.show(state);
  lessonFields = bindLessonSettings(ui.lessonFields, lesson, { get: store.get, commit });
  showNotice(problems);
  nav.setCurrent(lesson.id);
  ui.root.replaceChildren();
  view = lesson.mount(ui.root, { client, store, commit });
  document.body.dataset.lesson = lesson.id;
  document.title = `${lesson.title} · Autoencoder Playground`;
  ready = true;
}

/** Another lesson: stop training, unmount the current one, mount the new one with fresh trainers. */
async function switchLesson(hash) {
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
  updateButtons();
  document.body.dataset.state = 'loading';
  setRunStatus('Loading the lesson…');
  view?.unmount();
  view = null;
  ui.configError.hidden = true;
  nav.setCurrent(lessonIdOf(hash, LESSON_IDS));
  let mod;
  try {
    [, mod] = await Promise.all([engine, loadLesson(lessonIdOf(hash, LESSON_IDS))]);
  } catch (err) {
    if (token === switchToken) showFatal(err.message);
    return;
  }
  if (token !== switchToken) return;
  switching = false;
  mountLesson(mod, location.hash);
  await rebuild({ resume: false });
  if (token === switchToken) document.body.dataset.state = 'ready';
}

// A link edited by hand, a lesson link in the nav, or a tutorial's link clicked on this page.
window.addEventListener('hashchange', () => {
  if (!client || document.body.dataset.state === 'error') return;
  if (switching || !lesson || lessonIdOf(location.hash, LESSON_IDS) !== lesson.id) {
    switchLesson(location.hash);
    return;
  }
  const { state, problems } = parseHash(location.hash, { lessonIds: LESSON_IDS, lesson });
  const before = store.get();
  store.replace(state);
  history.replaceState(null, '', formatHash(state, lesson));
  settings.show(state);
  lessonFields.show(state);
  showNotice(problems);
  const changed = Object.keys(state).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(state[k]));
  if (changed.includes('scale')) view?.setScale(state.scale);
  if (needsRebuild(changed)) rebuild({ resume: true });
  else if (changed.length) view?.update?.(state, Object.fromEntries(changed.map((k) => [k, state[k]])));
});

// The skip link moves focus to the lesson without touching the hash, which holds the settings.
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  $('lesson').focus();
});

ui.play.addEventListener('click', () => (running ? pause() : play()));
ui.step.addEventListener('click', stepOnce);
ui.reset.addEventListener('click', () => {
  resumeWanted = false;
  pause();
  rebuild({ resume: false });
});
document.addEventListener('keydown', (e) => {
  // "k" plays and pauses (as in video players) unless the user is typing.
  if (e.key !== 'k' || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.target.closest?.('input, select, textarea, [contenteditable]')) return;
  e.preventDefault();
  if (running) pause();
  else play();
});

async function boot() {
  try {
    client = new TrainerClient();
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
    engine = client.init();
    [, mod] = await Promise.all([engine, loadLesson(lessonIdOf(location.hash, LESSON_IDS))]);
  } catch (err) {
    showFatal(err.message);
    return;
  }
  if (token !== switchToken) return; // the hash named another lesson meanwhile; switchLesson mounts it
  switching = false;
  mountLesson(mod, location.hash);
  await rebuild({ resume: false });
  if (token === switchToken) document.body.dataset.state = 'ready';
}

boot().catch((err) => showFatal(err.message));
