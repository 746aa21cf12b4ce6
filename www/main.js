// Boot and glue: read the settings from the URL, start the training worker
// (wasm + digits), mount the lesson, and wire the Play / Step / Reset buttons
// and the settings form to the worker. Lessons draw; this file decides when
// the trainer is rebuilt, started and stopped.

import { parseHash, formatHash, createStore, toTrainerConfig, TRAINER_KEYS } from './state.js';
import { bindSettings } from './controls.js';
import { TrainerClient } from './trainer-client.js';
import { LESSON_IDS, findLesson } from './lessons/index.js';
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
};

const initial = parseHash(location.hash, LESSON_IDS);
const store = createStore(initial.state);
history.replaceState(null, '', formatHash(store.get())); // the address bar always holds a complete, reproducible link

let client = null;
let view = null; // the mounted lesson's view
let ready = false; // worker and lesson loaded
let trainerOk = false; // the worker holds a trainer built from the current settings
let running = false;
let currentRun = 0;
let rebuildToken = 0;
let resumeWanted = false;

const settings = bindSettings(ui.form, { get: store.get, commit });
showNotice(initial.problems);

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

/** A settings change from the form or a lesson: update the state and the URL, rebuild if needed. */
function commit(patch) {
  store.set(patch);
  history.replaceState(null, '', formatHash(store.get()));
  settings.show(store.get(), { fields: Object.keys(patch) });
  showNotice([]);
  if ('scale' in patch) view?.setScale(patch.scale);
  if (TRAINER_KEYS.some((k) => k in patch)) rebuild({ resume: true });
}

/** Builds a new trainer from the current settings; keeps playing if it was. */
async function rebuild({ resume }) {
  if (!ready) return;
  const token = ++rebuildToken;
  resumeWanted = resume && (running || resumeWanted);
  running = false;
  trainerOk = false;
  updateButtons();
  setRunStatus('Building the network…');
  try {
    const info = await client.create(toTrainerConfig(store.get()));
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
    view.invalid();
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
}

async function stepOnce() {
  if (!trainerOk || running) return;
  try {
    await client.step();
    setRunStatus('Paused.');
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

// A link edited by hand (or a tutorial's link clicked on this page).
window.addEventListener('hashchange', () => {
  const { state, problems } = parseHash(location.hash, LESSON_IDS);
  const before = store.get();
  store.set(state);
  history.replaceState(null, '', formatHash(state));
  settings.show(state);
  showNotice(problems);
  if (state.lesson !== before.lesson) {
    location.reload(); // a different lesson mounts from scratch
    return;
  }
  if (state.scale !== before.scale) view?.setScale(state.scale);
  if (TRAINER_KEYS.some((k) => differs(before[k], state[k]))) rebuild({ resume: true });
});

function differs(a, b) {
  return JSON.stringify(a) !== JSON.stringify(b);
}

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
  const entry = findLesson(store.get().lesson);
  try {
    client = new TrainerClient();
  } catch (err) {
    showFatal(`This browser could not start a background worker for training: ${err.message}`);
    return;
  }
  client.on('stats', onStats);
  client.on('halted', onHalted);

  let lesson;
  try {
    const [, mod] = await Promise.all([
      client.init(),
      entry.load().catch((err) => {
        throw new Error(`Part of the page (the "${entry.title}" lesson or the chart library) could not be loaded: ${err.message}. `
          + 'If you are running from a checkout, run "npm run build" first.');
      }),
    ]);
    lesson = mod.default;
  } catch (err) {
    showFatal(err.message);
    return;
  }

  ui.root.replaceChildren();
  view = lesson.mount(ui.root, { client, store, commit });
  ready = true;
  document.body.dataset.lesson = lesson.id;
  await rebuild({ resume: false });
  document.body.dataset.state = 'ready';
}

boot().catch((err) => showFatal(err.message));
