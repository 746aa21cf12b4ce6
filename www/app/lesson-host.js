// The lesson on the page: load a lesson's module, read the hash with its own
// settings, mount its view, and swap lessons in place when the hash names
// another one (a nav link, a number key, a tutorial's link, a loaded model).
// It is the only writer of `mounted` ({ lesson, view, fields }), which the
// other parts read.

import { parseHash, lessonIdOf } from '../state/url-state.js';
import { chooseData } from '../state/own-data.js';
import { withoutFlags } from '../state/view-flags.js';
import { afterPaint, nextTask } from '../lib/dom.js';
import { bindLessonSettings } from '../state/lesson-settings-form.js';
import { LESSONS, LESSON_IDS, findLesson } from '../lessons/index.js';

/** Loads a lesson module, or explains why it could not be loaded. */
export async function loadLesson(id) {
  const entry = findLesson(id);
  try {
    return (await entry.load()).default;
  } catch (err) {
    throw new Error(
      `Part of the page (the "${entry.title}" lesson or the chart library) could not be loaded: ${err.message}. ` +
        'If you are running from a checkout, run "npm run build" first.',
    );
  }
}

/** What lesson-host.js mounts, for the parts that read it: the lesson module, its view, its settings fields. */
export const createMounted = () => ({ lesson: null, view: null, fields: { show() {} } });

/**
 * @param {{
 *   ui: { root, lessonFields, configError: HTMLElement }, store, run, engine, status, banner, sync, controls,
 *   nav: { setCurrent(id) }, mounted: ReturnType<typeof createMounted>,
 *   problems: string[],  what the view flags could not use, shown with the first lesson's notice
 * }} parts
 */
export function createLessonHost({ ui, store, run, engine, status, banner, sync, controls, nav, mounted, problems }) {
  let noticeProblems = [...problems];
  let target = null; // the hash of the lesson being switched to

  /** Reads the hash with the lesson's own settings, shows them, and mounts the lesson's view. */
  function mount(mod, hash) {
    showSettings(mod, hash);
    mountView(mod);
  }

  /** The lesson's settings from the hash: in the store, the address bar and the forms. */
  function showSettings(mod, hash) {
    mounted.lesson = mod;
    const options = { lessonIds: LESSON_IDS, lesson: mod };
    // The data first: a lesson's defaults may follow it (e.g. Anomalies' code size), so the link is read again.
    chooseData(parseHash(withoutFlags(hash), options).state);
    const { state, problems: more } = parseHash(withoutFlags(hash), options);
    store.replace(state);
    sync.writeHash(state); // the address bar always holds a complete, reproducible link
    sync.settings.show(state);
    mounted.fields = bindLessonSettings(ui.lessonFields, mod, { get: store.get, commit: sync.commit });
    status.showNotice([...noticeProblems, ...more]);
    noticeProblems = [];
    nav.setCurrent(mod.id);
  }

  /** The lesson's view, in place of the one before. */
  function mountView(mod) {
    ui.root.replaceChildren();
    mounted.view = mod.mount(ui.root, {
      client: engine.client,
      store,
      commit: sync.commit,
      relink: () => sync.writeHash(store.get()),
    });
    document.body.dataset.lesson = mod.id;
    document.title = `${mod.title} · Autoencoder Playground`;
  }

  /** The first lesson, while the engine loads (the run state is booting). -> mounted and built, and still wanted? */
  async function openFirst(hash) {
    const { switch: token } = run.tokens;
    const lessonLoaded = loadLesson(lessonIdOf(withoutFlags(hash), LESSON_IDS));
    // The engine and the digits (the bulk of a first visit) start loading once the lesson is painted: their
    // unpacking and compiling would otherwise compete with it for the processor.
    const engineLoaded = engine.load({ after: lessonLoaded.then(() => afterPaint()) });
    engineLoaded.catch(() => {}); // reported below
    try {
      // The lesson is on the page as soon as its module is: its text and pictures need no engine, so the
      // reader starts on them while the engine and the digits still download. Play waits for the trainers.
      const mod = await lessonLoaded;
      if (!run.current('switch', token)) return false; // the hash named another lesson meanwhile; it mounts that
      showSettings(mod, location.hash);
      await nextTask(); // the settings and the lesson's view, each a task of its own: neither holds the page up long
      if (!run.current('switch', token)) return false;
      mountView(mod);
      await engineLoaded;
    } catch (err) {
      status.showFatal(err.message);
      return false;
    }
    if (!run.current('switch', token)) return false;
    await controls.build();
    return run.current('switch', token);
  }

  /**
   * Another lesson: stop training, unmount the current one, mount the new one
   * with fresh trainers (or with the model load() just read, made its run by
   * `adopt(state, stillWanted)`: model-load.js). -> true if the loaded model became its run.
   */
  async function switchLesson(hash, { mod: given = null, adopt = null } = {}) {
    const wasTraining = run.running;
    if (!run.send('switch')) return false;
    const { switch: token } = run.tokens;
    target = hash;
    controls.forgetRun();
    if (wasTraining) engine.client.pause().catch(() => {});
    if (banner.kind === 'halted') banner.hide();
    status.setRunStatus('Loading the lesson…');
    mounted.view?.unmount();
    mounted.view = null;
    ui.configError.hidden = true;
    nav.setCurrent(lessonIdOf(hash, LESSON_IDS));
    let mod = given;
    try {
      [, mod] = await Promise.all([engine.ready, mod ?? loadLesson(lessonIdOf(hash, LESSON_IDS))]);
    } catch (err) {
      if (run.current('switch', token)) status.showFatal(err.message);
      return false;
    }
    if (!run.current('switch', token)) return false;
    mount(mod, hash);
    if (adopt && (await adoptLoaded(token, adopt))) return true;
    if (run.current('switch', token)) await controls.build();
    return false;
  }

  /** The model load() read becomes the new lesson's run; on failure the lesson gets fresh trainers. */
  async function adoptLoaded(token, adopt) {
    try {
      if (!(await adopt(store.get(), () => run.current('switch', token)))) return false;
      return run.send('adopted');
    } catch (err) {
      banner.show('load-error', 'The loaded model could not be used', err.message);
      return false;
    }
  }

  /** The worker died during a switch: start that switch over, now that a fresh worker is coming. */
  function restartSwitch() {
    return switchLesson(target ?? withoutFlags(location.hash));
  }

  /** The n-th lesson of the nav (1-based), as its link would. */
  function openLessonNumber(n) {
    const entry = LESSONS[n - 1];
    if (!entry || !mounted.lesson || entry.id === mounted.lesson.id) return;
    location.hash = nav.hrefFor(entry.id);
  }

  /** A link edited by hand, a lesson link in the nav, or a tutorial's link clicked on this page. */
  function onHashChange() {
    if (!engine.client || run.phase === 'error') return;
    const hash = withoutFlags(location.hash);
    // While a lesson loads or the run is being replaced, the hash's lesson and settings start over.
    if (!run.canEdit || !mounted.lesson || lessonIdOf(hash, LESSON_IDS) !== mounted.lesson.id) switchLesson(hash);
    else sync.applyHash(hash);
  }

  return { openFirst, switchLesson, restartSwitch, openLessonNumber, onHashChange };
}
